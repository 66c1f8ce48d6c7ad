"""PUT and GET /api/v1/meetings/<id>/invitees/: integrations invite as the form does."""

import pytest

from kontor.activities.models import MeetingInvitee
from kontor.api.tests.conftest import token_client
from kontor.contacts.tests.factories import ContactFactory
from kontor.emails.models import OutgoingMail
from kontor.invitations.tests.helpers import new_meeting, run_jobs
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db


def test_put_invites_and_the_invitations_follow(
    rep, greta, admin, django_capture_on_commit_callbacks
):
    meeting = new_meeting(rep)
    clara = ContactFactory(actor=rep)
    api = token_client(rep)
    url = f"/api/v1/meetings/{meeting.pk}/invitees/"
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.put(url, {"users": [greta.pk], "contacts": [str(clara.pk)]}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "users": [{"id": greta.pk, "accept_status": "none"}],
        "contacts": [{"id": str(clara.pk), "accept_status": "none"}],
        "leads": [],
    }
    run_jobs(django_capture_on_commit_callbacks)
    sent = " ".join(str(r) for r in OutgoingMail.objects.values_list("recipients", flat=True))
    assert OutgoingMail.objects.count() == 2
    assert "greta@kontor.example" in sent and clara.email1 in sent
    assert api.get(url).json() == answer.json()


def test_put_refuses_unknown_records_and_bad_bodies_and_changes_nothing(rep, greta, admin):
    meeting = new_meeting(rep, users=[greta])
    api = token_client(rep)
    url = f"/api/v1/meetings/{meeting.pk}/invitees/"
    for body in (
        {"contacts": ["00000000-0000-0000-0000-000000000000"]},
        {"users": ["x"]},
        {"users": 7},
        {"guests": []},
    ):
        answer = api.put(url, body, format="json")
        assert answer.status_code == 400, (body, answer.content)
    assert list(MeetingInvitee.objects.values_list("user", flat=True)) == [greta.pk]


def test_put_refuses_a_contact_the_caller_cannot_see_and_changes_nothing(rep, greta):
    bruno = create_user("bruno", password="pw-bruno-123!", roles=["sales_rep"])
    mine = ContactFactory(actor=bruno)
    hidden = ContactFactory(actor=rep)  # Rolf's, and Bruno shares no team with him
    meeting = new_meeting(bruno, users=[greta], contacts=[mine], assigned_user=bruno)
    api = token_client(bruno)
    url = f"/api/v1/meetings/{meeting.pk}/invitees/"
    assert api.get(url).status_code == 200
    answer = api.put(url, {"contacts": [str(mine.pk), str(hidden.pk)]}, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["errors"] == {"contacts": ["Choose records you can see."]}
    rows = MeetingInvitee.objects.filter(meeting=meeting)
    assert sorted(map(str, rows.values_list("user", "contact"))) == sorted(
        map(str, [(greta.pk, None), (None, mine.pk)])
    )
