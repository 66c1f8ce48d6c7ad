"""`kontor recompute_base_amounts`: every opportunity's amount in the base currency again.

The workers run it daily at 02:30 (docs/scheduling.md); by hand it recomputes at once. An
open opportunity is converted at today's rate, so a rate whose valid-from day has come changes
its base amount without any write. A change of rates or of the base recomputes by itself, in
the worker.
"""

from django.core.management.base import BaseCommand

from kontor.opportunities.base_amounts import recompute


class Command(BaseCommand):
    help = "Recompute every opportunity's amount in the base currency at the current rates"

    def add_arguments(self, parser):
        parser.add_argument(
            "--currency", action="append", default=None, help="Only this currency (repeatable)."
        )

    def handle(self, *args, **opts):
        codes = [c.upper() for c in opts["currency"]] if opts["currency"] else None
        touched = recompute(codes)
        if opts["verbosity"]:
            self.stdout.write(f"Recomputed the base amounts of {touched:,} opportunities.")
