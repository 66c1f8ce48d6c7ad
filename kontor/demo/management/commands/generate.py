"""`kontor generate`: seeded volume data for benchmarks (a million leads in minutes).

For developers and operators sizing Kontor, and for `make bench`:

    kontor generate --leads 1000000 --accounts 100000 --contacts 200000 \
        --opportunities 50000 --seed 42

The same seed and counts give the same records (ids included) on any database. Names are
German and English, dropdown fields hold valid keys (the modules' shipped lists), phones come
with their E.164 columns, `date_entered` spreads over `--years` years before `--until`, and
records are assigned to a few generated users (`sales1` … `salesN`, no usable password).

This is bulk seeding, not a user action: rows are written with COPY on PostgreSQL and batched
`executemany` on SQLite, bypassing `save_record`, so no change-log rows are written and model
validation does not run. `search_text` is computed with the module's own `search_text_for`;
the search index is rebuilt once after a large load (docs/performance.md rule 7). Run it on an
empty database, or with a new seed to add more: the same seed twice repeats the ids.
"""

import time
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from kontor.core import registry, search_index
from kontor.demo.bulk import Writer, indexes_dropped
from kontor.demo.volume import Generator
from kontor.users.actions import create_user


class Command(BaseCommand):
    help = "Generate seeded volume data (leads, accounts, contacts, …) for benchmarks."

    def add_arguments(self, parser):
        for name, default in (
            ("accounts", 0),
            ("contacts", 0),
            ("leads", 0),
            ("opportunities", 0),
            ("targets", 0),
        ):
            parser.add_argument(
                f"--{name}",
                type=int,
                default=default,
                help=f"How many {name} to add (default {default}).",
            )
        parser.add_argument("--users", type=int, default=5, help="Generated users to assign.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=date(2026, 1, 1),
            help="Newest date_entered (a fixed default keeps runs identical).",
        )
        parser.add_argument("--years", type=int, default=5, help="Spread of date_entered.")

    def handle(self, *args, **opts):
        users = self.users(opts["users"])
        until = datetime.combine(opts["until"], datetime.min.time(), tzinfo=UTC)
        gen = Generator(opts["seed"], users, until, opts["years"])
        plan = [
            ("accounts", gen.account_rows),
            ("contacts", gen.contact_rows),
            ("leads", gen.lead_rows),
            ("targets", gen.target_rows),
            ("opportunities", gen.opportunity_rows),
        ]
        if opts["accounts"] == 0 and (opts["contacts"] or opts["opportunities"]):
            self.stderr.write("No --accounts: contacts and opportunities get no account.")
        total, started = 0, time.monotonic()
        for slug, rows in plan:
            if opts[slug]:
                total += self.load(
                    registry.get(slug).model, rows(opts[slug]), opts[slug], opts["verbosity"]
                )
        seconds = time.monotonic() - started
        if opts["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {total:,} records in {seconds:.1f} s "
                    f"({total / max(seconds, 1e-9):,.0f} rows/s)."
                )
            )

    def users(self, n: int) -> list[int]:
        """Ids of the users sales1 … salesN, created when missing."""
        User = get_user_model()
        ids = []
        for i in range(1, max(n, 1) + 1):
            user = User.objects.filter(username=f"sales{i}").first() or create_user(
                f"sales{i}",
                password=None,
                first_name=f"Sales {i}",
                last_name="Generated",
                email=f"sales{i}@kontor.example",
            )
            ids.append(user.pk)
        return ids

    def load(self, model, rows, n: int, verbosity: int) -> int:
        """Write `n` rows in one transaction; big loads rebuild the search index afterwards."""
        started = time.monotonic()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Random UUID keys touch index pages all over the file: keep them in memory.
                cursor.execute("PRAGMA cache_size = -1000000")
        with transaction.atomic():
            if n >= 10_000:
                with search_index.suspended([model]), indexes_dropped(model._meta.db_table):
                    count = Writer(model).write(rows)
                    loaded = time.monotonic()
            else:
                count = Writer(model).write(rows)
                loaded = time.monotonic()
        with connection.cursor() as cursor:  # fresh statistics for the planner
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        if verbosity:
            done = time.monotonic()
            rate = count / max(loaded - started, 1e-9)
            self.stdout.write(
                f"{model._meta.verbose_name_plural}: {count:,} rows, load "
                f"{loaded - started:.1f} s ({rate:,.0f} rows/s), indexes "
                f"and statistics {done - loaded:.1f} s"
            )
        return count
