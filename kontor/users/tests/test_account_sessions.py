"""A user's sessions: recorded at sign-in, listed on the settings page with "this device"
marked, signed out one by one or all but this one (really: the other browser is signed out),
"last seen" written at most every few minutes, expired rows cleaned, the key kept sealed; and
the sign-in audit trail administrators read under Administration → Sign-ins."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kontor.users import sessions
from kontor.users.account_models import AccountEvent, UserSession
from kontor.users.account_views import account_context
from kontor.users.actions import update_profile
from kontor.users.client import short_user_agent

pytestmark = pytest.mark.django_db

Kind = AccountEvent.Kind
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(
    params=["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"]
)
def engine(request, settings):
    """Both session stores Kontor runs with: the database, and the cache (Redis deployed)."""
    settings.SESSION_ENGINE = request.param
    return request.param


def signed_in(username: str, password: str, *, agent: str = FIREFOX, address: str = "10.0.0.1"):
    """A client signed in through the sign-in page, as a browser from `address`."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def key_of(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_signed_in(client) -> bool:
    response = client.get(reverse("user-settings"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def test_a_sign_in_records_its_session_with_address_and_browser(rep, engine):
    phone = signed_in("rolf", "pw-rolf-123!", agent=IPHONE, address="2001:db8::7")
    row = UserSession.objects.get(user=rep)
    assert row.key_hash == sessions.key_hash(key_of(phone))
    assert (row.address, row.user_agent) == ("2001:db8::7", "Safari 17 · iOS")
    assert row.expires > timezone.now() + timedelta(hours=11)
    # Sealed: the stored text is not the key, and only the SECRET_KEY opens it.
    assert key_of(phone) not in row.sealed_key
    assert sessions.unseal(row) == key_of(phone)
    event = AccountEvent.objects.get(kind=Kind.SIGNED_IN)
    assert (event.user, event.username, event.address) == (rep, "rolf", "2001:db8::7")


def test_a_sealed_key_opens_after_a_key_rotation_and_not_with_another_key(rep, settings):
    client = signed_in("rolf", "pw-rolf-123!")
    row = UserSession.objects.get(user=rep)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" * 3, [old]
    assert sessions.unseal(row) == key_of(client)
    settings.SECRET_KEY_FALLBACKS = []
    assert sessions.unseal(row) is None


def test_the_settings_page_lists_the_sessions_and_marks_this_device(
    rep, engine, rf, django_assert_num_queries
):
    laptop = signed_in("rolf", "pw-rolf-123!", address="10.0.0.1")
    signed_in("rolf", "pw-rolf-123!", agent=IPHONE, address="10.0.0.2")
    page = laptop.get(reverse("user-settings")).content.decode()
    assert page.count('data-session="') == 2
    assert page.count("this device") == 1
    this = page.index("this device")
    assert page.rfind("Firefox 128 · Linux", 0, this) > page.rfind("<tr", 0, this)
    assert "Safari 17 · iOS" in page
    assert 'id="sessions-end-others"' in page
    # What the sessions add to the settings page: one query, however many there are.
    request = rf.get("/")
    request.user, request.session = rep, laptop.session
    with django_assert_num_queries(1):
        shown = account_context(request)
    assert len(shown["account_sessions"]) == 2
    assert not shown["more_sessions"] and 'id="sessions-more"' not in page


def test_the_settings_page_lists_the_sessions_seen_last_and_ends_them_all(rep, monkeypatch):
    from kontor.users import account_views

    monkeypatch.setattr(account_views, "SESSIONS_SHOWN", 3)
    others = [signed_in("rolf", "pw-rolf-123!", address=f"10.0.2.{n}") for n in range(4)]
    laptop = signed_in("rolf", "pw-rolf-123!")
    page = laptop.get(reverse("user-settings")).content.decode()
    assert page.count('data-session="') == 3 and 'id="sessions-more"' in page
    assert "this device" in page  # seen last of all
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    german = laptop.get(reverse("user-settings")).content.decode()
    assert "Nur die 3 zuletzt gesehenen Sitzungen sind aufgeführt" in german
    laptop.post(reverse("sessions-end-others"))
    assert [is_signed_in(c) for c in others] == [False] * 4
    assert UserSession.objects.filter(user=rep).count() == 1


def test_signing_out_another_session_signs_that_browser_out(rep, engine):
    laptop = signed_in("rolf", "pw-rolf-123!")
    phone = signed_in("rolf", "pw-rolf-123!", agent=IPHONE)
    row = UserSession.objects.get(key_hash=sessions.key_hash(key_of(phone)))
    response = laptop.post(reverse("session-end", args=[row.pk]), follow=True)
    assert "The session was signed out." in response.content.decode()
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert list(UserSession.objects.values_list("key_hash", flat=True)) == [
        sessions.key_hash(key_of(laptop))
    ]
    event = AccountEvent.objects.get(kind=Kind.SESSION_REVOKED)
    assert (event.user, event.actor) == (rep, None)


def test_signing_out_this_session_signs_this_browser_out(rep, engine):
    laptop = signed_in("rolf", "pw-rolf-123!")
    phone = signed_in("rolf", "pw-rolf-123!", agent=IPHONE)
    row = UserSession.objects.get(key_hash=sessions.key_hash(key_of(laptop)))
    response = laptop.post(reverse("session-end", args=[row.pk]))
    assert response.status_code == 302
    assert not is_signed_in(laptop)
    assert is_signed_in(phone)
    assert not UserSession.objects.filter(pk=row.pk).exists()
    assert AccountEvent.objects.filter(kind=Kind.SIGNED_OUT, user=rep).count() == 1


def test_nobody_signs_out_someone_elses_session_and_nothing_changes(rep, admin, engine):
    ada = signed_in("ada", "pw-ada-123!")
    rolf = signed_in("rolf", "pw-rolf-123!")
    row = UserSession.objects.get(user=admin)
    response = rolf.post(reverse("session-end", args=[row.pk]))
    assert response.status_code == 404  # the same answer as for a session that has ended
    assert is_signed_in(ada)
    assert UserSession.objects.filter(pk=row.pk).exists()
    assert not AccountEvent.objects.filter(kind=Kind.SESSION_REVOKED).exists()
    assert rolf.get(reverse("session-end", args=[row.pk])).status_code == 405


def test_a_session_that_has_ended_is_not_found_and_nothing_changes(rep, engine):
    laptop = signed_in("rolf", "pw-rolf-123!")
    phone = signed_in("rolf", "pw-rolf-123!", agent=IPHONE)
    row = UserSession.objects.get(key_hash=sessions.key_hash(key_of(phone)))
    assert laptop.post(reverse("session-end", args=[row.pk])).status_code == 302
    revoked = AccountEvent.objects.filter(kind=Kind.SESSION_REVOKED).count()
    assert laptop.post(reverse("session-end", args=[row.pk])).status_code == 404
    assert laptop.post(reverse("session-end", args=[2**70])).status_code == 404
    assert is_signed_in(laptop)
    assert UserSession.objects.filter(user=rep).count() == 1
    assert AccountEvent.objects.filter(kind=Kind.SESSION_REVOKED).count() == revoked == 1


def test_sign_out_everywhere_else_keeps_only_this_one(rep, engine):
    laptop = signed_in("rolf", "pw-rolf-123!")
    others = [signed_in("rolf", "pw-rolf-123!", address=f"10.0.1.{n}") for n in range(3)]
    response = laptop.post(reverse("sessions-end-others"), follow=True)
    assert "3 other sessions were signed out." in response.content.decode()
    assert [is_signed_in(c) for c in others] == [False, False, False]
    assert is_signed_in(laptop)
    assert UserSession.objects.filter(user=rep).count() == 1


def test_signing_out_drops_the_row_and_is_recorded(rep, engine):
    client = signed_in("rolf", "pw-rolf-123!")
    client.post(reverse("logout"))
    assert not UserSession.objects.exists()
    assert AccountEvent.objects.filter(kind=Kind.SIGNED_OUT, user=rep).count() == 1
    assert not is_signed_in(client)


def test_last_seen_moves_at_most_every_few_minutes(rep):
    client = signed_in("rolf", "pw-rolf-123!")
    row = UserSession.objects.get()
    earlier = timezone.now() - timedelta(hours=1)
    UserSession.objects.filter(pk=row.pk).update(last_seen=earlier)
    client.get(reverse("user-settings"))
    assert UserSession.objects.get().last_seen == earlier  # seen at sign-in, moments ago
    sessions._seen_here.clear()  # another app server: the cache says it was seen lately
    client.get(reverse("user-settings"))
    assert UserSession.objects.get().last_seen == earlier
    sessions.forget_seen(row.key_hash)  # as SEEN_EVERY seconds later
    client.get(reverse("user-settings"), REMOTE_ADDR="10.9.9.9")
    row = UserSession.objects.get()
    assert row.last_seen > earlier
    assert row.address == "10.9.9.9"


def test_a_session_without_a_row_gets_one_when_seen(rep, engine):
    client = signed_in("rolf", "pw-rolf-123!")
    UserSession.objects.all().delete()
    sessions.forget_seen(sessions.key_hash(key_of(client)))
    client.get(reverse("user-settings"))
    assert UserSession.objects.get().key_hash == sessions.key_hash(key_of(client))


def test_expired_rows_are_cleaned_at_the_next_sign_in(rep, admin):
    signed_in("rolf", "pw-rolf-123!")
    UserSession.objects.update(expires=timezone.now() - timedelta(minutes=1))
    signed_in("ada", "pw-ada-123!")
    assert list(UserSession.objects.values_list("user__username", flat=True)) == ["ada"]


def test_a_failed_sign_in_is_recorded_without_the_password(rep):
    client = Client(REMOTE_ADDR="192.0.2.5")
    client.post(reverse("login"), {"username": "rolf", "password": "Secret-Guess-1"})
    client.post(reverse("login"), {"username": "nobody", "password": "Secret-Guess-2"})
    failures = AccountEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).order_by("id")
    assert [(e.user, e.username, e.address) for e in failures] == [
        (rep, "rolf", "192.0.2.5"),
        (None, "nobody", "192.0.2.5"),
    ]
    assert not UserSession.objects.exists()
    stored = str(list(AccountEvent.objects.values()))
    assert "Secret-Guess" not in stored


@pytest.mark.parametrize(
    ("agent", "short"),
    [
        (FIREFOX, "Firefox 128 · Linux"),
        (IPHONE, "Safari 17 · iOS"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
            "Edge 126 · Windows",
        ),
        ("python-requests/2.32.3", "python-requests/2.32.3"),
        ("", ""),
    ],
)
def test_the_browser_is_named_shortly(rf, agent, short):
    assert short_user_agent(rf.get("/", HTTP_USER_AGENT=agent)) == short


def test_admins_read_the_sign_ins_and_nobody_else(rep, admin):
    Client(REMOTE_ADDR="192.0.2.9").post(reverse("login"), {"username": "rolf", "password": "x"})
    rolf = signed_in("rolf", "pw-rolf-123!")
    assert rolf.get(reverse("admin-sign-ins")).status_code == 404
    ada = signed_in("ada", "pw-ada-123!")
    page = ada.get(reverse("admin-sign-ins")).content.decode()
    assert page.count('data-kind="signed_in"') == 2
    assert page.count('data-kind="sign_in_failed"') == 1
    assert "192.0.2.9" in page
    failed = ada.get(reverse("admin-sign-ins"), {"kind": "sign_in_failed"}).content.decode()
    assert failed.count("data-kind=") == 1
    # Filters typed into the address bar are no error (PostgreSQL refuses NUL in text).
    for odd in ({"user": "rolf\x00"}, {"kind": "\x00"}, {"before": "9" * 30}, {"before": "１２"}):
        assert ada.get(reverse("admin-sign-ins"), odd).status_code == 200, odd
    only_rolf = ada.get(reverse("admin-sign-ins"), {"user": "rolf\x00"}).content.decode()
    assert only_rolf.count("data-kind=") == 2


def test_the_sign_ins_page_needs_no_query_per_entry(rep, admin):
    ada = Client()
    ada.force_login(admin)
    with CaptureQueriesContext(connection) as few:
        ada.get(reverse("admin-sign-ins"))
    AccountEvent.objects.bulk_create(
        AccountEvent(kind=Kind.SESSION_REVOKED, user=rep, actor=admin, username="rolf")
        for _ in range(150)
    )
    with CaptureQueriesContext(connection) as many:
        page = ada.get(reverse("admin-sign-ins")).content.decode()
    assert page.count("data-kind=") == 100
    assert len(many) == len(few)


def test_the_sign_ins_page_goes_back_a_page_at_a_time(admin, monkeypatch):
    from kontor.users import account_views

    monkeypatch.setattr(account_views, "PAGE_SIZE", 2)
    AccountEvent.objects.bulk_create(
        AccountEvent(kind=Kind.SIGN_IN_FAILED, username=f"guess{n}") for n in range(5)
    )
    ada = Client()
    ada.force_login(admin)
    first = ada.get(reverse("admin-sign-ins")).context
    names = [e.username for e in first["events"]]
    assert names == ["ada", "guess4"]
    second = ada.get(reverse("admin-sign-ins"), {"before": first["more"]}).context
    assert [e.username for e in second["events"]] == ["guess3", "guess2"]


@pytest.mark.parametrize(("field", "index"), [("username", "name_id"), ("kind", "kind_id")])
def test_the_sign_ins_filters_can_page_through_an_index(field, index):
    """Filtered by a name or a kind, a page of the trail is read through an index of that
    column and the id (forced on PostgreSQL: on a table this small a scan is cheaper)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    page = AccountEvent.objects.filter(**{field: "rolf"}).order_by("-id")[:101]
    assert f"users_acctevent_{index}" in page.explain()
