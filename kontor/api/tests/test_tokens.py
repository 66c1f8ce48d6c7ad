"""Personal API tokens: the settings page, revoking, the command, hashed storage, and the
administration change log of both (never the secret)."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kontor.api.actions import create_token, hash_key, revoke_token
from kontor.api.models import ApiToken
from kontor.core.admin_log import AdminChange


@pytest.mark.django_db
def test_token_page_creates_shows_once_and_revokes(rep_client, rep, admin):
    page = rep_client.post(reverse("api-tokens"), {"name": "Shop", "scope": "write"})
    token = ApiToken.objects.get()
    key = page.context["new_key"]
    assert (
        key.startswith("kontor_")
        and token.key_hash == hash_key(key)
        and key not in (token.key_hash, token.prefix)
    )
    assert key not in rep_client.get(reverse("api-tokens")).content.decode()
    api = APIClient()
    assert api.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    other = Client()
    other.force_login(admin)
    assert other.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert api.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    rep_client.post(reverse("api-token-revoke", args=[token.pk]))
    assert api.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert rep_client.post(reverse("api-tokens"), {"name": ""}).status_code == 400
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db
def test_create_api_token_command_prints_a_read_write_token(rep):
    out = io.StringIO()
    call_command("create_api_token", "rolf", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(key_hash=hash_key(key))
    assert (token.user, token.scope) == (rep, "write")
    response = APIClient().post(
        "/api/v1/leads/", {"last_name": "Cli"}, format="json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_schema_and_docs_are_served(rep_client):
    schema = rep_client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/leads/{id}/convert/" in schema["paths"]
    assert "/api/v1/accounts/{id}/contacts/" in schema["paths"]
    assert "429" in schema["paths"]["/api/v1/leads/"]["get"]["responses"]
    docs = rep_client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


@pytest.mark.django_db
def test_browsable_api_uses_the_session(rep_client):
    page = rep_client.get("/api/v1/leads/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "text/html" in page["Content-Type"]
    assert Client().get("/api/v1/leads/", HTTP_ACCEPT="text/html").status_code == 401


def _log_text() -> str:
    """Every stored value of every change-log entry, to search for secrets."""
    return repr(list(AdminChange.objects.values_list("target", "summary", "detail")))


@pytest.mark.django_db
def test_creating_and_revoking_a_token_is_logged_without_the_secret(rep_client, rep):
    page = rep_client.post(reverse("api-tokens"), {"name": "Shop", "scope": "read"})
    key, token = page.context["new_key"], ApiToken.objects.get()
    created = AdminChange.objects.get()
    assert (created.actor, created.area, created.target, created.summary) == (
        rep,
        "api_token",
        "rolf: Shop",
        "API token created",
    )
    assert created.detail == {
        "user": "rolf",
        "prefix": token.prefix,
        "scope": "read",
        "expires": token.expires_at.isoformat(),
    }

    rep_client.post(reverse("api-token-revoke", args=[token.pk]))
    revoked = AdminChange.objects.exclude(pk=created.pk).get()
    assert (revoked.actor, revoked.target, revoked.summary) == (
        rep,
        "rolf: Shop",
        "API token revoked",
    )
    secret_part = key.rsplit("_", 1)[1]
    assert secret_part not in _log_text() and token.key_hash not in _log_text()
    # A second revoke changes nothing and logs nothing.
    rep_client.post(reverse("api-token-revoke", args=[token.pk]))
    assert AdminChange.objects.count() == 2


@pytest.mark.django_db
def test_the_command_logs_the_system_as_actor(rep):
    call_command("create_api_token", "rolf", "--name", "Kasse", stdout=io.StringIO())
    entry = AdminChange.objects.get()
    assert (entry.actor, entry.area, entry.target) == (None, "api_token", "rolf: Kasse")


@pytest.mark.django_db
def test_nobody_but_the_user_or_an_admin_makes_or_revokes_their_token(rep, admin):
    with pytest.raises(PermissionDenied):
        create_token(admin, name="fremd", actor=rep)
    assert not ApiToken.objects.exists() and not AdminChange.objects.exists()
    token, _key = create_token(rep, name="Shop", actor=admin)  # an admin sets one up
    assert AdminChange.objects.get().actor == admin
    with pytest.raises(PermissionDenied):
        revoke_token(create_token(admin, name="Admin", actor=admin)[0], actor=rep)
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0
    assert AdminChange.objects.filter(summary="API token revoked").count() == 0


@pytest.mark.django_db
def test_an_unknown_access_is_refused_by_the_action(rep):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        create_token(rep, name="Shop", scope="admin", actor=rep)
    assert list(refused.value.message_dict) == ["scope"]
    assert not ApiToken.objects.exists() and not AdminChange.objects.exists()
