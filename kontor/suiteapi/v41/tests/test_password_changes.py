"""A changed password ends what the old one opened: the v4_1 md5 login of the old password,
v4_1 sessions and V8 tokens. A password changed past `set_password` (a migration bringing a
new SuiteCRM hash) makes the md5 verifier stale instead of leaving the old password valid."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kontor.api.models import OAuthClient
from kontor.suiteapi.models import AccessToken, Session
from kontor.suiteapi.v41 import passwords
from kontor.suiteapi.v41.tests.helpers import call, login, md5
from kontor.suitecrm.hashers import md5_hex
from kontor.suitecrm.models import LegacyPassword

pytestmark = pytest.mark.django_db

INVALID_LOGIN_NUMBER = 10


def login_answer(client, user, password):
    return call(client, "login", [{"user_name": user.username, "password": md5(password)}, "x"])


def test_a_new_password_ends_sessions_tokens_and_the_old_md5(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    oauth = OAuthClient.objects.create(client_id="c1", secret_hash="x", grant="password")
    token = AccessToken.objects.create(
        token_hash="t" * 64, client=oauth, user=rolf, expires_at=timezone.now() + timedelta(hours=1)
    )
    rolf.set_password("ein-neues-Passwort-7")
    rolf.save()
    assert Session.objects.get(user=rolf).ended_at is not None
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call(client, "get_user_id", [session])["number"] == 11  # Invalid Session ID
    assert login_answer(client, rolf, "pw-rolf-123!")["number"] == INVALID_LOGIN_NUMBER
    assert "id" in login_answer(client, rolf, "ein-neues-Passwort-7")


def test_the_same_password_set_again_keeps_the_session(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    rolf.set_password("pw-rolf-123!")  # e.g. a hash upgraded at sign-in
    rolf.save()
    assert Session.objects.get(user=rolf).ended_at is None
    assert call(client, "get_user_id", [session]) == str(rolf.pk)


def test_a_hash_changed_past_set_password_makes_the_verifier_stale(client, rolf):
    assert passwords.md5_matches(rolf, md5_hex("pw-rolf-123!"))
    # A later migration run brings the password the user set in SuiteCRM meanwhile.
    suitecrm_hash = "$2y$10$" + "a" * 53  # no md5 verifies against this
    type(rolf).objects.filter(pk=rolf.pk).update(password="suitecrm$" + suitecrm_hash)
    LegacyPassword.objects.create(user=rolf, suitecrm_hash=suitecrm_hash)
    rolf.refresh_from_db()
    assert not passwords.md5_matches(rolf, md5_hex("pw-rolf-123!"))
    assert login_answer(client, rolf, "pw-rolf-123!")["number"] == INVALID_LOGIN_NUMBER


def test_an_unusable_password_opens_nothing(rolf):
    rolf.set_unusable_password()
    rolf.save()
    assert not passwords.md5_matches(rolf, md5_hex("pw-rolf-123!"))
