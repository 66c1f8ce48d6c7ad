"""Administration → Scheduled jobs (/admin/scheduled-jobs/): for administrators, every periodic
job the apps declare, when it runs, when a worker last queued it and when it is due next
(kontor.ops.scheduler). Read only; everyone else gets 404."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kontor.core import admin_area, schedule
from kontor.ops.models import ScheduledJob


@admin_area.admin_required
def scheduled_jobs(request):
    declared = schedule.jobs()
    rows = ScheduledJob.objects.in_bulk([job.name for job in declared])
    entries = [
        {"job": job, "when": job.schedule.describe(), "row": rows.get(job.name)} for job in declared
    ]
    return render(
        request,
        "ops/scheduled_jobs.html",
        {"entries": entries, "zone": settings.TIME_ZONE},
    )


def register_page() -> None:
    """Put the page into the administration menu (called from the app's ready())."""
    admin_area.register_page(
        "admin-scheduled-jobs",
        _("Scheduled jobs"),
        icon="clock-history",
        group=_("System"),
        order=90,
    )
