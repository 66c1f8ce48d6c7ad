"""Calls, meetings, tasks, notes and invitees migrated from the journey database.

Expectations are counted by queries against SuiteCRM's schema or written out from the dump's
README (data/README.md), never read from the migrator.
"""

import tarfile
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from kontor.activities.actions import set_accept_status
from kontor.activities.models import Call, Meeting, MeetingInvitee, Note, Task
from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.core.models import ExternalId
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


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def actor(db):
    return get_user_model().objects.create_superuser("migrator", "migrator@example.com", "x")


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
        calls = set(
            suitecrm_journey.rows(
                f"SELECT j.call_id, {other} FROM calls_{kind}s j {join} WHERE j.deleted = 0"
            )
        )
        through = getattr(Call, f"{kind}s").through
        got_calls = {(str(c), str(o)) for c, o in through.objects.values_list("call_id", field)}
        assert got_calls == calls, kind
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
    page = client.get(Contact.objects.get(pk=GROSS_CONTACT).get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for name in names:
        assert name.replace("&", "&amp;") in html, name


def test_trash_missing_files_and_parents_of_other_modules_are_reported(
    suitecrm_damaged, suitecrm_uploads, actor, media
):
    broken = suitecrm_damaged(
        "UPDATE calls SET deleted = 1, date_modified = '2026-12-06 22:00:00'"
        f" WHERE id = '{KRUEGER_CALL}'",
        f"UPDATE tasks SET parent_type = 'Cases', parent_id = (SELECT id FROM cases LIMIT 1)"
        f" WHERE id = '{DONE_TASK}'",
    )
    (suitecrm_uploads / PNG_NOTE).unlink()
    # a program file, which Kontor's notes do not take
    program = broken.scalar("SELECT id FROM notes WHERE COALESCE(filename, '') = '' LIMIT 1")
    broken.execute(f"UPDATE notes SET filename = 'werkzeug.exe' WHERE id = '{program}'")
    (suitecrm_uploads / program).write_bytes(b"MZ")
    report = migrate(broken, actor=actor, uploads=str(suitecrm_uploads))
    call = Call.with_deleted.get(pk=KRUEGER_CALL)
    assert call.deleted and call.deleted_at.isoformat() == "2026-12-06T22:00:00+00:00"
    assert not Call.objects.filter(pk=KRUEGER_CALL).exists()
    task = Task.objects.get(pk=DONE_TASK)
    assert task.parent_type_id is None and task.parent_id is None
    assert Note.objects.get(pk=PNG_NOTE).filename.name == ""
    assert Note.objects.get(pk=PDF_NOTE).filename.name != ""
    problems = {}
    for p in report.problems:
        problems.setdefault((p.table, p.suitecrm_id), []).append(p.message)
    assert [m for m in problems["tasks", DONE_TASK] if "Cases" in m and "not migrated" in m]
    assert [m for m in problems["notes", PNG_NOTE] if "Baustelle_Deutz.png" in m]
    assert ("notes", PDF_NOTE) not in problems
    assert [m for m in problems["notes", program] if "werkzeug.exe" in m]
    assert Note.objects.get(pk=program).filename.name == ""
    assert not list((media / "notes").glob(f"{program}/*"))


def test_a_dry_run_writes_no_record_and_no_file(suitecrm_journey, suitecrm_uploads, actor, media):
    report = migrate(suitecrm_journey, actor=actor, uploads=str(suitecrm_uploads), dry_run=True)
    for table, model in MODELS.items():
        assert report.counts[table]["created"] == suitecrm_journey.scalar(
            f"SELECT COUNT(*) FROM {table}"
        )
        assert not model.with_deleted.exists()
    assert report.counts["meetings_users"]["created"] == suitecrm_journey.scalar(
        "SELECT COUNT(*) FROM meetings_users WHERE deleted = 0"
    )
    assert not MeetingInvitee.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_a_rerun_brings_changed_and_new_activities_and_answers(
    suitecrm_damaged, suitecrm_uploads, actor
):
    copy = suitecrm_damaged()
    migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    new_task = "0c0ffee0-1111-4222-8333-6b15d7000001"
    copy.execute(
        "UPDATE calls SET status = 'Not Held', date_modified = '2026-12-07 09:00:00'"
        f" WHERE id = '{KRUEGER_CALL}'",
        "UPDATE meetings_users j JOIN users u ON u.id = j.user_id SET j.accept_status = 'accept'"
        f" WHERE j.meeting_id = '{ANNUAL_MEETING}' AND u.user_name = 'max'",
        "INSERT INTO tasks (id, name, date_entered, date_modified, status, priority, deleted,"
        " parent_type, parent_id, contact_id)"
        f" VALUES ('{new_task}', 'Angebot nachfassen', '2026-12-07 09:00:00',"
        f" '2026-12-07 09:00:00', 'Not Started', 'High', 0, 'Contacts', '{GROSS_CONTACT}',"
        f" '{GROSS_CONTACT}')",
    )
    again = migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    assert again.counts["calls"]["updated"] == 1
    assert again.counts["tasks"]["created"] == 1
    assert again.counts["meetings_users"]["updated"] == 1
    assert again.counts["meetings"]["created"] == 0
    assert Call.objects.get(pk=KRUEGER_CALL).status == "Not Held"
    task = Task.objects.get(pk=new_task)
    assert (task.priority, task.contact_id, task.parent_id) == (
        "High",
        uuid.UUID(GROSS_CONTACT),
        uuid.UUID(GROSS_CONTACT),
    )
    answer = MeetingInvitee.objects.get(meeting_id=ANNUAL_MEETING, user__username="max")
    assert answer.accept_status == "accept"


def test_an_answer_changed_in_kontor_wins_and_the_conflict_is_listed(
    suitecrm_damaged, suitecrm_uploads, actor
):
    copy = suitecrm_damaged()
    migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    meeting = Meeting.objects.get(pk=ANNUAL_MEETING)
    max_answer = meeting.invitees.get(user__username="max")
    set_accept_status(meeting, max_answer, "tentative", actor=actor)
    copy.execute(
        "UPDATE meetings_users j JOIN users u ON u.id = j.user_id SET j.accept_status = 'accept'"
        f" WHERE j.meeting_id = '{ANNUAL_MEETING}' AND u.user_name = 'max'"
    )
    row_id = copy.scalar(
        "SELECT j.id FROM meetings_users j JOIN users u ON u.id = j.user_id"
        " WHERE j.meeting_id = %s AND u.user_name = 'max'",
        [ANNUAL_MEETING],
    )
    again = migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    max_answer.refresh_from_db()
    assert max_answer.accept_status == "tentative"
    assert again.counts["meetings_users"]["updated"] == 0
    assert again.counts["meetings_users"]["skipped"] == 1
    assert [p for p in again.problems if (p.table, p.suitecrm_id) == ("meetings_users", row_id)]


def test_note_files_on_a_rerun_are_never_overwritten(
    suitecrm_damaged, suitecrm_uploads, actor, media
):
    copy = suitecrm_damaged()
    migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    # In Kontor a user replaces the PDF note's file; in SuiteCRM both notes get new files.
    edited = Note.objects.get(pk=PDF_NOTE)
    edited.filename.save("Angebot_neu.pdf", ContentFile(b"%PDF Kontor"), save=False)
    save_record(edited, actor=actor)
    for note_id in (PDF_NOTE, PNG_NOTE):
        (suitecrm_uploads / note_id).write_bytes(b"new bytes in SuiteCRM")
    copy.execute(f"UPDATE notes SET date_modified = '2027-01-04 08:00:00' WHERE id = '{PNG_NOTE}'")
    again = migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    edited.refresh_from_db()
    with edited.filename.open("rb") as stored:
        assert stored.read() == b"%PDF Kontor"
    assert sorted(p.name for p in (media / "notes" / PDF_NOTE).iterdir()) == [
        "Angebot_Groß_2026.pdf",
        "Angebot_neu.pdf",
    ]
    # SuiteCRM's new file was not copied over the first run's one: the note is Kontor's now
    first = (media / "notes" / PDF_NOTE / "Angebot_Groß_2026.pdf").read_bytes()
    assert first.startswith(b"%PDF") and first != b"new bytes in SuiteCRM"
    photo = Note.objects.get(pk=PNG_NOTE)
    assert photo.filename.name != f"notes/{PNG_NOTE}/Baustelle_Deutz.png"
    with photo.filename.open("rb") as stored:
        assert stored.read() == b"new bytes in SuiteCRM"
    # the file of the first run is still there, unchanged
    assert (media / "notes" / PNG_NOTE / "Baustelle_Deutz.png").read_bytes()[:4] == b"\x89PNG"
    assert again.counts["notes"]["updated"] == 1


def test_damaged_rows_and_orphaned_join_rows_are_reported_never_a_traceback(
    suitecrm_damaged, suitecrm_uploads, actor
):
    broken = suitecrm_damaged(
        f"UPDATE calls SET date_start = '0000-00-00 00:00:00' WHERE id = '{GROSS_CALL}'",
        "UPDATE meetings SET duration_hours = 400, status = 'Verschoben'"
        f" WHERE id = '{ANNUAL_MEETING}'",
        "UPDATE tasks SET parent_type = 'Accounts', parent_id = 'no-such-account'"
        f" WHERE id = '{DONE_TASK}'",
        # a call with an id SuiteCRM's v4_1 API lets clients choose, and its invitee
        f"CREATE TEMPORARY TABLE c AS SELECT * FROM calls WHERE id = '{KRUEGER_CALL}'",
        "UPDATE c SET id = 'call_1', name = 'Rückruf über die API'",
        "INSERT INTO calls SELECT * FROM c",
        "INSERT INTO calls_users (id, call_id, user_id, required, accept_status, date_modified,"
        " deleted) VALUES ('join-1', 'call_1', '1', '1', 'none', NOW(), 0)",
        # orphaned join rows: a contact and a meeting that do not exist
        "INSERT INTO meetings_contacts (id, meeting_id, contact_id, required, accept_status,"
        f" date_modified, deleted) VALUES ('join-2', '{ANNUAL_MEETING}', 'gone', '1',"
        " 'accept', NOW(), 0)",
        "INSERT INTO meetings_users (id, meeting_id, user_id, required, accept_status,"
        " date_modified, deleted) VALUES ('join-3', 'no-meeting', '1', '1', 'accept', NOW(), 0)",
    )
    report = migrate(broken, actor=actor, uploads=str(suitecrm_uploads))
    problems = {}
    for p in report.problems:
        problems.setdefault((p.table, p.suitecrm_id), []).append(p.message)

    call = Call.objects.get(pk=GROSS_CALL)
    assert call.date_start == call.date_entered
    assert [m for m in problems["calls", GROSS_CALL] if "Start is empty" in m]
    meeting = Meeting.objects.get(pk=ANNUAL_MEETING)
    assert (meeting.duration_minutes, meeting.status) == (14 * 24 * 60, "Verschoben")
    assert [m for m in problems["meetings", ANNUAL_MEETING] if "24000" in m]
    task = Task.objects.get(pk=DONE_TASK)
    assert task.parent_id is None
    assert [m for m in problems["tasks", DONE_TASK] if "not found" in m]

    external = ExternalId.objects.get(source="suitecrm", external_id="call_1")
    api_call = Call.objects.get(pk=external.record_id)
    assert api_call.name == "Rückruf über die API"
    assert [u.username for u in api_call.users.all()] == ["admin"]
    assert [m for m in problems["calls", "call_1"] if "UUID" in m]

    assert [m for m in problems["meetings_contacts", "join-2"] if "gone" in m]
    assert [m for m in problems["meetings_users", "join-3"] if "no-meeting" in m]
    assert MeetingInvitee.objects.filter(
        meeting_id=ANNUAL_MEETING, contact__isnull=False
    ).count() == (
        broken.scalar(
            "SELECT COUNT(*) FROM meetings_contacts j JOIN contacts c ON c.id = j.contact_id"
            " WHERE j.meeting_id = %s AND j.deleted = 0",
            [ANNUAL_MEETING],
        )
    )
