"""Imports and SuiteCRM migrations that finished, told to who started them (an import) or to
the administrators (a migration, run from the command line). Looked for by the minute job in
the runs that ended in the last `WINDOW`: the import and the migration need not know this app,
and a run heard twice is told once (the key names the run)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from kontor.core import permissions
from kontor.imports.models import ImportBatch
from kontor.notifications.actions import notify
from kontor.notifications.models import Kind, Notification
from kontor.suitecrm.models import MigrationRun

WINDOW = timedelta(hours=1)
Status = ImportBatch.Status


def announce(now) -> int:
    since = now - WINDOW
    items = []
    batches = ImportBatch.objects.filter(
        Q(status=Status.DONE, finished_at__gte=since)
        | Q(status=Status.FAILED, progress_at__gte=since)
        | Q(status=Status.FAILED, progress_at__isnull=True, started_at__gte=since),
        created_by__isnull=False,
    ).only("pk", "filename", "status", "created_by_id")
    for batch in batches:
        items.append(
            Notification(
                user_id=batch.created_by_id,
                kind=Kind.FINISHED,
                key=f"import:{batch.pk}",
                subject=batch.filename[:255],
                url=reverse("imports:batch", args=[batch.pk]),
                detail="failed" if batch.status == Status.FAILED else "",
            )
        )
    runs = list(MigrationRun.objects.filter(finished_at__gte=since, dry_run=False))
    told = set(
        Notification.objects.filter(key__startswith="migration:").values_list("key", flat=True)
    )
    runs = [run for run in runs if not any(k.startswith(f"migration:{run.pk}:") for k in told)]
    if runs:
        users = get_user_model().objects.filter(is_active=True)
        admins = [user for user in users if permissions.is_admin(user)]
        for run in runs:
            items += [
                Notification(
                    user=admin,
                    kind=Kind.FINISHED,
                    key=f"migration:{run.pk}:{admin.pk}",
                    subject=run.source[:255],
                    detail="migration",
                )
                for admin in admins
            ]
    items = _untold(items)
    return notify(items)


def _untold(items: list) -> list:
    known = set(
        Notification.objects.filter(key__in=[n.key for n in items]).values_list("key", flat=True)
    )
    return [n for n in items if n.key not in known]
