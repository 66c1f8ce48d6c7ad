"""Changing one's own password (the other sessions are signed out, this one stays) and resetting
it by e-mail through a real SMTP server: one answer for every address, a one-time link in the
user's language, throttled per address, every session signed out; audited without secrets."""

import io
import json
import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kontor.core.logs import JsonFormatter, RequestContextFilter
from kontor.core.smtp_testing import body_of
from kontor.users import reset, sessions
from kontor.users.account_models import AccountEvent, UserSession
from kontor.users.actions import profile_of, update_profile

pytestmark = pytest.mark.django_db

Kind = AccountEvent.Kind
NEW = "Sturmfest-Leuchtturm-42"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def signed_in(username: str, password: str, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get(reverse("user-settings")).status_code == 200


def change(client, old: str, new: str, again: str | None = None, **extra):
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(reverse("password-change"), data, **extra)


def test_a_new_password_keeps_this_session_and_signs_out_the_others(rep):
    laptop = signed_in("rolf", "pw-rolf-123!")
    phone = signed_in("rolf", "pw-rolf-123!", address="10.0.0.2")
    response = change(laptop, "pw-rolf-123!", NEW, follow=True)
    assert "Your password was changed. 1 other session was signed out." in response.content.decode()
    rep.refresh_from_db()
    assert rep.check_password(NEW)
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    # This session got a new key; its row followed it, the other's is gone.
    key = laptop.cookies[settings.SESSION_COOKIE_NAME].value
    assert list(UserSession.objects.values_list("key_hash", flat=True)) == [sessions.key_hash(key)]
    event = AccountEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert (event.user, event.address) == (rep, "10.0.0.1")


@pytest.mark.parametrize(
    ("old", "new", "again", "error"),
    [
        ("wrong-password", NEW, NEW, "Your old password was entered incorrectly"),
        ("pw-rolf-123!", NEW, NEW + "x", "The two password fields didn’t match."),
        ("pw-rolf-123!", "12345678", "12345678", "This password is too common."),
        ("pw-rolf-123!", "rolf@kontor.example", "rolf@kontor.example", "too similar to the"),
        ("pw-rolf-123!", "kurz", "kurz", "This password is too short."),
    ],
)
def test_a_refused_change_changes_nothing(rep, old, new, again, error):
    laptop = signed_in("rolf", "pw-rolf-123!")
    phone = signed_in("rolf", "pw-rolf-123!", address="10.0.0.2")
    response = change(laptop, old, new, again)
    assert response.status_code == 400
    assert error in response.content.decode()
    rep.refresh_from_db()
    assert rep.check_password("pw-rolf-123!")
    assert is_signed_in(phone) and is_signed_in(laptop)
    assert UserSession.objects.count() == 2
    assert not AccountEvent.objects.filter(kind=Kind.PASSWORD_CHANGED).exists()


def test_the_password_pages_speak_german(rep):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    laptop = signed_in("rolf", "pw-rolf-123!")
    page = laptop.get(reverse("user-settings")).content.decode()
    assert "Passwort ändern" in page and "Ihre Sitzungen" in page and "dieses Gerät" in page
    refused = change(laptop, "falsch", NEW).content.decode()
    assert "Das alte Passwort war falsch." in refused
    done = change(laptop, "pw-rolf-123!", NEW, follow=True).content.decode()
    assert "Ihr Passwort wurde geändert." in done


def request_reset(client, email: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password-reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("password-reset-done")
    return response


def link_in(message) -> str:
    found = re.search(r"https?://\S+/password-reset/\S+/\S+/", body_of(message))
    assert found, body_of(message)
    return found.group(0)


def test_a_reset_mail_reaches_the_smtp_server_in_the_users_language(
    rep, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS, settings.KONTOR_BASE_URL = IMMEDIATE, "https://crm.example.com"
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    request_reset(
        Client(REMOTE_ADDR="198.51.100.4"),
        "ROLF@kontor.example",
        django_capture_on_commit_callbacks,
    )
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "rolf@kontor.example"
    assert message["Subject"] == "Kontor: Neues Passwort wählen"
    assert "Ihr Benutzername ist rolf." in body_of(message)
    assert link_in(message).startswith("https://crm.example.com/password-reset/")
    event = AccountEvent.objects.get(kind=Kind.RESET_REQUESTED)
    assert (event.user, event.address) == (rep, "198.51.100.4")


def test_the_answer_is_the_same_for_an_unknown_address_and_sends_nothing(
    rep, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client = Client()
    known = request_reset(client, "rolf@kontor.example", django_capture_on_commit_callbacks)
    unknown = request_reset(client, "nobody@kontor.example", django_capture_on_commit_callbacks)
    assert known.url == unknown.url
    page = client.get(unknown.url).content.decode()
    assert "If the address belongs to an account" in page
    assert len(smtp_server.wait_for(1)) == 1
    assert [m["To"] for m in smtp_server.messages] == ["rolf@kontor.example"]
    event = AccountEvent.objects.get(kind=Kind.RESET_REQUESTED, user=None)
    assert event.username == "nobody@kontor.example"


def test_resets_are_throttled_per_address_with_the_same_answer(
    rep, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    for n in range(reset.PER_ADDRESS + 2):
        request_reset(
            Client(REMOTE_ADDR=f"10.1.0.{n}"),
            "rolf@kontor.example",
            django_capture_on_commit_callbacks,
        )
    smtp_server.wait_for(reset.PER_ADDRESS)
    assert len(smtp_server.messages) == reset.PER_ADDRESS
    assert AccountEvent.objects.filter(kind=Kind.RESET_REQUESTED).count() == reset.PER_ADDRESS


def test_a_reset_link_sets_the_password_once_and_signs_out_every_session(
    rep, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    laptop = signed_in("rolf", "pw-rolf-123!")
    visitor = Client(REMOTE_ADDR="203.0.113.8")
    request_reset(visitor, "rolf@kontor.example", django_capture_on_commit_callbacks)
    link = link_in(smtp_server.wait_for(1)[0])
    path = link.removeprefix(settings.KONTOR_BASE_URL.rstrip("/"))
    form = visitor.get(path)
    assert form.status_code == 302 and form.url.endswith("/set-password/")
    assert 'name="new_password1"' in visitor.get(form.url).content.decode()
    refused = visitor.post(form.url, {"new_password1": NEW, "new_password2": "other"})
    assert refused.status_code == 200
    rep.refresh_from_db()
    assert rep.check_password("pw-rolf-123!") and is_signed_in(laptop)
    done = visitor.post(form.url, {"new_password1": NEW, "new_password2": NEW})
    assert done.url == reverse("password-reset-complete")
    rep.refresh_from_db()
    assert rep.check_password(NEW)
    assert not is_signed_in(laptop)
    assert not UserSession.objects.filter(user=rep).exists()
    event = AccountEvent.objects.get(kind=Kind.RESET_COMPLETED)
    assert (event.user, event.address) == (rep, "203.0.113.8")
    # Once: the same link again is no longer valid.
    again = Client().get(path, follow=True).content.decode()
    assert "This link is no longer valid" in again


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"]
)
def test_a_reset_in_a_browser_signed_in_as_that_user_signs_it_out_cleanly(
    rep, smtp_server, settings, django_capture_on_commit_callbacks, engine
):
    settings.TASKS, settings.SESSION_ENGINE = IMMEDIATE, engine
    laptop = signed_in("rolf", "pw-rolf-123!")
    request_reset(laptop, "rolf@kontor.example", django_capture_on_commit_callbacks)
    path = link_in(smtp_server.wait_for(1)[0]).removeprefix(settings.KONTOR_BASE_URL.rstrip("/"))
    form = laptop.get(path)
    done = laptop.post(form.url, {"new_password1": NEW, "new_password2": NEW})
    assert (done.status_code, done.url) == (302, reverse("password-reset-complete"))
    assert not is_signed_in(laptop)
    assert not UserSession.objects.exists()
    rep.refresh_from_db()
    assert rep.check_password(NEW)
    kinds = list(AccountEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == [Kind.RESET_COMPLETED, Kind.SIGNED_OUT]


def test_no_password_or_token_reaches_the_audit_trail(
    rep, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    laptop = signed_in("rolf", "pw-rolf-123!")
    Client().post(reverse("login"), {"username": "rolf", "password": "Falsches-Passwort-9"})
    change(laptop, "pw-rolf-123!", NEW)
    request_reset(Client(), "rolf@kontor.example", django_capture_on_commit_callbacks)
    token = link_in(smtp_server.wait_for(1)[0]).rstrip("/").rsplit("/", 1)[1]
    stored = str(list(AccountEvent.objects.values()))
    kinds = set(AccountEvent.objects.values_list("kind", flat=True))
    assert {
        Kind.SIGNED_IN,
        Kind.SIGN_IN_FAILED,
        Kind.PASSWORD_CHANGED,
        Kind.RESET_REQUESTED,
    } <= kinds
    for secret in ("pw-rolf-123!", "Falsches-Passwort-9", NEW, token):
        assert secret not in stored
    assert profile_of(rep).language == "en"


def test_a_reset_token_never_reaches_a_log_line(
    rep, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("kontor.request")
    level = access.level
    logging.getLogger().addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        visitor = Client()
        request_reset(visitor, "rolf@kontor.example", django_capture_on_commit_callbacks)
        link = link_in(smtp_server.wait_for(1)[0])
        path = link.removeprefix(settings.KONTOR_BASE_URL.rstrip("/"))
        token = path.rstrip("/").rsplit("/", 1)[1]
        form = visitor.get(path)
        visitor.post(form.url, {"new_password1": NEW, "new_password2": NEW})
        visitor.get(path)  # used up: its refusal is logged too
    finally:
        logging.getLogger().removeHandler(handler)
        access.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    paths = [line["path"] for line in lines if line["logger"] == "kontor.request"]
    uid = path.split("/")[-3]
    assert f"/password-reset/{uid}/[hidden]/" in paths
    assert f"/password-reset/{uid}/set-password/" in paths
    assert token not in stream.getvalue()
