"""Series on the pages, in the REST API and from a SuiteCRM migration: the form in German
(refusals on the field, a weekly series created), the record page's sentence and list, the
scope of an occurrence's edit, the API's repeat fields."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from kontor.activities.actions import save_series
from kontor.activities.models import Meeting
from kontor.api.tests.conftest import token_client
from kontor.suitecrm.steps.activities import map_meeting
from kontor.users.actions import update_profile

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# A Monday two to three weeks ahead, so the whole series is within the horizon.
TODAY = datetime.date.today()
MONDAY = TODAY + datetime.timedelta(days=14 + (7 - TODAY.weekday()) % 7)
UNTIL = MONDAY + datetime.timedelta(days=27)  # a Sunday: four Mondays and four Wednesdays
#: A series member's page: the meeting page's queries and the series card's two (its first 60
#: occurrences and their count), whatever the series' length
SERIES_PAGE_QUERIES = 10
FORM = {
    "name": "Jour fixe",
    "status": "Planned",
    "date_start": f"{MONDAY.isoformat()}T10:00",
    "duration_minutes": "60",
    "repeat_type": "Weekly",
    "repeat_interval": "1",
    "repeat_dow": ["1", "3"],
    "repeat_until": UNTIL.isoformat(),
}


@pytest.fixture
def german(rep, rep_client):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    return rep_client


def test_the_form_refuses_a_rule_without_end_in_german_and_writes_nothing(german, rep):
    data = {**FORM, "repeat_until": "", "assigned_user": rep.pk}
    answer = german.post("/meetings/new/", data)
    assert answer.status_code == 400
    assert "Gib an, wann die Wiederholungen enden" in answer.content.decode()
    assert answer.context["form"].errors["repeat_until"]
    too_many = german.post("/meetings/new/", {**data, "repeat_count": "501"})
    assert "Höchstens 500 Termine" in too_many.content.decode()
    assert Meeting.with_deleted.count() == 0


def test_a_weekly_series_from_the_form_and_its_page(german, rep, django_assert_max_num_queries):
    answer = german.post("/meetings/new/", {**FORM, "assigned_user": rep.pk})
    assert answer.status_code == 302
    master = Meeting.objects.get(repeat_parent_id=None)
    assert master.repeat_dow == "13" and master.recurring_source == "Kontor"
    later = Meeting.objects.filter(repeat_parent_id=master.pk).order_by("date_start")
    assert later.count() == 7
    occurrence = later[2]
    german.get(f"/meetings/{occurrence.pk}/")
    with django_assert_max_num_queries(SERIES_PAGE_QUERIES):
        page = german.get(f"/meetings/{occurrence.pk}/").content.decode()
    assert f"Wiederholt sich wöchentlich am Mo, Mi bis {UNTIL:%d.%m.%Y}" in page
    assert "8 Termine" in page and f'href="/meetings/{master.pk}/"' in page
    # the rule reads as a sentence, not as its raw fields
    assert "Repeat until" not in page and "Wiederholen bis" not in page

    # Editing an occurrence asks what the change reaches; "only this" changes only it.
    form = german.get(f"/meetings/{occurrence.pk}/edit/")
    assert "Änderung übernehmen für" in form.content.decode()
    data = {**FORM, "name": "Jour fixe (Sonder)", "assigned_user": rep.pk}
    data["date_start"] = occurrence.date_start.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")
    data["shown"] = form.context["form"].initial["shown"]
    assert (
        german.post(
            f"/meetings/{occurrence.pk}/edit/", {**data, "repeat_scope": "this"}
        ).status_code
        == 302
    )
    names = list(Meeting.objects.filter(repeat_parent_id=master.pk).values_list("name", flat=True))
    assert names.count("Jour fixe (Sonder)") == 1 and names.count("Jour fixe") == 6


def test_the_api_reads_and_writes_the_repeat_fields(rep, django_capture_on_commit_callbacks):
    api = token_client(rep)
    body = {
        "name": "Weekly sync",
        "date_start": f"{MONDAY.isoformat()}T10:00:00",
        "duration_minutes": 30,
        "repeat_type": "Weekly",
        "repeat_interval": 2,
        "repeat_count": 4,
    }
    refused = api.post("/api/v1/meetings/", {**body, "repeat_count": None}, format="json")
    assert refused.status_code == 400 and "repeat_until" in refused.json()["errors"]
    assert Meeting.with_deleted.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/meetings/", body, format="json")
    assert created.status_code == 201
    master = created.json()
    assert (master["repeat_type"], master["repeat_interval"], master["repeat_count"]) == (
        "Weekly",
        2,
        4,
    )
    later = Meeting.objects.filter(repeat_parent_id=master["id"]).order_by("date_start")
    assert [m.date_start.astimezone(BERLIN).date() for m in later] == [
        MONDAY + datetime.timedelta(weeks=n) for n in (2, 4, 6)
    ]
    shown = api.get(f"/api/v1/meetings/{later[0].pk}/").json()
    assert shown["repeat_parent_id"] == master["id"] and shown["repeat_type"] == "Weekly"
    # a shorter rule through the API: the dates it no longer gives go to the trash
    with django_capture_on_commit_callbacks(execute=True):
        changed = api.patch(f"/api/v1/meetings/{master['id']}/", {"repeat_count": 2}, format="json")
    assert changed.status_code == 200
    assert Meeting.objects.filter(repeat_parent_id=master["id"]).count() == 1


def test_an_occurrence_edited_through_the_api_keeps_its_series(rep):
    start = datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=BERLIN)
    master = Meeting(name="Daily", date_start=start, repeat_type="Daily", repeat_count=3)
    save_series(master, actor=rep)
    row = Meeting.objects.filter(repeat_parent_id=master.pk).first()
    api = token_client(rep)
    assert (
        api.patch(f"/api/v1/meetings/{row.pk}/", {"status": "Not Held"}, format="json").status_code
        == 200
    )
    assert Meeting.objects.get(pk=row.pk).repeat_parent_id == master.pk


def test_occurrences_are_ordinary_events_in_the_ics_export_and_the_csv_export(rep, rep_client):
    start = datetime.datetime.combine(MONDAY, datetime.time(10), tzinfo=BERLIN)
    master = Meeting(
        name="Jour fixe", date_start=start, assigned_user=rep, repeat_type="Daily", repeat_count=5
    )
    save_series(master, actor=rep)
    answer = rep_client.get(reverse("meetings-ics"))
    text = b"".join(answer.streaming_content).decode()
    assert text.count("BEGIN:VEVENT") == 5 and text.count("SUMMARY:Jour fixe") == 5
    for day in range(5):
        utc = (start + datetime.timedelta(days=day)).astimezone(datetime.UTC)
        assert f"DTSTART:{utc:%Y%m%dT%H%M%SZ}" in text
    exported = rep_client.get("/meetings/export.csv")
    content = exported.streaming_content if exported.streaming else [exported.content]
    rows = b"".join(content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 5


def test_the_suitecrm_migration_keeps_the_repeat_fields():
    row = {
        "id": "5f1e9f0a-0000-4000-8000-000000000010",
        "name": "Jour fixe",
        "date_start": datetime.datetime(2024, 3, 4, 9, 0),
        "duration_hours": 1,
        "duration_minutes": 0,
        "repeat_type": "Weekly",
        "repeat_interval": 1,
        "repeat_dow": "13",
        "repeat_until": datetime.date(2024, 6, 30),
        "repeat_count": None,
        "repeat_parent_id": "5f1e9f0a-0000-4000-8000-000000000011",
        "recurring_source": "Sugar",
    }
    values = map_meeting(row, lambda i: None).values
    assert (values["repeat_type"], values["repeat_dow"], values["repeat_count"]) == (
        "Weekly",
        "13",
        None,
    )
    assert values["repeat_until"] == datetime.date(2024, 6, 30)
    assert str(values["repeat_parent_id"]) == "5f1e9f0a-0000-4000-8000-000000000011"
    assert values["recurring_source"] == "Sugar"
    odd = map_meeting({**row, "repeat_type": "Hourly"}, lambda i: None)
    assert odd.values["repeat_type"] == "" and any("Hourly" in p for p in odd.problems)
