"""`python manage.py create_api_token <username>`: print a new read-write token of that user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kontor.api.actions import create_token
from kontor.api.models import ApiToken


class Command(BaseCommand):
    help = "Create a read-write API token for a user and print it (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument(
            "--expires",
            choices=["30", "90", "365", "never"],
            default="90",
            help="days until the token expires, or never (default: 90)",
        )

    def handle(self, *args, username, name, read_only, expires, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        scope = ApiToken.Scope.READ if read_only else ApiToken.Scope.WRITE
        days = None if expires == "never" else int(expires)
        _token, key = create_token(user, name=name, scope=scope, days=days, actor=None)
        self.stdout.write(key)
