"""Calls, meetings, tasks and notes: the standard module tests, the parent record, mark done."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Call, Note, Task
from kontor.activities.tests.factories import (
    CallFactory,
    MeetingFactory,
    NoteFactory,
    TaskFactory,
)
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import registry
from kontor.core.actions import delete_records
from kontor.core.models import ChangeLog
from kontor.core.testing import (
    Invalid,
    RecordModuleTests,
    form_data,
    log_of,
    whole_page,
)
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.targets.tests.factories import TargetFactory
from kontor.users.actions import update_profile

REQUIRED = "This field is required."
BAD_DATETIME = "Enter a valid date/time."
NO_RECORD = "Choose the record this belongs to."


class TestCallModule(RecordModuleTests):
    module_slug = "calls"
    factory = CallFactory
    edit = ("name", "Follow-up call")
    invalid_cases = [
        Invalid("missing-subject", {"name": None}, "name", REQUIRED),
        Invalid("missing-start", {"date_start": None}, "date_start", REQUIRED),
        Invalid("impossible-start", {"date_start": "2025-02-30T10:00"}, "date_start", BAD_DATETIME),
        Invalid("missing-status", {"status": None}, "status", REQUIRED),
        Invalid(
            "too-long",
            {"duration_minutes": "1441"},
            "duration_minutes",
            "Ensure this value is less than or equal to 1440.",
        ),
        Invalid("type-without-record", {"parent_record": ""}, "parent_record", NO_RECORD),
    ]

    def valid_data(self):
        return {
            "name": "Kick-off call",
            "direction": "Inbound",
            "status": "Planned",
            "date_start": "2025-06-02T10:00",
            "duration_minutes": "30",
            "description": "Agenda: roll-out",
            "parent_module": "accounts",
            "parent_record": str(AccountFactory().pk),
        }

    def mass_update_value(self, other_user):
        return "status", "Held"


class TestMeetingModule(RecordModuleTests):
    module_slug = "meetings"
    factory = MeetingFactory
    edit = ("location", "Hamburg, Raum 3")
    invalid_cases = [
        Invalid("missing-subject", {"name": None}, "name", REQUIRED),
        Invalid("impossible-start", {"date_start": "2025-13-01T09:00"}, "date_start", BAD_DATETIME),
        Invalid("bad-join-url", {"join_url": "meet me"}, "join_url", "Enter a valid URL."),
        Invalid(
            "unknown-status",
            {"status": "Cancelled"},
            "status",
            "Select a valid choice. Cancelled is not one of the available choices.",
        ),
    ]

    def valid_data(self):
        return {
            "name": "Workshop",
            "status": "Planned",
            "date_start": "2025-06-03T14:30",
            "duration_minutes": "90",
            "location": "Berlin",
            "join_url": "https://meet.example/workshop",
            "parent_module": "contacts",
            "parent_record": str(ContactFactory().pk),
        }


class TestTaskModule(RecordModuleTests):
    module_slug = "tasks"
    factory = TaskFactory
    edit = ("priority", "High")
    invalid_cases = [
        Invalid("missing-subject", {"name": None}, "name", REQUIRED),
        Invalid(
            "due-before-start",
            {"date_due": "2025-06-01T09:00"},
            "date_due",
            "The due date is before the start.",
        ),
        Invalid("impossible-due-date", {"date_due": "2025-02-30T09:00"}, "date_due", BAD_DATETIME),
        Invalid(
            "unknown-priority",
            {"priority": "Urgent"},
            "priority",
            "Select a valid choice. Urgent is not one of the available choices.",
        ),
        Invalid(
            "too-long-subject",
            {"name": "x" * 256},
            "name",
            "Ensure this value has at most 255 characters (it has 256).",
        ),
    ]

    def valid_data(self):
        return {
            "name": "Send the offer",
            "status": "Not Started",
            "priority": "Medium",
            "date_start": "2025-06-02T09:00",
            "date_due": "2025-06-05T17:00",
            "contact": str(ContactFactory().pk),
            "parent_module": "opportunities",
            "parent_record": str(OpportunityFactory().pk),
        }

    def mass_update_value(self, other_user):
        return "priority", "Low"


class TestNoteModule(RecordModuleTests):
    module_slug = "notes"
    factory = NoteFactory
    edit = ("description", "Roll-out postponed to Q3.")
    invalid_cases = [
        Invalid("missing-subject", {"name": None}, "name", REQUIRED),
        Invalid(
            "unknown-parent-record",
            {"parent_record": "not-an-id"},
            "parent_record",
            "Choose a record you can see.",
        ),
    ]

    def valid_data(self):
        return {
            "name": "Call notes",
            "description": "Budget approved.",
            "contact": str(ContactFactory().pk),
            "parent_module": "leads",
            "parent_record": str(LeadFactory().pk),
        }


# --- activities created from a record's page ------------------------------------------------

PARENTS = {
    "accounts": AccountFactory,
    "contacts": ContactFactory,
    "leads": LeadFactory,
    "targets": TargetFactory,
    "opportunities": OpportunityFactory,
}
REQUIRED_DATA = {
    "calls": {"date_start": "2025-06-02T10:00", "duration_minutes": "15"},
    "meetings": {"date_start": "2025-06-02T10:00", "duration_minutes": "60"},
    "tasks": {},
    "notes": {},
}


@pytest.mark.parametrize("slug", ["calls", "meetings", "tasks", "notes"])
@pytest.mark.parametrize("parent_slug", sorted(PARENTS))
def test_an_activity_created_from_a_record_page_is_linked_to_it(rep_client, rep, slug, parent_slug):
    parent = PARENTS[parent_slug](actor=rep)
    page = rep_client.get(f"/{parent_slug}/{parent.pk}/").content.decode()
    create_url = f"/{slug}/new/?parent={parent_slug}:{parent.pk}"
    assert create_url in page
    response = rep_client.get(create_url)
    form = response.context["form"]
    assert (form["parent_module"].value(), form["parent_record"].value()) == (
        parent_slug,
        str(parent.pk),
    )
    assert f'<option value="{parent.pk}" selected>' in response.content.decode()
    data = {**form_data(form), "name": "From the record page", **REQUIRED_DATA[slug]}
    response = rep_client.post(create_url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    activity = registry.get(slug).model.objects.get(name="From the record page")
    assert activity.parent == parent
    detail = whole_page(rep_client, f"/{parent_slug}/{parent.pk}/").context
    shown = [a["record"] for a in detail["open_activities"] + detail["history"]]
    assert shown == [activity]


@pytest.mark.parametrize(
    "parent",
    ["bogus:5d0c0a9e-0000-4000-8000-000000000000", "accounts:not-an-id", "calls:x", "no-colon", ""],
)
def test_a_damaged_parent_in_the_url_is_ignored(rep_client, parent):
    response = rep_client.get("/calls/new/", {"parent": parent})
    assert response.status_code == 200
    assert response.context["form"]["parent_record"].value() in ("", None)


def test_an_unknown_parent_type_is_refused_on_the_field(rep_client):
    data = {**TestCallModule().valid_data(), "parent_module": "bogus"}
    before = Call.objects.count()
    response = rep_client.post("/calls/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["parent_module"] == [
        "Select a valid choice. bogus is not one of the available choices."
    ]
    assert Call.objects.count() == before


def test_an_activity_page_links_back_to_its_record(rep_client, rep):
    account = AccountFactory(actor=rep)
    call = CallFactory(parent=account, actor=rep)
    response = rep_client.get(f"/calls/{call.pk}/")
    assert response.context["parent_record"] == account
    assert f'href="/accounts/{account.pk}/"' in response.content.decode()


def test_times_are_read_in_the_users_time_zone(rep_client, rep):
    update_profile(rep, language="en", time_zone="America/New_York", actor=rep)
    data = {**TestCallModule().valid_data(), "date_start": "2025-06-02T10:00"}
    assert rep_client.post("/calls/new/", data).status_code == 302
    stored = Call.objects.get(name="Kick-off call").date_start
    assert stored == datetime.datetime(2025, 6, 2, 14, 0, tzinfo=datetime.UTC)
    page = rep_client.get(f"/calls/{Call.objects.get().pk}/edit/").content.decode()
    assert 'name="date_start" value="2025-06-02T10:00"' in page


# --- tasks ------------------------------------------------------------------------------------


def test_mark_done_completes_the_task_and_logs_it(rep_client, rep):
    task = TaskFactory(actor=rep)
    response = rep_client.post(f"/tasks/{task.pk}/complete/")
    assert response.status_code == 302 and response.url == f"/tasks/{task.pk}/"
    assert Task.objects.get(pk=task.pk).status == "Completed"
    assert log_of(task, "update") == [("update", "status", "Not Started", "Completed")]
    # Done twice is still done once.
    rep_client.post(f"/tasks/{task.pk}/complete/")
    assert len(log_of(task, "update")) == 1


def test_mark_done_from_my_day_returns_a_fragment_or_goes_back(rep_client, rep):
    first, second, third = TaskFactory.create_batch(3, actor=rep)
    fragment = rep_client.post(f"/tasks/{first.pk}/complete/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "Done" in fragment.content.decode()
    assert rep_client.post(f"/tasks/{second.pk}/complete/", {"next": "/"}).url == "/"
    # A foreign "next" is never followed.
    away = rep_client.post(f"/tasks/{third.pk}/complete/", {"next": "https://evil.example/"})
    assert away.url == f"/tasks/{third.pk}/"
    assert {t.status for t in Task.objects.all()} == {"Completed"}


def test_mark_done_needs_a_post_and_an_existing_task(rep_client, rep):
    task = TaskFactory(actor=rep)
    assert rep_client.get(f"/tasks/{task.pk}/complete/").status_code == 405
    assert (
        rep_client.post("/tasks/5d0c0a9e-0000-4000-8000-000000000000/complete/").status_code == 404
    )
    assert Client().post(f"/tasks/{task.pk}/complete/").status_code == 302  # to sign-in
    assert Task.objects.get(pk=task.pk).status == "Not Started"
    assert log_of(task, "update") == []
    delete_records([task], actor=rep)
    assert rep_client.post(f"/tasks/{task.pk}/complete/").status_code == 404
    assert Task.with_deleted.get(pk=task.pk).status == "Not Started"


def test_a_mass_update_of_the_due_date_before_a_start_changes_nothing(rep_client, rep):
    started = TaskFactory(
        actor=rep, date_start="2025-06-10T09:00+02:00", date_due="2025-06-12T09:00+02:00"
    )
    other = TaskFactory(actor=rep)
    stored = {t.pk: (t.date_due, t.date_modified) for t in Task.objects.all()}
    logs = ChangeLog.objects.count()
    response = rep_client.post(
        "/tasks/mass/",
        {
            "verb": "update",
            "field": "date_due",
            "date_due": "2025-06-01T09:00",
            "ids": [started.pk, other.pk],
        },
        follow=True,
    )
    assert "The due date is before the start." in response.content.decode()
    assert {t.pk: (t.date_due, t.date_modified) for t in Task.objects.all()} == stored
    assert ChangeLog.objects.count() == logs


# --- notes ------------------------------------------------------------------------------------


def test_a_note_keeps_its_attachment_for_those_who_may_see_it(rep_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = {
        **TestNoteModule().valid_data(),
        "filename": SimpleUploadedFile("offer.txt", b"Angebot 4711"),
    }
    response = rep_client.post("/notes/new/", data)
    assert response.status_code == 302
    note = Note.objects.get(name="Call notes")
    download = rep_client.get(f"/notes/{note.pk}/download/")
    assert b"".join(download.streaming_content) == b"Angebot 4711"
    assert Client().get(f"/notes/{note.pk}/download/").status_code == 302  # to sign-in


def test_a_note_refuses_a_program_as_attachment(rep_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = {**TestNoteModule().valid_data(), "filename": SimpleUploadedFile("setup.exe", b"MZ")}
    before = Note.objects.count()
    response = rep_client.post("/notes/new/", data)
    assert response.status_code == 400
    assert (
        response.context["form"]
        .errors["filename"][0]
        .startswith("File extension “exe” is not allowed.")
    )
    assert Note.objects.count() == before
    assert list(tmp_path.iterdir()) == []
