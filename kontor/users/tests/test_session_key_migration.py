"""Session keys sealed with the former XOR pad are sealed again with Fernet by the migration
(kontor/users/migrations/0008_session_keys_fernet.py), and back when it is reversed."""

from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from kontor.core import sealing
from kontor.users import sessions
from kontor.users.account_models import UserSession

pytestmark = pytest.mark.django_db
step = import_module("kontor.users.migrations.0008_session_keys_fernet")


def signed_in_key(rep) -> str:
    client = Client()
    assert client.login(username="rolf", password="pw-rolf-123!")
    return client.cookies["sessionid"].value


def test_a_key_sealed_the_former_way_is_sealed_again_and_still_signs_out(rep):
    key = signed_in_key(rep)
    row = UserSession.objects.get(user=rep)
    assert sealing.is_sealed(row.sealed_key) and sessions.unseal(row) == key
    step.seal_with_former_pad(apps, None)  # as the rows of an installation before it
    row.refresh_from_db()
    assert not sealing.is_sealed(row.sealed_key) and key not in row.sealed_key
    assert sessions.unseal(row) is None  # the former seal no longer opens in the code
    step.seal_with_fernet(apps, None)
    row.refresh_from_db()
    assert sealing.is_sealed(row.sealed_key) and sessions.unseal(row) == key


def test_a_key_no_secret_opens_is_dropped_and_the_others_stay(rep):
    key = signed_in_key(rep)
    step.seal_with_former_pad(apps, None)
    UserSession.objects.create(
        user=rep,
        key_hash="0" * 64,
        sealed_key="ab" * 16,  # sealed with a key this installation never had
        expires=timezone.now(),
    )
    step.seal_with_fernet(apps, None)
    assert [sessions.unseal(row) for row in UserSession.objects.all()] == [key]
