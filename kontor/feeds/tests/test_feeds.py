"""iCalendar of calls and meetings: the .ics export of a list and the per-user feed with a
secret, revocable address."""

import re
from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from kontor.activities.calendar import event
from kontor.activities.models import Call
from kontor.activities.tests.factories import CallFactory, MeetingFactory
from kontor.core.testing import count_queries
from kontor.feeds.actions import renew_feed, revoke_feed
from kontor.feeds.models import CalendarFeed

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_meeting_export_is_a_valid_calendar_with_escaped_text(rep_client, rep):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    MeetingFactory(
        actor=rep,
        name="Kick-off; Budget, Plan",
        location="Raum 1\nHaus B",
        date_start=start,
        duration_minutes=90,
    )
    response = rep_client.get(reverse("meetings-ics"))
    text = body(response)
    assert response["Content-Type"].startswith("text/calendar")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Kick-off\\; Budget\\, Plan\r\n" in unfold(text)
    assert "LOCATION:Raum 1\\nHaus B\r\n" in unfold(text)
    utc = start.astimezone(UTC)
    assert f"DTSTART:{utc:%Y%m%dT%H%M%SZ}" in text
    assert f"DTEND:{utc + timedelta(minutes=90):%Y%m%dT%H%M%SZ}" in text


def test_call_export_follows_the_list_search(rep_client, rep):
    CallFactory(actor=rep, name="Call Alpha")
    CallFactory(actor=rep, name="Call Beta")
    text = body(rep_client.get(reverse("calls-ics") + "?q=beta"))
    assert text.count("BEGIN:VEVENT") == 1 and "SUMMARY:Call Beta" in text


def test_a_feed_address_shows_my_calls_and_meetings_until_revoked(rep, admin):
    CallFactory(actor=rep, name="Mine")
    CallFactory(actor=admin, name="Someone else's")
    MeetingFactory(actor=rep, name="My meeting")
    token = renew_feed(actor=rep)
    anonymous = Client()
    url = reverse("calendar-feed-ics", args=[token])
    text = body(anonymous.get(url))
    assert "SUMMARY:Mine" in text and "SUMMARY:My meeting" in text
    assert "Someone else" not in text
    assert CalendarFeed.objects.get(user=rep).token_hash != token  # only a hash is stored
    revoke_feed(actor=rep)
    assert anonymous.get(url).status_code == 404


def test_a_new_address_replaces_the_old_one(rep):
    old = renew_feed(actor=rep)
    new = renew_feed(actor=rep)
    client = Client()
    assert client.get(reverse("calendar-feed-ics", args=[old])).status_code == 404
    assert client.get(reverse("calendar-feed-ics", args=[new])).status_code == 200
    assert client.get(reverse("calendar-feed-ics", args=["guess"])).status_code == 404


def test_an_inactive_users_feed_stops(rep):
    token = renew_feed(actor=rep)
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert Client().get(reverse("calendar-feed-ics", args=[token])).status_code == 404


def test_the_feed_page_shows_the_address_once_and_revokes(rep_client, rep):
    page = rep_client.post(reverse("calendar-feed"), {"action": "renew"}, follow=True)
    url = re.search(r'id="feed-url" value="([^"]+)"', page.content.decode()).group(1)
    assert "/calendar/" in url and url.endswith(".ics")
    again = rep_client.get(reverse("calendar-feed")).content.decode()
    assert url not in again  # shown once
    rep_client.post(reverse("calendar-feed"), {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=rep).exists()
    settings_page = rep_client.get(reverse("user-settings")).content.decode()
    assert reverse("calendar-feed") in settings_page


def test_the_feed_costs_the_same_queries_for_few_and_many(rep):
    token = renew_feed(actor=rep)
    client = Client()
    url = reverse("calendar-feed-ics", args=[token])
    CallFactory(actor=rep)
    few, response = count_queries(lambda: body(client.get(url)))
    for _ in range(8):
        CallFactory(actor=rep)
        MeetingFactory(actor=rep)
    many, _response = count_queries(lambda: body(client.get(url)))
    assert many == few


def test_the_export_parses_back_with_the_library_to_the_same_values(rep_client, rep):
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    meeting = MeetingFactory(
        actor=rep,
        name="Ärger; Plan, \\ Teil 2 " + "ü" * 50,
        location="Raum 1\r\nHaus B",
        description="Zeile eins\nZeile\x01 zwei",
        date_start=start,
        duration_minutes=30,
    )
    text = body(rep_client.get(reverse("meetings-ics")))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    parsed = Calendar.from_ical(text)
    assert str(parsed["X-WR-CALNAME"]) == "Kontor"
    [event] = parsed.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@kontor"
    assert str(event["SUMMARY"]) == meeting.name
    assert str(event["LOCATION"]) == "Raum 1\nHaus B"
    assert str(event["DESCRIPTION"]) == "Zeile eins\nZeile zwei"  # a control character dropped
    assert event.decoded("DTSTART") == start and event.decoded("DTSTART").utcoffset() == timedelta(
        0
    )
    assert event.decoded("DTEND") == start + timedelta(minutes=30)
    assert str(event["STATUS"]) == "TENTATIVE"


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_any_summary_round_trips_through_the_event(value):
    now = timezone.now().replace(microsecond=0)
    call = Call(name=value, date_start=now, duration_minutes=15, date_modified=now)
    parsed = Event.from_ical(event(call, "call", now).to_ical())
    expected = "".join(
        ch
        for ch in value.replace("\r\n", "\n").replace("\r", "\n")
        if ch in "\t\n" or ord(ch) >= 0x20 and ord(ch) != 0x7F
    )
    assert str(parsed["SUMMARY"]) == expected
