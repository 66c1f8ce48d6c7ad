"""Test helpers of the import: fixture files, uploads, queued batches, running a batch for
real, a run that dies halfway."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from kontor.imports import actions
from kontor.imports.models import ImportBatch
from kontor.leads.models import Lead

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


def queued(content: str, *, actor, model=Lead, **options) -> ImportBatch:
    """A batch of the CSV text `content`, configured with `options`, queued to run."""
    batch = actions.create_batch(upload("list.csv", content.encode()), model=model, actor=actor)
    if options:
        actions.configure(batch, {**batch.options, **options}, actor=actor)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    return batch


def die_after_chunk(monkeypatch, row: int) -> None:
    """Make the import fail (RuntimeError "killed") right after writing the chunk that starts
    after `row`, inside that chunk's transaction: that chunk rolls back, earlier ones stay."""
    real = actions.write_chunk

    def write_then_die(planner, plans, first, last):
        counts = real(planner, plans, first, last)
        if first > row:
            raise RuntimeError("killed")
        return counts

    monkeypatch.setattr(actions, "write_chunk", write_then_die)
