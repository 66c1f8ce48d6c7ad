"""Personal API tokens: the settings page, revoking, the command, hashed storage."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kontor.api.actions import hash_key
from kontor.api.models import ApiToken


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
