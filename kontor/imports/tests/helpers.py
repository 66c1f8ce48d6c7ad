"""Test helpers of the import: fixture files, uploads, running a batch for real."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from kontor.imports import actions
from kontor.imports.models import ImportBatch

DATA = Path(__file__).parent / "data"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    """A fixture file (or the given bytes) as the upload form would receive it."""
    if content is None:
        content = (DATA / name).read_bytes()
    return SimpleUploadedFile(name, content)


def run(batch: ImportBatch, *, actor, **options) -> ImportBatch:
    """Configure and run a batch to the end in this process (the task's own function)."""
    if options:
        actions.configure(batch, {**batch.options, **options}, actor=actor)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    return actions.run_import(batch.pk)
