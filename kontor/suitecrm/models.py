"""What a migration from SuiteCRM remembers between runs, for `kontor migrate-suitecrm`.

Records keep their SuiteCRM id in `core.ExternalId` (source "suitecrm"), like any record from
outside. Users, teams and roles are not records: `LegacyId` maps their SuiteCRM ids to Kontor's
primary keys. `MigrationRun` notes each run, so a later run knows where the last one stopped.
"""

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

SOURCE = "suitecrm"


class LegacyId(models.Model):
    """The SuiteCRM id of a user, team (security group) or role, and its Kontor primary key."""

    kind = models.CharField(max_length=32)
    suitecrm_id = models.CharField(max_length=36)
    kontor_id = models.CharField(max_length=64)
    # What the last run wrote (field → value), so that a later run tells SuiteCRM's changes
    # from Kontor's (kontor.suitecrm.merge).
    written = models.JSONField(default=dict, blank=True)

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
    #: SuiteCRM's UTC time when the run's snapshot started
    source_clock = models.DateTimeField(null=True, blank=True)
    #: Step name → `source_clock`, for each step the run finished: a later run of the step
    #: reads only what SuiteCRM changed from then on (`kontor.suitecrm.delta`).
    watermarks = models.JSONField(default=dict)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class LegacyPassword(models.Model):
    """A migrated user's SuiteCRM password hash (`users.user_hash`), kept after Django has
    upgraded the sign-in hash, for clients of SuiteCRM's legacy API that send md5(password):
    `kontor.suitecrm.hashers.verify_md5(md5, suitecrm_hash)` checks them. It is dropped when
    the user's password changes to another one (see `_forget_changed_password`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suitecrm_password"
    )
    suitecrm_hash = models.CharField(max_length=255)

    def __str__(self):
        return f"SuiteCRM password of {self.user}"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _forget_changed_password(sender, instance, **kwargs):
    """A password set in Kontor (`set_password`, which leaves the plain text in `_password`
    until the save) that SuiteCRM's kept hash does not verify makes that hash stale: drop it,
    so an md5 login can never use the old password. The upgrade on first sign-in sets the
    same password, which verifies, and keeps it."""
    from kontor.suitecrm.hashers import md5_hex, verify_md5

    password = getattr(instance, "_password", None)
    if password is None or instance.pk is None:
        return
    kept = LegacyPassword.objects.filter(user_id=instance.pk).first()
    if kept and not verify_md5(md5_hex(password), kept.suitecrm_hash):
        kept.delete()
