"""`kontor purge_suiteapi_sessions`: expired V8 tokens and v4_1 sessions go, everything still
usable stays and keeps working, and the counts are printed in the operator's language."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from kontor.suiteapi.models import AccessToken, Session
from kontor.suiteapi.tests.conftest import person

pytestmark = pytest.mark.django_db


def token(oauth, user, n: int, expires, refresh=None, revoked=None) -> AccessToken:
    return AccessToken.objects.create(
        token_hash=f"t{n:063d}",
        refresh_hash=f"r{n:063d}" if refresh else None,
        client=oauth,
        user=user,
        expires_at=expires,
        refresh_expires_at=refresh,
        revoked_at=revoked,
    )


def session(user, n: int, expires, ended=None) -> Session:
    return Session.objects.create(
        key_hash=f"s{n:063d}", user=user, expires_at=expires, ended_at=ended
    )


def run(language="en") -> str:
    out = io.StringIO()
    with translation.override(language):
        call_command("purge_suiteapi_sessions", stdout=out)
    return out.getvalue()


def test_expired_rows_go_and_usable_ones_stay(oauth_client, caller):
    live = caller(person("sven", roles=["sales_rep"]))  # a signed-in client of each API
    user = live.user
    now = timezone.now()
    past, future = now - timedelta(minutes=1), now + timedelta(days=1)
    gone = [
        token(oauth_client, user, 1, past),  # client credentials: no refresh token
        token(oauth_client, user, 2, past, refresh=past),
        token(oauth_client, user, 3, past, refresh=past, revoked=past),
    ]
    kept = [
        token(oauth_client, user, 4, past, refresh=future),  # can still be refreshed
        token(oauth_client, user, 5, future),
        token(oauth_client, user, 6, past, refresh=future, revoked=past),  # answers "revoked"
    ]
    gone_sessions = [session(user, 1, past), session(user, 2, past, ended=past)]
    kept_sessions = [session(user, 3, future), session(user, 4, future, ended=past)]
    tokens_before, sessions_before = AccessToken.objects.count(), Session.objects.count()

    assert run() == "Expired V8 API tokens removed: 3\nExpired v4_1 sessions removed: 2\n"
    assert AccessToken.objects.count() == tokens_before - 3
    assert Session.objects.count() == sessions_before - 2
    assert not AccessToken.objects.filter(pk__in=[t.pk for t in gone]).exists()
    assert AccessToken.objects.filter(pk__in=[t.pk for t in kept]).count() == 3
    assert not Session.objects.filter(pk__in=[s.pk for s in gone_sessions]).exists()
    assert Session.objects.filter(pk__in=[s.pk for s in kept_sessions]).count() == 2
    # the caller's own token and session were live: both still answer
    status, body = live.v8("GET", "V8/current-user")
    assert status == 200 and body["data"]["id"] == str(user.pk)
    assert live.v41("get_user_id", [live.session]) == str(user.pk)


def test_a_second_run_finds_nothing_and_speaks_german(oauth_client):
    user = person("sven", roles=["sales_rep"])
    session(user, 1, timezone.now() - timedelta(seconds=1))
    assert (
        run("de")
        == "Abgelaufene V8-API-Tokens entfernt: 0\nAbgelaufene v4_1-Sitzungen entfernt: 1\n"
    )
    assert run() == "Expired V8 API tokens removed: 0\nExpired v4_1 sessions removed: 0\n"
    assert not Session.objects.exists()
