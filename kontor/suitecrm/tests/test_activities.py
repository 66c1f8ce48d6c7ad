"""Calls, meetings, tasks, notes and invitees migrated from the journey database.

Expectations are counted by queries against SuiteCRM's schema or written out from the dump's
README (data/README.md), never read from the migrator.
"""

import tarfile
import uuid
from pathlib import Path

import pytest

from kontor.activities.models import Call, Meeting, MeetingInvitee, Note, Task
from kontor.contacts.models import Contact
from kontor.core.testing_tools import whole_page
from kontor.suitecrm.run import migrate
from kontor.suitecrm.source import Source
from kontor.suitecrm.steps.activities import map_call, map_meeting, map_note, map_task

pytestmark = pytest.mark.django_db

GROSS_CALL = "9d710fff-9c12-37f7-312f-6b15d7c0202b"
GROSS_MEETING = "a15f086b-dad8-24c1-096b-6b15d7c02eea"
GROSS_CONTACT = "8d080bb4-510c-ddf9-d334-6b15d736b920"
GROSS_ACCOUNT = "8dc10ff2-e7c7-a525-4315-6b15d735be45"
GROSS_OPPORTUNITY = "95e80eb7-7c75-700b-1dd7-6b15d70a0f69"
ANNUAL_MEETING = "4948a237-421c-8968-5f15-6b15d7a87728"
DONE_TASK = "22160bac-fd72-9e4a-6f46-6b15d75f4c28"
KRUEGER_CALL = "1d3f868b-ae0f-c5d9-92ec-6b15d772e1b9"
PDF_NOTE = "1688f0b7-52d4-221a-e07f-6b15d734be39"
PNG_NOTE = "2b256060-e031-e0b0-8b57-6b15d7bfeeae"
JOURNEY_UPLOADS = Path(__file__).parent / "data" / "suitecrm-7.12.12-journey-upload.tar.gz"


def mapped_rows(url, table, mapping):
    """Every row of `table` mapped, with a user lookup that knows every user id as itself."""
    source = Source.open(url)
    try:
        return {
            m.suitecrm_id: m
            for m in (mapping(r, lambda i: i) for r in source.rows(f"SELECT * FROM {table}"))
        }
    finally:
        source.close()


def test_calls_map_every_row_with_its_fields(suitecrm_journey):
    mapped = mapped_rows(suitecrm_journey, "calls", map_call)
    rows = suitecrm_journey.dicts(
        "SELECT id, name, status, direction, duration_hours * 60 + duration_minutes AS minutes,"
        " date_start, assigned_user_id FROM calls"
    )
    assert len(mapped) == len(rows) == 53
    for row in rows:
        values = mapped[row["id"]].values
        assert values["id"] == uuid.UUID(row["id"])
        assert (values["name"], values["status"]) == (row["name"], row["status"])
        assert values["direction"] == (row["direction"] or "")
        assert values["duration_minutes"] == row["minutes"]
        assert values["date_start"].replace(tzinfo=None) == row["date_start"]
        assert values["assigned_user_id"] == (row["assigned_user_id"] or None)
    # The conversion call with Herr Groß: Outbound / Held, parent his new contact or account.
    gross = mapped[GROSS_CALL]
    assert (gross.values["direction"], gross.values["status"]) == ("Outbound", "Held")
    assert gross.parent is not None and gross.problems == []
    assert mapped[KRUEGER_CALL].parent[0] == "accounts.Account"


def test_meetings_tasks_notes_map_by_suitecrm_name(suitecrm_journey):
    meetings = mapped_rows(suitecrm_journey, "meetings", map_meeting)
    assert len(meetings) == suitecrm_journey.scalar("SELECT COUNT(*) FROM meetings") == 203
    annual = meetings[ANNUAL_MEETING]
    assert annual.parent == ("accounts.Account", uuid.UUID(GROSS_ACCOUNT))
    assert annual.values["location"] == suitecrm_journey.scalar(
        "SELECT location FROM meetings WHERE id = %s", [ANNUAL_MEETING]
    )
    tasks = mapped_rows(suitecrm_journey, "tasks", map_task)
    done = tasks[DONE_TASK]
    assert done.values["status"] == "Completed"
    assert done.parent == ("opportunities.Opportunity", uuid.UUID(GROSS_OPPORTUNITY))
    assert done.contact == (GROSS_CONTACT, uuid.UUID(GROSS_CONTACT))
    priorities = dict(suitecrm_journey.rows("SELECT id, priority FROM tasks"))
    assert {i: m.values["priority"] for i, m in tasks.items()} == priorities
    notes = mapped_rows(suitecrm_journey, "notes", map_note)
    assert notes[PDF_NOTE].parent == ("contacts.Contact", uuid.UUID(GROSS_CONTACT))
    assert notes[PNG_NOTE].parent == ("opportunities.Opportunity", uuid.UUID(GROSS_OPPORTUNITY))


def test_a_parent_of_a_module_not_migrated_is_reported_and_left_empty():
    row = {
        "id": "5f1e9f0a-0000-4000-8000-000000000001",
        "name": "Rückruf zum Ticket",
        "status": "Planned",
        "direction": "Inbound",
        "date_start": None,
        "date_entered": None,
        "date_modified": None,
        "parent_type": "Cases",
        "parent_id": "5f1e9f0a-0000-4000-8000-000000000002",
        "assigned_user_id": "gone",
        "deleted": 1,
    }
    mapped = map_call(row, lambda i: None)
    assert mapped.parent is None
    assert mapped.values["parent_type_id"] is None and mapped.values["deleted"] is True
    assert any("Cases" in p and "not migrated" in p for p in mapped.problems)
    assert any("gone" in p for p in mapped.problems)
    assert mapped.values["assigned_user_id"] is None


# --- The whole journey database migrated (every step, as `kontor migrate-suitecrm` runs) ----

MODELS = {"calls": Call, "meetings": Meeting, "tasks": Task, "notes": Note}
#: SuiteCRM module name → Kontor content type model, as the journey's parents need them
PARENT_MODELS = {
    "Accounts": "account",
    "Contacts": "contact",
    "Leads": "lead",
    "Prospects": "target",
    "Opportunities": "opportunity",
}


@pytest.fixture
def migrated(suitecrm_journey, suitecrm_uploads, actor):
    """The journey database migrated with its upload folder; the report of the run."""
    return migrate(suitecrm_journey, actor=actor, uploads=str(suitecrm_uploads))


def test_every_activity_arrives_live_or_in_the_trash(suitecrm_journey, migrated):
    for table, model in MODELS.items():
        live = suitecrm_journey.scalar(f"SELECT COUNT(*) FROM {table} WHERE deleted = 0")
        trashed = suitecrm_journey.scalar(f"SELECT COUNT(*) FROM {table} WHERE deleted = 1")
        assert model.objects.count() == live, table
        assert model.with_deleted.filter(deleted=True).count() == trashed, table
        assert migrated.counts[table]["created"] == live + trashed
    assert (Call.objects.count(), Meeting.objects.count()) == (53, 203)
    assert (Task.objects.count(), Note.objects.count()) == (201, 52)


def test_fields_owners_and_dates_are_kept(suitecrm_journey, migrated):
    rows = suitecrm_journey.dicts(
        "SELECT c.id, c.name, c.status, c.direction, c.date_start, c.date_entered,"
        " c.duration_hours * 60 + c.duration_minutes AS minutes, u.user_name AS owner,"
        " cr.user_name AS creator FROM calls c LEFT JOIN users u ON u.id = c.assigned_user_id"
        " LEFT JOIN users cr ON cr.id = c.created_by"
    )
    calls = Call.objects.select_related("assigned_user", "created_by").in_bulk()
    for row in rows:
        call = calls[uuid.UUID(row["id"])]
        assert (call.name, call.status, call.direction) == (
            row["name"],
            row["status"],
            row["direction"] or "",
        )
        assert call.duration_minutes == row["minutes"]
        assert call.date_start.replace(tzinfo=None) == row["date_start"]
        assert call.date_entered.replace(tzinfo=None) == row["date_entered"]
        assert getattr(call.assigned_user, "username", None) == row["owner"]
        assert getattr(call.created_by, "username", None) == row["creator"]
    task = Task.objects.get(pk=DONE_TASK)
    assert (task.status, task.contact_id) == ("Completed", uuid.UUID(GROSS_CONTACT))
    # every type: owner, creator, modifier and both dates as SuiteCRM had them
    for table, model in MODELS.items():
        expected = {
            row[0]: tuple(row[1:])
            for row in suitecrm_journey.rows(
                f"SELECT t.id, o.user_name, c.user_name, m.user_name, t.date_entered,"
                f" t.date_modified FROM {table} t LEFT JOIN users o ON o.id = t.assigned_user_id"
                " LEFT JOIN users c ON c.id = t.created_by"
                " LEFT JOIN users m ON m.id = t.modified_user_id"
            )
        }
        got = {
            str(pk): (
                owner,
                creator,
                modifier,
                entered.replace(tzinfo=None),
                modified.replace(tzinfo=None),
            )
            for pk, owner, creator, modifier, entered, modified in model.with_deleted.values_list(
                "pk",
                "assigned_user__username",
                "created_by__username",
                "modified_by__username",
                "date_entered",
                "date_modified",
            )
        }
        assert got == expected, table


def test_parents_are_kept(suitecrm_journey, migrated):
    for table, model in MODELS.items():
        rows = suitecrm_journey.rows(
            f"SELECT id, parent_type, parent_id FROM {table} WHERE parent_id <> ''"
        )
        kept = {
            str(a.pk): (a.parent_type.model, str(a.parent_id))
            for a in model.with_deleted.filter(parent_id__isnull=False).select_related(
                "parent_type"
            )
        }
        assert kept == {i: (PARENT_MODELS[t], p) for i, t, p in rows}, table
    # The conversion's call and meeting with Herr Groß, and their parents' records exist.
    for model, pk in ((Call, GROSS_CALL), (Meeting, GROSS_MEETING)):
        activity = model.objects.get(pk=pk)
        assert activity.parent is not None
        assert str(activity.parent.pk) == suitecrm_journey.scalar(
            f"SELECT parent_id FROM {model._meta.model_name}s WHERE id = %s", [pk]
        )


def test_invitees_arrive_with_their_answers(suitecrm_journey, migrated):
    answered = set()  # the answers of call invitees
    for kind in ("user", "contact", "lead"):
        other = "u.user_name" if kind == "user" else f"j.{kind}_id"
        join = "JOIN users u ON u.id = j.user_id" if kind == "user" else ""
        expected = set(
            suitecrm_journey.rows(
                f"SELECT j.meeting_id, {other}, j.accept_status FROM meetings_{kind}s j {join}"
                " WHERE j.deleted = 0"
            )
        )
        field = f"{kind}__username" if kind == "user" else f"{kind}_id"
        got = {
            (str(m), str(o), a)
            for m, o, a in MeetingInvitee.objects.filter(**{f"{kind}__isnull": False}).values_list(
                "meeting_id", field, "accept_status"
            )
        }
        assert got == expected, kind
        # Calls keep their invitees' answers too (no answer: "none", as SuiteCRM shows it).
        calls = set(
            suitecrm_journey.rows(
                f"SELECT j.call_id, {other}, COALESCE(NULLIF(j.accept_status, ''), 'none')"
                f" FROM calls_{kind}s j {join} WHERE j.deleted = 0"
            )
        )
        through = getattr(Call, f"{kind}s").through
        got_calls = {
            (str(c), str(o), a)
            for c, o, a in through.objects.values_list("call_id", field, "accept_status")
        }
        assert got_calls == calls, kind
        answered |= {answer for _c, _o, answer in calls}
    assert answered - {"none"}
    # README: the annual meeting's answers, written out.
    annual = MeetingInvitee.objects.filter(meeting_id=ANNUAL_MEETING).select_related("user")
    assert {i.user.username: i.accept_status for i in annual if i.user} == {
        "lena": "accept",
        "sally": "accept",
        "max": "decline",
        "admin": "none",
    }
    contacts = {str(i.contact_id): i.accept_status for i in annual if i.contact_id}
    assert contacts[GROSS_CONTACT] == "accept"
    assert sorted(contacts.values()) == ["accept", "decline", "tentative"]
    assert sorted(i.accept_status for i in annual if i.lead_id) == ["none", "tentative"]


def test_note_attachments_are_the_upload_folders_files(suitecrm_journey, migrated):
    with tarfile.open(JOURNEY_UPLOADS) as archive:
        files = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
    names = dict(suitecrm_journey.rows("SELECT id, filename FROM notes WHERE filename <> ''"))
    assert set(files) == set(names) == {PDF_NOTE, PNG_NOTE}
    for note_id, content in files.items():
        note = Note.objects.get(pk=note_id)
        assert note.filename.name.rsplit("/", 1)[1] == names[note_id]
        with note.filename.open("rb") as stored:
            assert stored.read() == content
    assert Note.objects.exclude(filename="").count() == 2


def test_a_second_run_creates_nothing(suitecrm_journey, suitecrm_uploads, actor, migrated):
    before = {t: m.with_deleted.count() for t, m in MODELS.items()}
    invitees = (MeetingInvitee.objects.count(), Call.users.through.objects.count())
    again = migrate(suitecrm_journey, actor=actor, uploads=str(suitecrm_uploads))
    for table in (*MODELS, "meetings_users", "meetings_contacts", "calls_users"):
        assert again.counts[table]["created"] == 0, table
        assert again.counts[table]["updated"] == 0, table
    assert {t: m.with_deleted.count() for t, m in MODELS.items()} == before
    assert (MeetingInvitee.objects.count(), Call.users.through.objects.count()) == invitees
    note = Note.objects.get(pk=PDF_NOTE)
    assert note.filename.name == f"notes/{PDF_NOTE}/Angebot_Groß_2026.pdf"


def test_the_contacts_timeline_lists_its_migrated_activities(
    client, suitecrm_journey, actor, migrated
):
    names = [
        r[0]
        for r in suitecrm_journey.rows(
            "SELECT name FROM calls WHERE parent_type = 'Contacts' AND parent_id = %(c)s"
            " UNION SELECT name FROM notes WHERE contact_id = %(c)s OR parent_id = %(c)s"
            " UNION SELECT name FROM tasks WHERE contact_id = %(c)s AND deleted = 0"
            " UNION SELECT m.name FROM meetings m JOIN meetings_contacts j"
            " ON j.meeting_id = m.id AND j.deleted = 0 WHERE j.contact_id = %(c)s",
            {"c": GROSS_CONTACT},
        )
    ]
    assert len(names) >= 3
    client.force_login(actor)
    page = whole_page(client, Contact.objects.get(pk=GROSS_CONTACT).get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for name in names:
        assert name.replace("&", "&amp;") in html, name
