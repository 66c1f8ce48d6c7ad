"""`kontor create_oauth_client <username> [--grant client_credentials|password] [--name NAME]
[--id ID --secret SECRET]`: a new OAuth2 client of the V8 API, for operators; prints its id
and secret (the secret is shown only this once)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kontor.api.models import OAuthClient
from kontor.suiteapi.clients.actions import create_client


class Command(BaseCommand):
    help = (
        "Create an OAuth2 client of the SuiteCRM V8 API acting as (or owned by) a user and "
        "print its id and secret."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--grant",
            choices=OAuthClient.Grant.values,
            default=OAuthClient.Grant.CLIENT_CREDENTIALS,
        )
        parser.add_argument("--name", default="command line")
        parser.add_argument("--id", dest="client_id", default="")
        parser.add_argument("--secret", default="")

    def handle(self, *args, username, grant, name, client_id, secret, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            client, secret = create_client(
                name=name, grant=grant, user=user, client_id=client_id, secret=secret, actor=None
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"client_id: {client.client_id}")
        self.stdout.write(f"client_secret: {secret}")
