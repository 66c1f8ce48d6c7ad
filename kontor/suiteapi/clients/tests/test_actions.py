"""Creating and revoking OAuth2 clients of the V8 API through the actions, and the command."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from kontor.api.models import OAuthClient
from kontor.core.admin_log import AdminChange
from kontor.suiteapi.clients.actions import create_client, revoke_client
from kontor.suiteapi.models import AccessToken

pytestmark = pytest.mark.django_db


def test_a_new_client_keeps_only_suitecrms_hash_and_is_logged_without_a_secret(admin, rep):
    client, secret = create_client(name="Shop", grant="client_credentials", user=rep, actor=admin)
    stored = OAuthClient.objects.get(pk=client.pk)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(vars(stored)) and stored.verify_secret(secret)
    assert (stored.name, stored.grant, stored.user, stored.active) == (
        "Shop",
        "client_credentials",
        rep,
        True,
    )
    assert len(stored.client_id) == 36  # a UUID, like SuiteCRM's ids
    entry = AdminChange.objects.get(area="oauth_client")
    assert entry.actor == admin and entry.summary == "OAuth2 client created"
    assert entry.detail == {
        "client_id": stored.client_id,
        "name": "Shop",
        "grant": "client_credentials",
        "user": "rolf",
    }
    assert secret not in str(entry.detail) and stored.secret_hash not in str(entry.detail)


def test_bad_input_is_refused_on_its_field_and_writes_nothing(admin, rep):
    create_client(name="Taken", grant="password", client_id="taken", actor=admin)
    before = AdminChange.objects.count()
    cases = [
        ({"grant": "implicit"}, "grant"),
        ({"grant": "client_credentials"}, "user"),
        ({"grant": "password", "client_id": "x" * 37}, "client_id"),
        ({"grant": "password", "secret": "short"}, "secret"),
        ({"grant": "password", "client_id": "taken"}, "client_id"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as refused:
            create_client(name="New", actor=admin, **kwargs)
        assert field in refused.value.message_dict
    assert OAuthClient.objects.count() == 1 and AdminChange.objects.count() == before


def test_a_non_administrator_creates_and_revokes_nothing(admin, rep):
    client, _secret = create_client(name="Shop", grant="password", actor=admin)
    before = AdminChange.objects.count()
    with pytest.raises(PermissionDenied):
        create_client(name="Mine", grant="client_credentials", user=rep, actor=rep)
    with pytest.raises(PermissionDenied):
        revoke_client(client, actor=rep)
    assert list(OAuthClient.objects.values_list("name", "active")) == [("Shop", True)]
    assert AdminChange.objects.count() == before


def test_revoking_ends_the_client_and_its_tokens_once(admin, rep):
    client, secret = create_client(name="Shop", grant="client_credentials", user=rep, actor=admin)
    soon = timezone.now() + timedelta(hours=1)
    token = AccessToken.objects.create(
        token_hash="a" * 64, client=client, user=rep, expires_at=soon
    )
    assert revoke_client(client, actor=admin) is True
    stored = OAuthClient.objects.get(pk=client.pk)
    assert not stored.active and not stored.verify_secret(secret)
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AdminChange.objects.filter(area="oauth_client").first()
    assert entry.summary == "OAuth2 client revoked" and entry.detail["tokens_revoked"] == 1
    assert revoke_client(stored, actor=admin) is False
    assert AdminChange.objects.filter(area="oauth_client").count() == 2


def test_the_command_prints_id_and_secret_and_takes_given_ones(rep):
    out = StringIO()
    call_command("create_oauth_client", "rolf", stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    client = OAuthClient.objects.get(client_id=lines["client_id"])
    assert client.verify_secret(lines["client_secret"]) and client.user == rep
    assert client.grant == "client_credentials"

    out = StringIO()
    call_command(
        "create_oauth_client",
        "rolf",
        "--grant",
        "password",
        "--id",
        "shop-7",
        "--secret",
        "s3cret-from-suitecrm",
        stdout=out,
    )
    assert out.getvalue() == "client_id: shop-7\nclient_secret: s3cret-from-suitecrm\n"
    assert OAuthClient.objects.get(client_id="shop-7").verify_secret("s3cret-from-suitecrm")
    entry = AdminChange.objects.filter(area="oauth_client").first()
    assert entry.actor is None and entry.target == "command line (shop-7)"


def test_the_command_refuses_unknown_users_and_taken_ids(rep):
    with pytest.raises(CommandError):
        call_command("create_oauth_client", "nobody", stdout=StringIO())
    call_command("create_oauth_client", "rolf", "--id", "shop-7", stdout=StringIO())
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_oauth_client", "rolf", "--id", "shop-7", stdout=StringIO())
    assert OAuthClient.objects.count() == 1
