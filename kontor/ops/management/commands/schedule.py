"""`kontor schedule`: the periodic jobs with their schedule, last start and next due time; with
`--tick`, queues the due ones once, for operators whose workers are not `kontor worker` (the RQ
backend: run it every minute from a timer). docs/scheduling.md."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core import schedule
from kontor.ops import scheduler
from kontor.ops.models import ScheduledJob


class Command(BaseCommand):
    help = "List the periodic jobs; --tick queues the due ones (each due run once)."

    def add_arguments(self, parser):
        parser.add_argument("--tick", action="store_true", help="queue the due jobs")

    def handle(self, *args, tick=False, **options):
        if tick:
            scheduler.sync()
            queued = scheduler.tick()
            for name in queued:
                self.stdout.write(_("Queued: %(name)s") % {"name": name})
            return
        rows = ScheduledJob.objects.in_bulk([job.name for job in schedule.jobs()])
        for job in schedule.jobs():
            row = rows.get(job.name)
            last = row and row.last_enqueued_at
            self.stdout.write(
                "  ".join(
                    [
                        job.name.ljust(40),
                        job.schedule.describe().ljust(20),
                        _("last: %(time)s") % {"time": _when(last) if last else "—"},
                        _("next: %(time)s") % {"time": _when(row.next_due) if row else "—"},
                    ]
                )
            )


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
