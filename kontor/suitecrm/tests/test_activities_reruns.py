"""Activities from SuiteCRM on later runs and from damaged data: re-runs bring changes and
keep Kontor's edits and files, a dry run writes nothing, bad rows and orphaned invitee rows are
reported. Expectations come from queries against SuiteCRM's schema or the dump's README.
"""

import uuid

import pytest
from django.core.files.base import ContentFile

from kontor.activities.actions import set_accept_status
from kontor.activities.models import Call, Meeting, MeetingInvitee, Note, Task
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog, ExternalId
from kontor.suitecrm.run import migrate
from kontor.suitecrm.tests.test_activities import (
    ANNUAL_MEETING,
    DONE_TASK,
    GROSS_CALL,
    GROSS_CONTACT,
    KRUEGER_CALL,
    MODELS,
    PDF_NOTE,
    PNG_NOTE,
)

pytestmark = pytest.mark.django_db


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
        "UPDATE calls SET status = 'Not Held', date_modified = UTC_TIMESTAMP()"
        f" WHERE id = '{KRUEGER_CALL}'",
        "UPDATE meetings_users j JOIN users u ON u.id = j.user_id"
        " SET j.accept_status = 'accept', j.date_modified = UTC_TIMESTAMP()"
        f" WHERE j.meeting_id = '{ANNUAL_MEETING}' AND u.user_name = 'max'",
        "INSERT INTO tasks (id, name, date_entered, date_modified, status, priority, deleted,"
        " parent_type, parent_id, contact_id)"
        f" VALUES ('{new_task}', 'Angebot nachfassen', UTC_TIMESTAMP(),"
        f" UTC_TIMESTAMP(), 'Not Started', 'High', 0, 'Contacts', '{GROSS_CONTACT}',"
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
        "UPDATE meetings_users j JOIN users u ON u.id = j.user_id"
        " SET j.accept_status = 'accept', j.date_modified = UTC_TIMESTAMP()"
        f" WHERE j.meeting_id = '{ANNUAL_MEETING}' AND u.user_name = 'max'",
        # and takes lena's invitation back, after the edit in Kontor
        "UPDATE meetings_users j JOIN users u ON u.id = j.user_id"
        " SET j.deleted = 1, j.date_modified = UTC_TIMESTAMP() + INTERVAL 1 HOUR"
        f" WHERE j.meeting_id = '{ANNUAL_MEETING}' AND u.user_name = 'lena'",
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
    assert again.counts["meetings_users"]["skipped"] == 2
    assert [p for p in again.problems if (p.table, p.suitecrm_id) == ("meetings_users", row_id)]
    assert meeting.invitees.filter(user__username="lena").exists()
    lena_row = copy.scalar(
        "SELECT j.id FROM meetings_users j JOIN users u ON u.id = j.user_id"
        " WHERE j.meeting_id = %s AND u.user_name = 'lena'",
        [ANNUAL_MEETING],
    )
    assert [p for p in again.problems if (p.table, p.suitecrm_id) == ("meetings_users", lena_row)]


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
    copy.execute(f"UPDATE notes SET date_modified = UTC_TIMESTAMP() WHERE id = '{PNG_NOTE}'")
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
        # a file name longer than Kontor's attachment field holds with its folder
        "UPDATE notes SET filename = CONCAT(REPEAT('Angebot-', 30), '.pdf')"
        f" WHERE id = '{PDF_NOTE}'",
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

    pdf = Note.objects.get(pk=PDF_NOTE)
    assert len(pdf.filename.name) <= 255 and pdf.filename.name.endswith(".pdf")
    assert pdf.filename.name.startswith(f"notes/{PDF_NOTE}/Angebot-Angebot-")
    with pdf.filename.open("rb") as stored:
        assert stored.read() == (suitecrm_uploads / PDF_NOTE).read_bytes()

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


def test_an_invitation_taken_back_in_suitecrm_leaves_kontor_on_a_rerun(
    suitecrm_damaged, suitecrm_uploads, actor
):
    copy = suitecrm_damaged()
    migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    contact = copy.scalar(
        "SELECT contact_id FROM calls_contacts WHERE call_id = %s AND deleted = 0", [GROSS_CALL]
    )
    # SuiteCRM marks the join row deleted when an invitee is removed
    copy.execute(
        "UPDATE meetings_users j JOIN users u ON u.id = j.user_id"
        " SET j.deleted = 1, j.date_modified = UTC_TIMESTAMP()"
        f" WHERE j.meeting_id = '{ANNUAL_MEETING}' AND u.user_name = 'sally'",
        "UPDATE calls_contacts SET deleted = 1, date_modified = UTC_TIMESTAMP()"
        f" WHERE call_id = '{GROSS_CALL}'",
    )
    again = migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    users = MeetingInvitee.objects.filter(meeting_id=ANNUAL_MEETING, user__isnull=False)
    assert sorted(users.values_list("user__username", flat=True)) == ["admin", "lena", "max"]
    assert not Call.objects.get(pk=GROSS_CALL).contacts.filter(pk=contact).exists()
    assert again.counts["meetings_users"]["updated"] == 1
    assert again.counts["calls_contacts"]["updated"] == 1
    logged = ChangeLog.objects.filter(record_id=ANNUAL_MEETING, field="users")
    assert [len(entry.new_value) < len(entry.old_value) for entry in logged] == [True]
    # a third run finds nothing more to take back
    third = migrate(copy, actor=actor, uploads=str(suitecrm_uploads))
    assert third.counts["meetings_users"]["updated"] == 0
    assert third.counts["calls_contacts"]["updated"] == 0
