"""`kontor purge_suiteapi_sessions`: removes the expired OAuth2 tokens of the V8 API and the
expired v4_1 sessions, and prints how many; for operators who want it now (the workers run
it daily, docs/scheduling.md)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kontor.suiteapi.purge import purge


class Command(BaseCommand):
    help = "Remove the expired tokens of the SuiteCRM V8 API and the expired v4_1 sessions."

    def handle(self, *args, **options):
        tokens, sessions = purge()
        self.stdout.write(_("Expired V8 API tokens removed: %(count)d") % {"count": tokens})
        self.stdout.write(_("Expired v4_1 sessions removed: %(count)d") % {"count": sessions})
