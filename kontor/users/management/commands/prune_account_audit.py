"""`kontor prune_account_audit`: removes the account audit trail's entries older than
KONTOR_ACCOUNT_AUDIT_DAYS (or `--days`), and prints how many; for operators who want it now (the
workers run it daily, docs/scheduling.md)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kontor.users import audit


class Command(BaseCommand):
    help = "Remove sign-in audit entries older than KONTOR_ACCOUNT_AUDIT_DAYS (0 keeps all)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep this many days instead")

    def handle(self, *args, days=None, **options):
        removed = audit.prune(days)
        self.stdout.write(_("Sign-in audit entries removed: %(count)d") % {"count": removed})
