"""`kontor rebuild_funnel`: derive the funnel's journeys again from the records.

For operators: run it after writes that send no events (`kontor generate`, `kontor
migrate-suitecrm`, a restored backup) and whenever the funnel looks out of step; `--queue`
hands it to a worker instead (docs/funnel.md).
"""

from django.core.management.base import BaseCommand

from kontor.funnel import maintain
from kontor.funnel.tasks import rebuild_funnel_task


class Command(BaseCommand):
    help = "Rebuild the funnel's journeys from the targets, leads, opportunities and change log."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true", help="Queue the rebuild for a worker instead."
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            rebuild_funnel_task.enqueue()
            self.stdout.write("Funnel rebuild queued.")
            return
        count, seconds = maintain.rebuild_timed()
        self.stdout.write(f"Funnel rebuilt: {count:,} journeys in {seconds:.1f} s.")
