"""The event feed: what is in a range, in the viewer's time zone, through the permission
filter, with a fixed number of queries."""

import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from kontor.activities.tests.factories import CallFactory, MeetingFactory, TaskFactory
from kontor.calendar import people as people_module

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0, zone=BERLIN) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=zone)


def feed(client, start="2026-12-07T00:00:00", end="2026-12-14T00:00:00", **params):
    response = client.get("/calendar/events/", {"start": start, "end": end, **params})
    assert response.status_code == 200, response.content
    return {e["title"]: e for e in response.json()}


def test_calls_meetings_and_tasks_in_the_range_are_events(client, people):
    bea = people.bea
    MeetingFactory(name="Kickoff", date_start=at(8, 10), duration_minutes=90, actor=bea)
    CallFactory(name="Rückruf", date_start=at(9, 14), duration_minutes=15, actor=bea)
    TaskFactory(name="Angebot", date_due=at(10, 17), actor=bea)
    TaskFactory(name="Ohne Termin", date_due=None, actor=bea)
    MeetingFactory(name="Next week", date_start=at(14, 9), actor=bea)
    MeetingFactory(name="Last week", date_start=at(6, 9), actor=bea)
    # Began the Sunday before, runs into Monday: it overlaps the week.
    MeetingFactory(name="Messe", date_start=at(6, 20), duration_minutes=24 * 60, actor=bea)
    client.force_login(bea)
    found = feed(client)
    assert set(found) == {"Kickoff", "Rückruf", "Angebot", "Messe"}
    kickoff = found["Kickoff"]
    assert (kickoff["start"], kickoff["end"]) == ("2026-12-08T10:00:00", "2026-12-08T11:30:00")
    assert kickoff["extendedProps"]["at"] == "2026-12-08T10:00:00+01:00"
    assert kickoff["url"].startswith("/meetings/") and kickoff["editable"] is True
    assert found["Angebot"]["start"] == "2026-12-10T17:00:00"
    assert found["Angebot"]["durationEditable"] is False
    assert found["Rückruf"]["backgroundColor"] == people_module.colour_of(bea.pk)


def test_a_berlin_meeting_shows_an_hour_earlier_for_a_london_viewer(client, people):
    MeetingFactory(name="Planung", date_start=at(8, 10), actor=people.tom)
    client.force_login(people.tom)
    event = feed(client)["Planung"]
    assert event["start"] == "2026-12-08T09:00:00"
    assert event["extendedProps"]["at"] == "2026-12-08T09:00:00+00:00"


def test_the_range_is_read_in_the_viewers_zone(client, people):
    # 00:30 in Berlin on Monday is 23:30 on Sunday in London: outside Tom's week.
    MeetingFactory(name="Früh", date_start=at(7, 0, 30), duration_minutes=15, actor=people.tom)
    client.force_login(people.tom)
    assert "Früh" not in feed(client)
    client.force_login(people.bea)
    assert "Früh" in feed(client, users=str(people.tom.pk))


def test_a_teammates_calendar_and_a_team_overlay(client, people):
    MeetingFactory(name="Beas", date_start=at(8, 10), actor=people.bea)
    MeetingFactory(name="Toms", date_start=at(8, 11), actor=people.tom)
    client.force_login(people.bea)
    assert set(feed(client)) == {"Beas"}
    assert set(feed(client, users=str(people.tom.pk))) == {"Toms"}
    both = feed(client, teams=str(people.nord.pk))
    assert set(both) == {"Beas", "Toms"}
    assert both["Toms"]["backgroundColor"] == people_module.colour_of(people.tom.pk)


def test_hidden_activities_and_users_are_absent(client, people):
    MeetingFactory(name="Stans geheim", date_start=at(8, 10), actor=people.stan)
    MeetingFactory(name="Toms", date_start=at(8, 11), actor=people.tom)
    client.force_login(people.bea)
    # Stan is in no team of Bea's: naming him shows her own calendar, not his.
    found = feed(client, users=f"{people.stan.pk}")
    assert "Stans geheim" not in found
    # Assigned to Bea's teammate but in no team of hers: the permission filter hides it.
    private = MeetingFactory(name="Privat", date_start=at(8, 12), actor=people.stan)
    private.assigned_user = people.tom
    from kontor.core.actions import save_record

    save_record(private, actor=people.stan)
    assert set(feed(client, users=str(people.tom.pk))) == {"Toms"}
    client.force_login(people.stan)
    assert {"Privat", "Toms"} <= set(feed(client, users=str(people.tom.pk)))


def test_what_the_viewer_may_not_edit_is_not_draggable(client, people):
    MeetingFactory(name="Toms", date_start=at(8, 11), actor=people.tom)
    client.force_login(people.lena)
    event = feed(client, users=str(people.tom.pk))["Toms"]
    assert event["editable"] is False and event["durationEditable"] is False


def test_the_feed_costs_the_same_queries_for_many_events(
    client, people, django_assert_max_num_queries
):
    for i in range(30):
        MeetingFactory(date_start=at(8, 8) + timedelta(hours=i), actor=people.bea)
        CallFactory(date_start=at(9, 8) + timedelta(hours=i), actor=people.tom)
        TaskFactory(date_due=at(10, 8) + timedelta(hours=i), actor=people.bea, contact=None)
    client.force_login(people.bea)
    client.get("/calendar/events/", {"start": "2026-12-07", "end": "2026-12-08"})
    query = {"start": "2026-12-07", "end": "2026-12-14", "teams": str(people.nord.pk)}
    # session and user, profile, grants and teams, the chosen users, then per type the
    # events and (Team scope) which of them she may edit
    with django_assert_max_num_queries(12):
        response = client.get("/calendar/events/", query)
    assert len(response.json()) == 90


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "gestern", "end": "2026-12-14"}, "start"),
        ({"start": "2026-12-07"}, "end"),
        ({"start": "2026-12-14", "end": "2026-12-07"}, "end"),
        ({"start": "2026-01-01", "end": "2026-12-31"}, "end"),
    ],
)
def test_bad_ranges_are_a_translated_400(client, people, params, field):
    people.bea.profile.language = "de"
    people.bea.profile.save()
    client.force_login(people.bea)
    response = client.get("/calendar/events/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    german = {
        "Geben Sie ein gültiges Datum mit Uhrzeit ein.",
        "Dieses Feld ist zwingend erforderlich.",
        "Das Ende liegt vor dem Beginn.",
        "Wählen Sie höchstens 100 Tage auf einmal.",
    }
    assert body["message"] in german


def test_a_user_without_activities_gets_404(client, db):
    from kontor.users.actions import create_user
    from kontor.users.models import Role

    nobody = create_user(
        "nina", password="pw-nina-123!", roles=[Role.objects.create(name="Nichts")]
    )
    client.force_login(nobody)
    assert client.get("/calendar/").status_code == 404
    assert (
        client.get("/calendar/events/", {"start": "2026-12-07", "end": "2026-12-14"}).status_code
        == 404
    )


def test_with_a_narrower_edit_reach_only_what_the_viewer_may_change_is_draggable(client, people):
    from kontor.core.grants import grant
    from kontor.users.actions import create_user
    from kontor.users.models import Role

    owner_only = grant(access="all", view="all", list="all", edit="owner")
    role = Role.objects.create(name="Planer", grants={"meetings": owner_only})
    paula = create_user("paula", password="pw-paula-123!", roles=[role], teams=[people.nord])
    MeetingFactory(name="Paulas", date_start=at(8, 9), actor=paula)
    MeetingFactory(name="Toms", date_start=at(8, 11), actor=people.tom)
    client.force_login(paula)
    found = feed(client, teams=str(people.nord.pk))
    assert found["Paulas"]["editable"] is True
    assert found["Toms"]["editable"] is False
