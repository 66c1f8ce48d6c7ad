"""The shared kernel's tables: the abstract record base, the change log and dropdown lists.

Every record type of Kontor (targets, leads, contacts, accounts, opportunities, activities)
inherits `Record`; no module-specific code lives here.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.core import permissions
from kontor.core.admin_log import AdminChange  # noqa: F401 - Django looks for it here
from kontor.core.dropdown_models import DropdownList, DropdownValue  # noqa: F401 - Django looks for them here
from kontor.core.fast.new import new_record


class RecordQuerySet(models.QuerySet):
    """Querysets of records; `visible_to` is the one permission filter (docs/architecture.md
    rule 3)."""

    def alive(self):
        return self.filter(deleted=False)

    def visible_to(self, user, action: str = "view"):
        """The records `user` may `action`; not allowed and not found look the same."""
        return permissions.restrict(self, user, action)


class AliveManager(models.Manager.from_queryset(RecordQuerySet)):
    """The default manager: records in the trash are left out."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)


class Record(models.Model):
    """Fields common to every record (docs/domain.md §2).

    Writes go through `kontor.core.actions.save_record`, which fills the audit fields, the
    search text and the change log in one transaction.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    date_entered = models.DateTimeField(_("Date created"), default=timezone.now, editable=False)
    # No index of their own: written on every insert/update, read only by the owner filter
    # (record_indexes has the one it needs).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    date_modified = models.DateTimeField(_("Date modified"), default=timezone.now, editable=False)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Modified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("Description"), blank=True, max_length=20_000)
    deleted = models.BooleanField(_("Deleted"), default=False, editable=False)
    deleted_at = models.DateTimeField(_("Deleted at"), null=True, blank=True, editable=False)
    # Record-level visibility (docs/domain.md §6): a Team-scope grant reaches the records of the
    # user's teams. New records join their creator's teams and their parent record's.
    teams = models.ManyToManyField(
        "users.Team", blank=True, related_name="+", verbose_name=_("Teams")
    )
    custom = models.JSONField(_("Custom fields"), default=dict, blank=True, editable=False)
    # Lower-cased text of the module's search fields, maintained by save_record; indexed for
    # substring search (trigram GIN on PostgreSQL, FTS5 trigram on SQLite).
    search_text = models.TextField(default="", blank=True, editable=False)

    objects = AliveManager()
    with_deleted = RecordQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "with_deleted"

    # Fields that are bookkeeping, not content: never shown in the change log as edits.
    AUDIT_EXCLUDE = frozenset(
        {
            "id",
            "date_entered",
            "created_by",
            "date_modified",
            "modified_by",
            "deleted",
            "deleted_at",
            "search_text",
        }
    )

    def get_absolute_url(self):
        from kontor.core import registry

        return registry.for_model(type(self)).url("detail", self.pk)

    def team_parents(self) -> list:
        """Records whose teams a new record of this type joins (an activity: its parent)."""
        return []

    def full_clean(self, *args, **kwargs):
        # Surrounding spaces are never content; stripping first lets "required" catch " ".
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and isinstance(field, models.CharField | models.TextField):
                setattr(self, field.attname, value.strip())
        # Admins' required marks and custom fields (kontor.core.config) join Django's checks,
        # so every path that validates a record (forms, import, API) gets the same messages.
        from kontor.core import config

        errors: dict = {}
        try:
            super().full_clean(*args, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        exclude = kwargs.get("exclude", args[0] if args else None)
        for name, found in config.validate(self, exclude).items():
            errors.setdefault(name, []).extend(found)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def new(cls, values: dict):
        """A new, unsaved record of `values` (by field name or attname; a related record or
        its id); other fields get their defaults. The API's creates and the import build
        records this way: positionally on the fast path (kontor.core.fast.new)."""
        return new_record(cls, values)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What was loaded, so validation can tell what an edit changed (a stage change fills
        # the probability; a deactivated dropdown value stays valid where it was already set).
        instance._loaded = loaded = dict(zip(field_names, values, strict=True))
        if isinstance(loaded.get("custom"), dict):
            # A copy: a save writes only what changed since loading (kontor.core.edits), and a
            # custom value changed in place in the shared dict would look unchanged.
            loaded["custom"] = dict(loaded["custom"])
        return instance


class ChangeLog(models.Model):
    """One row per event of a record: created, a field changed, deleted, restored, converted."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        RESTORE = "restore", _("Restored")
        CONVERT = "convert", _("Converted")

    # changelog_record (below) starts with the record type: no index of its own.
    record_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    record_id = models.UUIDField()
    action = models.CharField(max_length=16, choices=Action.choices)
    field = models.CharField(max_length=100, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # The request ("req:…") or background job ("job:…") that made the change.
    origin = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id", "at"], name="changelog_record")]
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.action} {self.record_type_id}:{self.record_id} {self.field}"


class ExternalId(models.Model):
    """The id a record has in another system, per source system: a shop's customer number
    sent through the API, a SuiteCRM id or ERP number from an import. Imports and API upserts
    match on it; a record may have one per source."""

    source = models.CharField(max_length=64)
    external_id = models.CharField(max_length=255)
    record_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    record_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)
    # The request or job that linked it ("req:…", "job:import-…"), as in the change log.
    origin = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "source", "external_id"], name="external_id_unique"
            )
        ]
        indexes = [models.Index(fields=["record_id"], name="external_id_record")]

    def __str__(self):
        return f"{self.source}:{self.external_id}"


def sort_indexes(prefix: str, *fields: str) -> list[models.Index]:
    """(field, id) indexes for the sortable list columns: keyset pages walk them directly."""
    return [models.Index(fields=[f, "id"], name=f"{prefix}_{f}_sort"[:30]) for f in fields]


def record_indexes(prefix: str, *sort_fields: str, lookups: tuple = ()) -> list[models.Index]:
    """The indexes of a record table: sort indexes, exact-match lookups (e-mail, E.164 phone,
    match keys) and the owner filter's creator of unassigned records.

    Every index costs each insert and update (an import writes a million rows), so lookups are
    plain B-trees (`db_index=True` on a CharField adds a second, LIKE-prefix index on PostgreSQL
    that nothing here uses), and the creator is indexed only where the owner filter reads it.
    """
    return [
        *sort_indexes(prefix, *sort_fields),
        *(models.Index(fields=[f], name=f"{prefix}_{f}_find"[:30]) for f in lookups),
        models.Index(
            fields=["created_by"],
            condition=models.Q(assigned_user__isnull=True),
            name=f"{prefix}_unassigned_creator"[:30],
        ),
    ]
