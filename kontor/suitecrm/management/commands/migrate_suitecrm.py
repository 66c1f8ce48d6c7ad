"""`kontor migrate-suitecrm --from mysql://user:pass@host:3306/db`: move a SuiteCRM database
into Kontor, for the administrator switching over (docs/migrate-from-suitecrm.md)."""

import argparse
import datetime
from pathlib import Path

import pymysql
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.suitecrm.progress import Progress
from kontor.suitecrm.run import migrate
from kontor.suitecrm.source import SourceError
from kontor.suitecrm.steps import steps
from kontor.suitecrm.verify import verify as verify_migration


class Command(BaseCommand):
    help = "Migrate a SuiteCRM 7/8 database (read-only) into Kontor."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="url", required=True, help="mysql://user:pass@host/db")
        parser.add_argument("--uploads", help="SuiteCRM's upload folder (note attachments)")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")
        parser.add_argument(
            "--modules", nargs="+", help="Only these steps: " + ", ".join(s.name for s in steps())
        )
        parser.add_argument("--actor", help="The Kontor user the run acts as (default: an admin).")
        window = parser.add_mutually_exclusive_group()
        window.add_argument(
            "--since",
            type=_utc,
            help="Only what SuiteCRM changed from this UTC time on (YYYY-MM-DD[ HH:MM[:SS]]); "
            "by default a step reads what changed since the last run that finished it.",
        )
        window.add_argument(
            "--full", action="store_true", help="Read everything, not only what changed."
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Migrate nothing: compare SuiteCRM with Kontor (counts, links, a sample of "
            "records) and exit with status 1 when something differs.",
        )
        parser.add_argument(
            "--sample",
            type=int,
            default=50,
            help="With --verify: how many random records per module to compare (default 50).",
        )

    def handle(
        self,
        *args,
        url,
        uploads,
        dry_run,
        modules,
        actor,
        verify=False,
        since=None,
        full=False,
        **options,
    ):
        if verify:
            return self._verify(url, options.get("sample", 50))
        unknown = sorted(set(modules or ()) - {s.name for s in steps()})
        if unknown:
            raise CommandError(_("Unknown modules: %(names)s") % {"names": ", ".join(unknown)})
        if uploads and not Path(uploads).is_dir():
            # Refused before anything runs: every note would arrive without its file.
            raise CommandError(
                _("No folder %(path)s (--uploads: SuiteCRM's upload folder).") % {"path": uploads}
            )
        try:
            report = migrate(
                url,
                actor=self._actor(actor),
                dry_run=dry_run,
                modules=modules,
                uploads=uploads,
                progress=Progress(self.stderr),
                since=since,
                full=full,
            )
        except SourceError as error:
            raise CommandError(str(error)) from None
        except pymysql.MySQLError as error:
            # Outside a step (a lost connection while counting a table): a message, no traceback.
            raise CommandError(_read_error(error)) from None
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        self.stdout.write("\n".join(report.lines()))
        if report.failed:
            # After the report, so that it is read; the exit status tells scripts.
            raise CommandError(
                _("Steps stopped by an error: %(steps)s") % {"steps": ", ".join(report.failed)}
            )

    def _verify(self, url, sample: int):
        try:
            result = verify_migration(url, sample=sample)
        except SourceError as error:
            raise CommandError(str(error)) from None
        except pymysql.MySQLError as error:
            # A lost connection or a table whose columns SuiteCRM never had: a message.
            raise CommandError(_read_error(error)) from None
        self.stdout.write("\n".join(result.lines()))
        if result.differences:
            n = len(result.differences)
            raise CommandError(
                ngettext("%(n)d difference.", "%(n)d differences.", n) % {"n": n}, returncode=1
            )

    def _actor(self, username):
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                _("No active user “%(name)s”.") % {"name": username}
                if username
                else _(
                    "No active administrator: "
                    "create one first (kontor createsuperuser) or name one with --actor."
                )
            )
        return user


def _utc(value: str) -> datetime.datetime:
    """`--since`: a date or date and time in UTC, as SuiteCRM stores its dates."""
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is no date: use YYYY-MM-DD or YYYY-MM-DD HH:MM (UTC).")
            % {"value": value}
        ) from None
    return moment.replace(tzinfo=datetime.UTC) if moment.tzinfo is None else moment


def _read_error(error: pymysql.MySQLError) -> str:
    """The administrator's message for a SuiteCRM query that failed."""
    return _("Cannot read the SuiteCRM database: %(error)s") % {"error": error.args[-1]}
