"""API token expiry: chosen at creation (30, 90, 365 days or never; 90 by default), an expired
token refused exactly like an unknown one (fast path and ORM path), the token page's columns,
and the last use written at most once a minute (the list call's queries pinned)."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kontor.api.actions import create_token, hash_key, revoke_token
from kontor.api.models import ApiToken

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def bearer(key: str):
    return APIClient().get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {key}")


def expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_the_token_page_offers_the_lifetimes_and_shows_created_expires_last_used(rep_client):
    page = rep_client.get(reverse("api-tokens"))
    assert page.context["form"]["expires"].value() == "90"  # the default
    for choice, days in (("30", 30), ("365", 365), ("never", None), ("", 90)):
        rep_client.post(
            reverse("api-tokens"), {"name": f"T{choice}", "scope": "read", "expires": choice}
        )
        token = ApiToken.objects.get(name=f"T{choice}")
        if days is None:
            assert token.expires_at is None
        else:
            assert abs(token.expires_at - token.created_at - days * DAY) < timedelta(seconds=1)
    rep_client.post(reverse("api-tokens"), {"name": "Bad", "scope": "read", "expires": "7"})
    assert not ApiToken.objects.filter(name="Bad").exists()
    html = rep_client.get(reverse("api-tokens")).content.decode()
    assert "Expires" in html and "Last used" in html and "never" in html


def test_the_action_defaults_to_ninety_days_and_refuses_other_lifetimes(rep):
    token, _key = create_token(rep, name="Shop", actor=rep)
    assert abs(token.expires_at - token.created_at - 90 * DAY) < timedelta(seconds=1)
    with pytest.raises(ValidationError):
        create_token(rep, name="Week", days=7, actor=rep)
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Shop"]


@pytest.mark.parametrize("fast_paths", [True, False])
def test_an_expired_token_gets_the_answer_of_an_unknown_token(settings, rep, fast_paths):
    settings.KONTOR_FAST_PATHS = fast_paths
    token, key = create_token(rep, name="Shop", days=30, actor=rep)
    assert bearer(key).status_code == 200
    unknown = bearer(key.replace(token.prefix, "0" * len(token.prefix), 1))
    expire(token)
    expired = bearer(key)
    assert (expired.status_code, expired.json()) == (unknown.status_code, unknown.json())
    assert expired.status_code == 401
    assert expired.get("WWW-Authenticate") == unknown.get("WWW-Authenticate")
    revoked, revoked_key = create_token(rep, name="Old", actor=rep)
    revoke_token(revoked, actor=rep)
    assert bearer(revoked_key).json() == unknown.json()


def test_a_token_that_never_expires_keeps_working(rep):
    token, key = create_token(rep, name="Forever", days=None, actor=rep)
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - 3650 * DAY)
    assert bearer(key).status_code == 200


def test_an_expired_token_is_shown_as_expired_without_a_revoke_button(rep_client, rep):
    token, _key = create_token(rep, name="Alt", actor=rep)
    expire(token)
    html = rep_client.get(reverse("api-tokens")).content.decode()
    assert "Expired" in html and reverse("api-token-revoke", args=[token.pk]) not in html


def test_last_use_is_written_at_most_once_a_minute(rep, django_assert_num_queries):
    token, key = create_token(rep, name="Shop", actor=rep)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/leads/").status_code == 200  # warm caches; notes the first use
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    # the token with user, roles and teams; the page of leads (no query per row, no count)
    with django_assert_num_queries(2):
        assert api.get("/api/v1/leads/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    earlier = timezone.now() - timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    with django_assert_num_queries(3):  # one UPDATE more, once
        assert api.get("/api/v1/leads/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > earlier


def test_the_command_takes_a_lifetime(rep):
    out = io.StringIO()
    call_command("create_api_token", "rolf", "--expires", "never", stdout=out)
    assert ApiToken.objects.get(key_hash=hash_key(out.getvalue().strip())).expires_at is None
    out = io.StringIO()
    call_command("create_api_token", "rolf", stdout=out)
    token = ApiToken.objects.get(key_hash=hash_key(out.getvalue().strip()))
    assert abs(token.expires_at - token.created_at - 90 * DAY) < timedelta(seconds=1)
