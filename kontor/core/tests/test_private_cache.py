"""Answers to signed-in users (pages, exports, the API) are not stored by browsers or proxies:
`Cache-Control: private, no-store`; static files and anonymous pages keep their own rules."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from rest_framework.test import APIClient

from kontor.api.tests.conftest import token_client
from kontor.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.mark.parametrize(
    "url", ["/leads/", "/leads/export.csv", "/leads/count/", "/", "/api/v1/leads/"]
)
def test_signed_in_answers_are_private_and_not_stored(rep_client, rep, url):
    LeadFactory(actor=rep)
    response = rep_client.get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_token_answers_are_private_and_not_stored(rep):
    response = token_client(rep).get("/api/v1/leads/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_anonymous_pages_and_static_files_are_unaffected(rep_client):
    health = Client().get("/healthz")
    assert health.status_code == 200 and "no-store" not in _directives(health)
    refused = APIClient().get("/api/v1/leads/")
    assert refused.status_code == 401 and "no-store" not in _directives(refused)
    assert finders.find("kontor/app.js")
    static = rep_client.get("/static/kontor/app.js")
    assert static.status_code == 200 and "no-store" not in _directives(static)
