"""What a migration from SuiteCRM remembers between runs, for `kontor migrate-suitecrm`.

Records keep their SuiteCRM id in `core.ExternalId` (source "suitecrm"), like any record from
outside. Users, teams and roles are not records: `LegacyId` maps their SuiteCRM ids to Kontor's
primary keys. `MigrationRun` notes each run, so a later run knows where the last one stopped.
"""

from django.db import models
from django.utils import timezone

SOURCE = "suitecrm"


class LegacyId(models.Model):
    """The SuiteCRM id of a user, team (security group) or role, and its Kontor primary key."""

    kind = models.CharField(max_length=32)
    suitecrm_id = models.CharField(max_length=36)
    kontor_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "suitecrm_id"], name="suitecrm_legacy_id")
        ]

    def __str__(self):
        return f"{self.kind} {self.suitecrm_id} → {self.kontor_id}"


class MigrationRun(models.Model):
    """One run of the migration: where it read from, when, how it ended and its report."""

    source = models.CharField(max_length=255)  # host and database, never the password
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    # The newest date_modified read per SuiteCRM table: where a delta run starts.
    watermarks = models.JSONField(default=dict)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"
