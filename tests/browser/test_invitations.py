"""A meeting invitation end to end: the organiser (German UI) invites a colleague, the
colleague opens the link from the mail the SMTP server received and accepts, and the meeting's
page shows the answer."""

import re

import pytest
from playwright.sync_api import expect

from kontor.activities.models import MeetingInvitee
from kontor.core.smtp_testing import body_of
from kontor.core.testing_tools import run_queued_tasks
from kontor.invitations.tests.helpers import new_meeting
from kontor.users.actions import create_user

pytestmark = pytest.mark.browser


def test_an_invitee_accepts_from_the_mail_and_the_meeting_shows_it(
    signed_in, german, browser, live_server, smtp_server, settings, screenshot
):
    settings.KONTOR_BASE_URL = live_server.url
    greta = create_user(
        "greta",
        password="pw-greta-1!",
        first_name="Greta",
        last_name="Graf",
        email="greta@kontor.example",
        language="de",
    )
    meeting = new_meeting(german, users=[greta], name="Jahresgespräch")
    run_queued_tasks()  # the invitations' job, which queues the mail
    run_queued_tasks()  # the outbox sends it
    mail = smtp_server.wait_for(1)[0]
    assert mail["Subject"] == "Einladung: Jahresgespräch"
    link = re.search(r"Zusagen: (\S+)", body_of(mail)).group(1)

    invitee = browser.new_context(locale="de-DE").new_page()
    try:
        invitee.goto(link)
        expect(invitee.locator("h1")).to_have_text("Jahresgespräch")
        expect(invitee.locator("#invitation-confirm")).to_be_visible()
        screenshot(invitee, "invitation-answer")
        assert MeetingInvitee.objects.get(meeting=meeting).accept_status == "none"
        invitee.get_by_role("button", name="Zusagen").click()
        expect(invitee.locator("#invitation-recorded")).to_contain_text("Vielen Dank")
        screenshot(invitee, "invitation-answered")
    finally:
        invitee.context.close()
    assert MeetingInvitee.objects.get(meeting=meeting).accept_status == "accept"

    page = signed_in
    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.locator("#meeting-invitees")).to_contain_text("Greta Graf")
    expect(page.locator("#meeting-invitees .invitee[data-answer=accept]")).to_contain_text(
        "Zugesagt"
    )
    expect(page.locator("#record-timeline")).to_contain_text("Greta Graf hat zugesagt")
    screenshot(page, "invitation-meeting-page")
