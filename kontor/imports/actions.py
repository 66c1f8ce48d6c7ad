"""The import verbs: upload a file, map it, dry-run it, run it in chunks, undo it.

Called by the import pages and the background task. The run is kill-safe: each chunk is one
transaction that writes its records, its change log and the batch's progress together, so a
killed task resumes from the last committed chunk and never writes a row twice.
"""

import io
import tempfile
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kontor.core import permissions
from kontor.core.context import origin
from kontor.core.people import Person
from kontor.imports import readers, vcards
from kontor.imports.engine import Planner, RowPlan
from kontor.imports.mapping import EXTERNAL_ID, targets
from kontor.imports.models import ImportBatch, ImportMapping
from kontor.imports.sql import flush_search_index
from kontor.imports.writer import write_chunk

CHUNK_SIZE = 2000
#: The largest file an import takes (a million leads are about 150 MB of CSV).
MAX_BYTES = getattr(django_settings, "KONTOR_IMPORT_MAX_BYTES", 300 * 1024 * 1024)
PREVIEW_ROWS = 1000
#: A running batch without progress for this long is taken as killed and may be resumed.
STALE_AFTER = timedelta(minutes=5)
MODES = ("create", "update")
MATCHES = ("email", "external", "id")
RULES = ("overwrite", "fill")

Status = ImportBatch.Status


def check_import_allowed(actor, model) -> None:
    if not permissions.can(actor, "import", model):
        raise PermissionDenied


def check_upload(upload) -> None:
    """Refuse an empty file or one over MAX_BYTES (the upload form shows the same message)."""
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(size)s.") % {"size": filesizeformat(MAX_BYTES)}}
        )


def create_batch(upload, *, model, actor) -> ImportBatch:
    """Store an uploaded file as a new batch with the detected format and auto-mapped columns.

    Raises ValidationError({"file": …}) and stores nothing when the file is empty, too large or
    cannot be read.
    """
    from django.contrib.contenttypes.models import ContentType

    from kontor.imports.mapping import auto_map

    check_import_allowed(actor, model)
    check_upload(upload)
    batch = ImportBatch(
        record_type=ContentType.objects.get_for_model(model),
        created_by=actor,
        filename=upload.name[:255],
    )
    # Stored first, then read from storage: the readers open the file several times.
    batch.file.save(upload.name[-100:], File(upload), save=False)
    try:
        converted = _vcards_as_csv(batch, model)
        source, headers = readers.inspect(batch_opener(batch))
    except readers.ReaderError as error:
        batch.file.delete(save=False)
        raise ValidationError({"file": str(error)}) from error
    except BaseException:
        batch.file.delete(save=False)  # nothing stays behind of a failed upload
        raise
    columns = [{"field": f, "rule": "overwrite"} for f in auto_map(model, headers)]
    chosen = {c["field"] for c in columns}
    # Match on the e-mail when the file has one, else on an id column from another system.
    match = (
        "email"
        if "email1" in chosen or (EXTERNAL_ID not in chosen and "email1" in targets(model))
        else "external"
    )
    batch.options = {
        "columns": columns,
        "mode": "create",
        "match": match,
        "number_format": "en" if source.delimiter == "," else "de",
        "create_missing": False,
    }
    batch.headers, batch.source = headers, source.as_dict()
    if converted:
        batch.source["converted_from"] = "vcard"
    batch.save()
    return batch


def _vcards_as_csv(batch: ImportBatch, model) -> bool:
    """Replace a stored vCard file by its CSV (kontor.imports.vcards); False for other files.
    Only people (targets, leads, contacts) come from vCards."""
    with batch.open_file() as fh:
        if not vcards.is_vcard(fh.read(64)):
            return False
    if not issubclass(model, Person):
        raise readers.ReaderError(
            _("vCards hold people: import them as targets, leads or contacts.")
        )
    with tempfile.TemporaryFile() as converted:
        text = io.TextIOWrapper(converted, encoding="utf-8", newline="")
        with batch.open_file() as fh:
            vcards.to_csv(fh, text)
        text.flush()
        text.detach()
        converted.seek(0)
        old_name = batch.file.name
        batch.file.save(f"{batch.filename[:90]}.csv", File(converted), save=False)
        batch.file.storage.delete(old_name)
    return True


def batch_opener(batch: ImportBatch) -> Callable:
    """How readers open `batch`'s upload: a file object of their own each time."""
    return batch.open_file


def configure(batch: ImportBatch, settings: dict, *, actor) -> ImportBatch:
    """Store the mapping and options of a batch that has not started yet."""
    check_import_allowed(actor, batch.model)
    if batch.status != Status.DRAFT:
        raise ValidationError(_("This import has already started."))
    errors = validate_settings(batch.model, len(batch.headers), settings)
    if errors:
        raise ValidationError(errors)
    batch.options = settings
    batch.save(update_fields=["options"])
    return batch


def validate_settings(model, width: int, settings: dict) -> list[str]:
    """What is wrong with a mapping: unknown fields, a field used twice, required fields or
    the match column missing."""
    available = targets(model)
    columns = settings.get("columns", [])
    chosen = [c.get("field") for c in columns if c.get("field")]
    errors = []
    if len(columns) != width or any(f not in available for f in chosen):
        errors.append(_("The mapping does not fit this file."))
    for name in {f for f in chosen if chosen.count(f) > 1}:
        errors.append(
            _("%(field)s is chosen for more than one column.") % {"field": available[name].label}
        )
    for target in available.values():
        if target.required and target.name not in chosen:
            errors.append(_("Choose a column for %(field)s (required).") % {"field": target.label})
    match = settings.get("match")
    if settings.get("mode") not in MODES or match not in MATCHES:
        errors.append(_("Choose what to do with existing records."))
    elif settings.get("mode") == "update" and match == "email" and "email1" not in chosen:
        errors.append(
            _("Matching on e-mail needs a column mapped to %(field)s.")
            % {"field": available["email1"].label if "email1" in available else "Email"}
        )
    elif settings.get("mode") == "update" and match != "email" and EXTERNAL_ID not in chosen:
        errors.append(
            _("Matching on an id needs a column mapped to “%(field)s”.")
            % {"field": available[EXTERNAL_ID].label}
        )
    if match == "email" and "email1" not in available:
        errors.append(_("These records have no e-mail address to match on."))
    return errors


def preview(batch: ImportBatch, *, actor, limit: int = PREVIEW_ROWS) -> tuple[list[RowPlan], bool]:
    """The dry run: the plan of the first `limit` rows (nothing written) and whether the file
    has more rows."""
    check_import_allowed(actor, batch.model)
    planner = Planner(batch, actor, dry_run=True)
    chunk, more = [], False
    try:
        for item in readers.rows(batch_opener(batch), _source(batch)):
            if len(chunk) == limit:
                more = True
                break
            chunk.append(item)
    except readers.ReaderError as error:
        raise ValidationError(str(error)) from error
    plans = []
    for start in range(0, len(chunk), CHUNK_SIZE):
        plans += planner.plan(chunk[start : start + CHUNK_SIZE])
    return plans, more


def _source(batch):
    return readers.Source.from_dict(batch.source)


def queue_import(batch: ImportBatch, *, actor) -> ImportBatch:
    """Start (or resume) the import in the background; the task runs after this commits."""
    from kontor.imports.tasks import run_import_task

    check_import_allowed(actor, batch.model)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not can_start(batch):
            raise ValidationError(_("This import cannot be started now."))
        batch.status, batch.error = Status.QUEUED, ""
        batch.save(update_fields=["status", "error"])
        transaction.on_commit(lambda: run_import_task.enqueue(str(batch.pk)))
    return batch


def can_start(batch: ImportBatch) -> bool:
    """A draft, a failed run, or a run that stopped moving (its worker was killed)."""
    if batch.status in (Status.DRAFT, Status.FAILED):
        return True
    stale = timezone.now() - (batch.progress_at or batch.started_at or batch.created_at)
    return batch.status in (Status.QUEUED, Status.RUNNING) and stale > STALE_AFTER


def run_import(batch_id, *, chunk_size: int = CHUNK_SIZE, after_chunk=None) -> ImportBatch:
    """The background task's work: process the batch chunk by chunk from `next_row`.

    `after_chunk(batch)` is called after each commit (the benchmark and the kill-safety test
    use it). A failing chunk rolls back alone; the batch is marked failed and can be resumed.
    """
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in (Status.QUEUED, Status.RUNNING):
        return batch
    actor = batch.created_by
    with origin(batch.origin), translation.override(batch.language):
        try:
            _start(batch)
            planner = Planner(batch, actor)
            chunk = []
            for item in readers.rows(batch_opener(batch), _source(batch), batch.next_row):
                chunk.append(item)
                if len(chunk) == chunk_size:
                    batch = _commit_chunk(planner, batch, chunk, after_chunk)
                    chunk = []
            if chunk:
                batch = _commit_chunk(planner, batch, chunk, after_chunk)
        except Exception as error:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=Status.FAILED, error=str(error)[:2000]
            )
            raise
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.DONE, finished_at=timezone.now())
    flush_search_index(batch.model)
    batch.refresh_from_db()
    return batch


def _start(batch: ImportBatch) -> None:
    if batch.rows_total is None:
        batch.rows_total = readers.count_rows(batch_opener(batch), _source(batch))
    batch.status = Status.RUNNING
    batch.started_at = batch.started_at or timezone.now()
    batch.progress_at = timezone.now()
    batch.save(update_fields=["rows_total", "status", "started_at", "progress_at"])


def _commit_chunk(planner: Planner, batch: ImportBatch, chunk: list, after_chunk):
    first, last = chunk[0][0], chunk[-1][0]
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.next_row != batch.next_row or locked.status != Status.RUNNING:
            raise RuntimeError(_("Another worker is running this import."))
        planner.batch = locked
        counts = write_chunk(planner, planner.plan(chunk), first, last)
        locked.next_row = last + 1
        locked.created_count += counts["create"]
        locked.updated_count += counts["update"]
        locked.duplicate_count += counts["duplicate"]
        locked.unchanged_count += counts["unchanged"]
        locked.failed_count += counts["failed"]
        locked.related_created_count += counts["related"]
        locked.progress_at = timezone.now()
        locked.save()
    if after_chunk is not None:
        after_chunk(locked)
    return locked


def save_mapping(batch: ImportBatch, name: str, *, actor) -> ImportMapping:
    """Remember the batch's mapping under `name` (per user and record type) for later files."""
    check_import_allowed(actor, batch.model)
    from kontor.imports.mapping import norm

    columns = {}
    for header, column in zip(batch.headers, batch.options.get("columns", []), strict=False):
        columns.setdefault(norm(header), column)
    settings = {**batch.options, "columns": columns}
    mapping, _created = ImportMapping.objects.update_or_create(
        record_type=batch.record_type,
        owner=actor,
        name=name.strip()[:100],
        defaults={"options": settings, "updated_at": timezone.now()},
    )
    return mapping


def apply_mapping(batch: ImportBatch, mapping: ImportMapping) -> dict:
    """The batch's settings with a saved mapping applied to its headers (by header name)."""
    from kontor.imports.mapping import norm

    saved = mapping.options.get("columns", {})
    columns = [saved.get(norm(h), {"field": "", "rule": "overwrite"}) for h in batch.headers]
    return {
        **batch.options,
        **{k: v for k, v in mapping.options.items() if k != "columns"},
        "columns": columns,
    }
