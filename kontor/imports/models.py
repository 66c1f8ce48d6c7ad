"""The tables of an import: the batch and its progress, per-chunk results, failed or updated
rows and saved column mappings (the external ids it links live in core.ExternalId).

A batch remembers everything undo needs (docs/architecture.md rule 5): the ids it created (per
chunk) and the previous values of every field it changed (per updated row).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One uploaded file imported into one record type, from upload to (maybe) undo."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not started")
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")
        UNDOING = "undoing", _("Undoing")
        UNDONE = "undone", _("Undone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to="imports/", max_length=255)
    filename = models.CharField(max_length=255)
    # What the reader detected: {"kind": "csv"|"xlsx", "encoding", "delimiter"}
    source = models.JSONField(default=dict)
    headers = models.JSONField(default=list)
    # {"columns": [{"field", "rule"} per column], "mode", "match", "match_column",
    #  "number_format", "create_missing", "skip_duplicates"}
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    # The next data row (numbered from 1) the task processes: committed with each chunk, so a
    # killed task resumes exactly there.
    next_row = models.PositiveIntegerField(default=1)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    related_created_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # When the last chunk committed: a running batch that stopped moving can be resumed.
    progress_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Import")
        verbose_name_plural = _("Imports")

    def __str__(self):
        return self.filename

    @property
    def model(self):
        return self.record_type.model_class()

    @property
    def origin(self) -> str:
        """How the change log names this import ("job:import-<id>"; the timeline links it)."""
        return f"job:import-{self.id}"

    @property
    def language(self) -> str:
        """The language the row messages are written in: the importer's (the background task
        has no request to take it from)."""
        from kontor.users.models import Profile

        chosen = Profile.objects.filter(user_id=self.created_by_id).values_list("language")
        return next(iter(chosen.first() or ()), None) or settings.LANGUAGE_CODE

    @property
    def undo_origin(self) -> str:
        """How the change log names the undo of this import."""
        return f"job:undo-{self.id}"

    def open_file(self):
        """A new binary file object of the upload on each call: every reader (the mapping
        page's sample, a dry run, the import, a worker's part) gets its own, so one closing
        its file never closes another's."""
        return self.file.storage.open(self.file.name, "rb")

    @property
    def rows_done(self) -> int:
        return self.next_row - 1

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING, self.Status.UNDOING)


class ImportChunk(models.Model):
    """The result of one committed chunk: which records it created (per model, for undo)."""

    # The unique (batch, first_row) index serves lookups by batch: no index of its own.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="chunks", db_index=False
    )
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    # {"leads.lead": ["uuid", …], "accounts.account": [...]}
    created = models.JSONField(default=dict)
    undone = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "first_row"], name="import_chunk_once")
        ]

    def __str__(self):
        return f"{self.batch_id} rows {self.first_row}–{self.last_row}"


class ImportPart(models.Model):
    """A range of a file's rows that one background task imports in one transaction, beside
    other parts on other workers (`kontor.imports.parallel`).

    `offset` is the byte where the part's first line starts; `repeats` maps each row whose key
    an earlier row of the file has already used to that earlier row (such rows are reported as
    duplicates). `done` is set in the part's own transaction: a retried part finds it set."""

    # The unique (batch, first_row) index serves lookups by batch: no index of its own.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="parts", db_index=False
    )
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    offset = models.PositiveBigIntegerField()
    repeats = models.JSONField(default=dict)
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "first_row"], name="import_part_once")
        ]

    def __str__(self):
        return f"{self.batch_id} part {self.first_row}–{self.last_row}"


class ImportRow(models.Model):
    """A row worth remembering: failed (with its values and reason) or updated (with the
    previous values undo restores)."""

    class Outcome(models.TextChoices):
        FAILED = "failed", _("Error")
        UPDATED = "updated", _("Updated")
        DUPLICATE = "duplicate", _("Duplicate")

    # import_row_outcome (batch, outcome, row) serves lookups by batch: no index of its own.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    row = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    record_id = models.UUIDField(null=True, blank=True)
    # failed/duplicate: the row's cells; updated: {field: [old, new]} as change-log text
    values = models.JSONField(default=list)
    # updated: the columns `clean()` derived and the search text, {attname: [old, new]} where
    # they changed, so undo can put them back in SQL; None for rows of older versions.
    derived = models.JSONField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "outcome", "row"], name="import_row_outcome")]

    def __str__(self):
        return f"{self.batch_id} row {self.row}: {self.outcome}"


class ImportMapping(models.Model):
    """A saved column mapping: header → field and update rule, reusable for the next file."""

    record_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("Name"), max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # {"columns": {normalized header: {"field", "rule"}}, "mode", "match", …}
    options = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "owner", "name"], name="import_mapping_unique_name"
            )
        ]

    def __str__(self):
        return self.name


def describe_origin(rest: str, *, undo: bool = False) -> tuple[str, str]:
    """Label and page of an import (or its undo) named by a change-log origin
    (`kontor.core.origins`). Origins written by older versions carry only 8 characters of the
    id: they get the label without a link."""
    from django.urls import reverse
    from django.utils.translation import gettext

    short = rest[:8]
    label = (gettext("undo of import %(id)s") if undo else gettext("import %(id)s")) % {"id": short}
    try:
        return label, reverse("imports:batch", args=[uuid.UUID(rest)])
    except ValueError:
        return label, ""
