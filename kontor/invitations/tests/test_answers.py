"""Answering an invitation from its mail: signed links, a page that GET never changes, the
answer recorded once, and shown on the meeting's page and timeline."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing

from kontor.activities.models import Meeting, MeetingInvitee
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ChangeLog
from kontor.core.testing_tools import whole_page
from kontor.invitations import tokens
from kontor.invitations.tests.helpers import body_of, by_recipient, new_meeting, run_jobs

pytestmark = pytest.mark.django_db


def _link(mail) -> str:
    """The answer page's path from the mail's "Accept" link, as the invitee clicks it."""
    url = urlsplit(re.search(r"(?:Zusagen|Accept): (\S+)", body_of(mail)).group(1))
    return f"{url.path}?{url.query}"


@pytest.fixture
def invited(rep, greta, smtp_server, django_capture_on_commit_callbacks):
    """A meeting Rolf invited Greta and the contact Clara to, and the mails they got."""
    clara = ContactFactory(actor=rep, first_name="Clara", last_name="Kunde")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(rep, users=[greta], contacts=[clara])
    run_jobs(django_capture_on_commit_callbacks)
    mails = by_recipient(smtp_server.wait_for(2))
    return meeting, clara, mails["greta@kontor.example"], mails[clara.email1]


def _answers(meeting) -> dict:
    return {
        (row.user_id or row.contact_id): row.accept_status
        for row in MeetingInvitee.objects.filter(meeting=meeting)
    }


def _answer_rows(meeting) -> int:
    return ChangeLog.objects.filter(record_id=meeting.pk, action="answer").count()


def test_opening_the_link_shows_the_meeting_and_changes_nothing(invited, greta, client):
    meeting, _clara, mail, _other = invited
    before = _answers(meeting)
    page = client.get(_link(mail))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kick-off" in text and "Rolf Rep lädt Sie ein" in text
    assert "Zusagen" in text and "Absagen" in text and "Vorläufig" in text
    assert 'name="answer" value="accept"' in text
    assert "invitation-confirm" in text  # the mail's Accept link asks to confirm
    assert _answers(meeting) == before and _answer_rows(meeting) == 0


def test_posting_an_answer_records_it_once(invited, greta, client):
    meeting, clara, mail, contact_mail = invited
    link = _link(mail)
    response = client.post(link, {"answer": "accept"})
    assert response.status_code == 200
    assert "Vielen Dank, Ihre Antwort wurde gespeichert." in response.content.decode()
    assert _answers(meeting)[greta.pk] == "accept"
    row = ChangeLog.objects.get(record_id=meeting.pk, action="answer")
    assert (row.field, row.old_value, row.new_value) == (f"user:{greta.pk}", "none", "accept")
    assert row.actor == greta
    client.post(link, {"answer": "accept"})  # the same answer again writes nothing
    assert _answer_rows(meeting) == 1
    client.post(_link(contact_mail), {"answer": "decline"})  # the contact's own link
    assert _answers(meeting)[clara.pk] == "decline"
    assert _answer_rows(meeting) == 2


def test_a_forged_or_foreign_token_changes_nothing(invited, client):
    meeting, _clara, mail, _other = invited
    link = _link(mail)
    token = link.split("/invitations/")[1].split("/")[0]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    data = tokens.read(token)
    unsalted = signing.dumps(data)  # signed by Kontor, but for another purpose
    for bad in (forged, unsalted, "nothing"):
        response = client.post(f"/invitations/{bad}/", {"answer": "accept"})
        assert response.status_code == 404
        assert "This link is not valid." in response.content.decode()
    assert set(_answers(meeting).values()) == {"none"} and _answer_rows(meeting) == 0


def test_a_meeting_that_ended_or_uninvited_person_changes_nothing(invited, rep, greta, client):
    meeting, clara, mail, contact_mail = invited
    past = meeting.date_start - timedelta(days=3)
    Meeting.objects.filter(pk=meeting.pk).update(date_start=past)
    response = client.post(_link(mail), {"answer": "accept"})
    assert response.status_code == 410
    assert "kann die Einladung nicht mehr beantwortet werden" in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(date_start=meeting.date_start)
    MeetingInvitee.objects.filter(meeting=meeting, contact=clara).delete()
    response = client.post(_link(contact_mail), {"answer": "accept"})
    assert response.status_code == 410
    assert "no longer invited" in response.content.decode()
    assert _answers(meeting) == {greta.pk: "none"} and _answer_rows(meeting) == 0


def test_the_meeting_page_and_timeline_show_the_answers(invited, rep, greta, client):
    meeting, clara, mail, contact_mail = invited
    client.post(_link(mail), {"answer": "accept"})
    client.post(_link(contact_mail), {"answer": "tentative"})
    client.force_login(rep)
    page = whole_page(client, f"/meetings/{meeting.pk}/")
    text = page.content.decode()
    assert "Greta Graf" in text and "Clara Kunde" in text
    assert re.search(r'data-answer="accept">.*Greta Graf.*Accepted', text)
    assert re.search(r'data-answer="tentative">.*Clara Kunde.*Tentative', text)
    assert "Greta Graf accepted" in text
    assert "Clara Kunde tentatively accepted" in text
