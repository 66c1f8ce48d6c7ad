"""Callers without a valid token: the anonymous rate limit applies to every API address, and
the schema (which names the custom fields) is served to signed-in users only unless
KONTOR_API_SCHEMA_PUBLIC says otherwise."""

import pytest
from rest_framework.test import APIClient

from kontor.api.models import ApiToken
from kontor.api.tests.conftest import token_client
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/v1/leads/", "/api/v1/", "/api/v1/leads/00000000-0000-0000-0000-000000000000/"]
)
def test_anonymous_callers_are_rate_limited(settings, url):
    settings.KONTOR_API_ANON_RATE = "3/minute"
    anonymous = APIClient()
    statuses = [anonymous.get(url).status_code for _ in range(4)]
    assert statuses[:3] in ([401] * 3, [403] * 3) and statuses[3] == 429
    refused = anonymous.get(url)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_guessed_tokens_are_rate_limited_and_create_nothing(settings, rep):
    settings.KONTOR_API_ANON_RATE = "2/minute"
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Bearer kontor_abc_wrong")
    statuses = [
        guesser.post("/api/v1/leads/", {"last_name": "X"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    assert not Lead.objects.exists()
    # a valid token of the same address has a count of its own
    assert token_client(rep).get("/api/v1/leads/").status_code == 200


def test_the_schema_is_for_signed_in_users(client, rep, settings):
    anonymous = APIClient()
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    assert anonymous.get("/api/docs/").status_code in (401, 403, 302)
    assert token_client(rep).get("/api/schema/").status_code == 200
    client.force_login(rep)
    assert client.get("/api/schema/").status_code == 200
    settings.KONTOR_API_SCHEMA_PUBLIC = True
    assert anonymous.get("/api/schema/").status_code == 200


def test_writes_of_a_read_only_token_count_against_its_limit(settings, rep):
    settings.KONTOR_API_RATE = "2/minute"
    reader = token_client(rep, scope=ApiToken.Scope.READ)
    statuses = [
        reader.post("/api/v1/leads/", {"last_name": "X"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [403, 403, 429]
    assert not Lead.objects.exists()
