"""Invitations, updates and cancels as invitees receive them, through a real SMTP server."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from kontor.activities.actions import save_with_invitees
from kontor.activities.models import Meeting
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.actions import delete_records, restore_records, save_record
from kontor.core.testing_tools import form_data
from kontor.emails.models import OutgoingMail
from kontor.invitations.actions import sync_invitations
from kontor.invitations.models import InvitationState, SentInvitation
from kontor.invitations.tests.helpers import (
    body_of,
    by_recipient,
    calendar_of,
    event_of,
    new_meeting,
    run_jobs,
    tomorrow_at,
)
from kontor.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _reload(meeting):
    return Meeting.with_deleted.get(pk=meeting.pk)


def test_each_invitee_gets_a_request_in_their_language(
    rep, greta, ed, smtp_server, django_capture_on_commit_callbacks
):
    contact = ContactFactory(actor=rep, first_name="Clara", last_name="Kunde")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(
            rep,
            users=[rep, greta, ed],
            contacts=[contact],
            location="",
            join_url="https://meet.example/kick-off",
        )
    run_jobs(django_capture_on_commit_callbacks)
    mails = by_recipient(smtp_server.wait_for(3))
    assert sorted(mails) == sorted(["greta@kontor.example", "ed@kontor.example", contact.email1])
    assert "rolf@kontor.example" not in mails  # the organiser invites, and gets nothing
    german, english = mails["greta@kontor.example"], mails["ed@kontor.example"]
    assert german["Subject"] == "Einladung: Kick-off"
    assert "lädt Sie zur Besprechung" in body_of(german)
    assert english["Subject"] == "Invitation: Kick-off"
    assert "invites you to the meeting" in body_of(english)
    # Ed's profile says London: 10:00 in Berlin is 09:00 for him
    in_london = meeting.date_start.astimezone(ZoneInfo("Europe/London"))
    assert in_london.strftime("%H:%M") in body_of(english)
    for address, mail in mails.items():
        method, calendar = calendar_of(mail)
        event = calendar.walk("VEVENT")[0]
        assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == f"meeting-{meeting.pk}@kontor"
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == meeting.date_start
        assert event.decoded("DTEND") == meeting.date_end
        assert event["DTSTART"].to_ical().endswith(b"Z")  # in UTC
        assert str(event["ORGANIZER"]) == "mailto:rolf@kontor.example"
        attendee = event["ATTENDEE"]
        assert str(attendee) == f"mailto:{address}"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        attachment = next(p for p in mail.walk() if p.get_filename() == "invite.ics")
        assert b"METHOD:REQUEST" in attachment.get_content()
        assert "/invitations/" in body_of(mail)
        assert str(event["LOCATION"]) == str(event["URL"]) == "https://meet.example/kick-off"
        assert "DESCRIPTION" not in event


def test_a_change_of_time_sends_an_update_with_a_higher_sequence(
    rep, greta, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(rep, users=[greta])
    run_jobs(django_capture_on_commit_callbacks)
    smtp_server.wait_for(1)
    meeting = _reload(meeting)
    meeting.date_start = tomorrow_at(14)
    with django_capture_on_commit_callbacks(execute=True):
        save_with_invitees(meeting, [greta], actor=rep)
    run_jobs(django_capture_on_commit_callbacks)
    update = smtp_server.wait_for(2)[1]
    event = event_of(update)
    assert update["Subject"] == "Aktualisierte Einladung: Kick-off"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"meeting-{meeting.pk}@kontor"
    assert event.decoded("DTSTART") == tomorrow_at(14)


def test_an_unchanged_save_or_a_change_of_notes_sends_nothing(
    rep, greta, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(rep, users=[greta])
    run_jobs(django_capture_on_commit_callbacks)
    smtp_server.wait_for(1)
    meeting = _reload(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        save_with_invitees(meeting, [greta], actor=rep)
        meeting.description = "Agenda: Roll-out"
        save_with_invitees(meeting, [greta], actor=rep)
    run_jobs(django_capture_on_commit_callbacks)
    assert sync_invitations(meeting.pk) == []
    assert OutgoingMail.objects.count() == 1
    assert InvitationState.objects.get(meeting=meeting).sequence == 0


def test_a_removed_invitee_gets_a_cancel_and_the_others_nothing(
    rep, greta, ed, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(rep, users=[greta, ed])
    run_jobs(django_capture_on_commit_callbacks)
    smtp_server.wait_for(2)
    with django_capture_on_commit_callbacks(execute=True):
        save_with_invitees(_reload(meeting), [greta], actor=rep)  # only the invitees change
    run_jobs(django_capture_on_commit_callbacks)
    cancel = smtp_server.wait_for(3)[2]
    method, calendar = calendar_of(cancel)
    assert method == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert "ed@kontor.example" in str(cancel["To"])
    assert cancel["Subject"] == "Cancelled: Kick-off"
    assert OutgoingMail.objects.count() == 3
    # invited again: a request of a newer version than the cancel
    with django_capture_on_commit_callbacks(execute=True):
        save_with_invitees(_reload(meeting), [greta, ed], actor=rep)
    run_jobs(django_capture_on_commit_callbacks)
    again = smtp_server.wait_for(4)[3]
    assert calendar_of(again)[0] == "REQUEST"
    assert int(event_of(again)["SEQUENCE"]) > int(event_of(cancel)["SEQUENCE"])
    assert OutgoingMail.objects.count() == 4


@pytest.mark.parametrize("how", ["not held", "trash"])
def test_a_cancelled_or_trashed_meeting_cancels_and_a_restored_one_invites_again(
    how, rep, greta, ed, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(rep, users=[greta, ed])
    run_jobs(django_capture_on_commit_callbacks)
    smtp_server.wait_for(2)
    meeting = _reload(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "trash":
            delete_records([meeting], actor=rep)
        else:
            meeting.status = "Not Held"
            save_record(meeting, actor=rep)
    run_jobs(django_capture_on_commit_callbacks)
    cancels = smtp_server.wait_for(4)[2:]
    assert {calendar_of(m)[0] for m in cancels} == {"CANCEL"}
    assert {int(event_of(m)["SEQUENCE"]) for m in cancels} == {1}
    assert set(SentInvitation.objects.values_list("method", flat=True)) == {"CANCEL"}
    # restored, or set back to Planned: invited again, in a newer version
    meeting = _reload(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "trash":
            restore_records([meeting], actor=rep)
        else:
            meeting.status = "Planned"
            save_record(meeting, actor=rep)
    run_jobs(django_capture_on_commit_callbacks)
    again = smtp_server.wait_for(6)[4:]
    assert {calendar_of(m)[0] for m in again} == {"REQUEST"}
    assert {int(event_of(m)["SEQUENCE"]) for m in again} == {2}


def test_running_the_jobs_twice_sends_each_mail_once(
    rep, greta, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(rep, users=[greta])
    run_jobs(django_capture_on_commit_callbacks)
    # the same job again, and the same message asked for again under its key
    with django_capture_on_commit_callbacks(execute=True):
        from kontor.invitations import tasks

        tasks.sync.enqueue(str(meeting.pk))
    run_jobs(django_capture_on_commit_callbacks)
    SentInvitation.objects.all().delete()  # even forgetting what was sent sends no copy
    with django_capture_on_commit_callbacks(execute=True):
        sync_invitations(meeting.pk)
    run_jobs(django_capture_on_commit_callbacks)
    assert len(smtp_server.wait_for(1)) == 1
    assert OutgoingMail.objects.count() == 1
    assert OutgoingMail.objects.get().key == f"invitation:{meeting.pk}:user:{greta.pk}:0:REQUEST"


def test_invitees_without_an_address_and_meetings_that_ended_get_nothing(
    rep, greta, django_capture_on_commit_callbacks
):
    silent = ContactFactory(actor=rep, email1="")
    with django_capture_on_commit_callbacks(execute=True):
        new_meeting(rep, contacts=[silent])
        past = new_meeting(rep, users=[greta], date_start=tomorrow_at(10) - timedelta(days=3))
    run_jobs(django_capture_on_commit_callbacks)
    assert sync_invitations(past.pk) == []
    assert OutgoingMail.objects.count() == 0


def test_moving_the_meeting_in_its_form_sends_the_update(
    rep, rep_client, greta, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(rep, users=[greta])
    run_jobs(django_capture_on_commit_callbacks)
    smtp_server.wait_for(1)
    form = rep_client.get(f"/meetings/{meeting.pk}/edit/").context["form"]
    data = form_data(form)
    data["date_start"] = tomorrow_at(16).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(f"/meetings/{meeting.pk}/edit/", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    run_jobs(django_capture_on_commit_callbacks)
    update = smtp_server.wait_for(2)[1]
    assert int(event_of(update)["SEQUENCE"]) == 1
    assert event_of(update).decoded("DTSTART") == tomorrow_at(16)


def test_people_in_the_trash_get_nothing(rep, greta, django_capture_on_commit_callbacks):
    clara = ContactFactory(actor=rep)
    gone = ContactFactory(actor=rep)
    lead = LeadFactory(email1="lea@lead.example")
    with django_capture_on_commit_callbacks(execute=True):
        delete_records([gone], actor=rep)
        delete_records([lead], actor=rep)
        new_meeting(rep, contacts=[clara, gone], leads=[lead])
    run_jobs(django_capture_on_commit_callbacks)
    sent = [r for row in OutgoingMail.objects.values_list("recipients", flat=True) for r in row]
    assert len(sent) == 1 and clara.email1 in sent[0]


def test_a_line_break_in_a_name_still_sends_everyone_their_invitation(
    rep, greta, smtp_server, django_capture_on_commit_callbacks
):
    clara = ContactFactory(actor=rep, first_name="Clara\nBcc: x@evil.example", last_name="Kunde")
    rep.first_name = "Rolf\r\n"
    rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        new_meeting(rep, users=[greta], contacts=[clara], name="Kick-off\nBcc: y@evil.example")
    run_jobs(django_capture_on_commit_callbacks)
    mails = by_recipient(smtp_server.wait_for(2))
    assert sorted(mails) == sorted(["greta@kontor.example", clara.email1])
    german = mails["greta@kontor.example"]
    assert german["Subject"] == "Einladung: Kick-off Bcc: y@evil.example"
    assert german["Bcc"] is None and "Rolf" in str(german["From"])
    assert "Clara Bcc: x@evil.example Kunde" in str(mails[clara.email1]["To"])
