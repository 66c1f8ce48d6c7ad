"""The API's timeline gives plain text: names with quotes, ampersands and angle brackets come
out as typed, while the record page still escapes them when it renders."""

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.activities.models import Call
from kontor.core.actions import save_record
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db

NAME = "O'Brien & <Sons>"


def test_timeline_texts_are_plain_and_the_page_escapes_them(api, rep, rep_client):
    lead = save_record(Lead(last_name="Lead", account_name="A<b & c"), actor=rep)
    save_record(
        Call(
            name=NAME,
            date_start="2026-11-01T10:00:00+01:00",
            duration_minutes=5,
            parent_type=ContentType.objects.get_for_model(Lead),
            parent_id=lead.pk,
        ),
        actor=rep,
    )
    lead.account_name = NAME
    save_record(lead, actor=rep)

    events = api.get(f"/api/v1/leads/{lead.pk}/timeline/").json()["events"]
    call = next(e for e in events if e["kind"] == "calls")
    assert NAME in call["text"] and "&amp;" not in call["text"]
    stored = Call.objects.get(name=NAME)
    assert (call["record_type"], call["record_id"]) == ("calls", str(stored.pk))
    assert {(e["record_type"], e["record_id"]) for e in events if e["kind"] == "update"} == {
        ("", "")
    }  # the lead's own changes
    change = next(c for e in events for c in e["changes"] if c["new"] == NAME)
    assert change["old"] == "A<b & c"

    page = rep_client.get(f"/leads/{lead.pk}/").content.decode()
    assert "O&#x27;Brien &amp; &lt;Sons&gt;" in page and NAME not in page
