"""Moving and resizing an event, and the quick create of a clicked slot: saved through
`save_record` (change log, validation, version check), or refused with nothing changed."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from kontor.activities.models import Call, Meeting
from kontor.activities.tests.factories import MeetingFactory, TaskFactory
from kontor.core.actions import save_record
from kontor.core.testing import log_of
from kontor.core.tests.hidden_links import snapshot

pytestmark = pytest.mark.django_db

BERLIN, LONDON = ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/London")


def at(day, hour, minute=0, zone=BERLIN):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=zone)


def move(client, record, kind="meetings", version=None, **data):
    version = version or type(record).objects.get(pk=record.pk).date_modified.isoformat()
    return client.post(f"/calendar/{kind}/{record.pk}/move/", {"version": version, **data})


def test_a_drag_moves_the_meeting_in_the_viewers_zone(client, people):
    meeting = MeetingFactory(name="Planung", date_start=at(8, 10), actor=people.tom)
    client.force_login(people.tom)  # London
    response = move(client, meeting, start="2026-12-09T14:30:00", end="2026-12-09T16:00:00")
    assert response.status_code == 200, response.content
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.date_start == at(9, 14, 30, LONDON)
    assert stored.duration_minutes == 90
    event = response.json()["event"]
    assert event["start"] == "2026-12-09T14:30:00"
    assert event["extendedProps"]["version"] == stored.date_modified.isoformat()
    changed = {field for _action, field, _old, _new in log_of(meeting, "update")}
    assert {"date_start", "duration_minutes"} <= changed


def test_a_task_moves_by_its_due_date(client, people):
    task = TaskFactory(name="Angebot", date_due=at(10, 17), actor=people.bea, contact=None)
    client.force_login(people.bea)
    response = move(client, task, kind="tasks", start="2026-12-11T09:00:00")
    assert response.status_code == 200, response.content
    assert Meeting.objects.count() == 0
    assert type(task).objects.get(pk=task.pk).date_due == at(11, 9)


def test_a_stale_move_is_refused_and_changes_nothing(client, people):
    meeting = MeetingFactory(name="Planung", date_start=at(8, 10), actor=people.bea)
    shown = meeting.date_modified.isoformat()
    meeting.name = "Planung (verschoben)"
    save_record(meeting, actor=people.tom)  # someone else saved it since it was shown
    before = snapshot(meeting)
    client.force_login(people.bea)
    response = move(client, meeting, version=shown, start="2026-12-09T10:00:00")
    assert response.status_code == 409
    assert "someone else saved" in response.json()["message"]
    assert snapshot(meeting) == before


def test_someone_who_may_not_edit_is_refused_and_nothing_changes(client, people):
    meeting = MeetingFactory(name="Planung", date_start=at(8, 10), actor=people.tom)
    before = snapshot(meeting)
    client.force_login(people.lena)
    response = move(client, meeting, start="2026-12-09T10:00:00")
    assert response.status_code == 403
    assert response.json()["message"] == "You may not change this activity."
    assert snapshot(meeting) == before


def test_a_hidden_activity_is_not_found(client, people):
    meeting = MeetingFactory(name="Stans", date_start=at(8, 10), actor=people.stan)
    before = snapshot(meeting)
    client.force_login(people.bea)
    assert move(client, meeting, start="2026-12-09T10:00:00").status_code == 404
    assert client.post(f"/calendar/notes/{meeting.pk}/move/", {}).status_code == 404
    assert snapshot(meeting) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "morgen"}, "Geben Sie ein gültiges Datum mit Uhrzeit ein."),
        (
            {"start": "2026-12-09T10:00", "end": "2026-12-09T09:00"},
            "Das Ende liegt vor dem Beginn.",
        ),
        (
            {"start": "2026-12-09T10:00", "version": "gestern"},
            "Dieser Kalender ist nicht mehr aktuell. Laden Sie die Seite neu und versuchen Sie "
            "es noch einmal.",
        ),
        # longer than the 14 days a meeting may last: the model's own validation
        ({"start": "2026-12-01T10:00", "end": "2026-12-31T10:00"}, "Dauer (Minuten): "),
    ],
)
def test_bad_input_is_a_translated_400_and_changes_nothing(client, people, data, message):
    people.bea.profile.language = "de"
    people.bea.profile.save()
    meeting = MeetingFactory(name="Planung", date_start=at(8, 10), actor=people.bea)
    before = snapshot(meeting)
    client.force_login(people.bea)
    response = move(client, meeting, **data)
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert snapshot(meeting) == before


def test_a_quick_create_saves_a_meeting_in_the_viewers_zone(client, people):
    client.force_login(people.tom)
    response = client.post(
        "/calendar/new/",
        {"kind": "meetings", "name": "Demo", "start": "2026-12-09T15:00", "duration_minutes": 45},
    )
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(name="Demo")
    assert meeting.date_start == at(9, 15, 0, LONDON)
    assert meeting.duration_minutes == 45
    assert meeting.assigned_user == people.tom
    assert log_of(meeting, "create")
    assert response.json()["event"]["start"] == "2026-12-09T15:00:00"


def test_a_quick_create_with_a_related_record_and_a_call(client, people):
    from kontor.accounts.tests.factories import AccountFactory

    account = AccountFactory(name="Nordwind AG", actor=people.bea)
    secret = AccountFactory(name="Geheim AG", actor=people.stan)
    client.force_login(people.bea)
    data = {"kind": "calls", "name": "Rückruf", "start": "2026-12-09T09:00"}
    hidden = client.post(
        "/calendar/new/",
        {**data, "duration_minutes": 15, "parent_module": "accounts", "parent_record": secret.pk},
    )
    assert hidden.status_code == 400
    assert "parent_record" in hidden.json()["errors"]
    assert not Call.objects.exists()
    response = client.post(
        "/calendar/new/",
        {**data, "duration_minutes": 15, "parent_module": "accounts", "parent_record": account.pk},
    )
    assert response.status_code == 201, response.content
    assert Call.objects.get(name="Rückruf").parent_id == account.pk


def test_quick_create_errors_are_translated_and_nothing_is_saved(client, people):
    people.bea.profile.language = "de"
    people.bea.profile.save()
    client.force_login(people.bea)
    response = client.post(
        "/calendar/new/",
        {"kind": "calls", "name": "", "start": "2026-12-09T09:00", "duration_minutes": 2000},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["Dieses Feld ist zwingend erforderlich."]
    # a call lasts at most a day: the model refuses it
    response = client.post(
        "/calendar/new/",
        {"kind": "calls", "name": "Lang", "start": "2026-12-09T09:00", "duration_minutes": 2000},
    )
    assert response.status_code == 400
    assert "duration_minutes" in response.json()["errors"]
    assert not Call.objects.exists()


def test_someone_who_may_not_create_is_refused(client, people):
    client.force_login(people.lena)
    response = client.post(
        "/calendar/new/",
        {"kind": "meetings", "name": "Demo", "start": "2026-12-09T15:00", "duration_minutes": 45},
    )
    assert response.status_code == 403
    assert not Meeting.objects.exists()
