"""The timeline's events as rows, not model instances, and the card's HTML built from them
(kontor.core.records.timeline_changes.Entry, timeline_activities.Activity, timeline_rows): what
a reader sees stays as it was, text anyone typed is escaped, and the API's activity record is
built only when read."""

from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone, translation

from kontor.activities.models import Call
from kontor.activities.tests.factories import CallFactory, TaskFactory
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.core.records.timeline import planned_and_history
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import create_user

HOSTILE = '<script>alert("x")</script> & Co'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def lead(rep):
    """Lena Berg: a call held yesterday, a task due tomorrow, her surname changed once."""
    lead = LeadFactory(first_name="Lena", last_name="Berg", actor=rep)
    CallFactory(
        name="Rückruf",
        parent=lead,
        status="Held",
        date_start=timezone.now() - timedelta(days=1),
        actor=rep,
    )
    TaskFactory(name="Angebot schreiben", parent=lead, contact=None, actor=rep)
    lead.last_name = "Berg-Ost"
    save_record(lead, actor=rep)
    return lead


def test_events_hold_rows_and_build_the_activity_record_only_when_read(
    rep, lead, django_assert_num_queries
):
    planned, history = planned_and_history(lead, rep)
    call = next(e for e in history if e.kind == "calls")
    change = next(e for e in history if e.kind == "update")
    assert not isinstance(call.activity, models.Model)
    assert not any(isinstance(entry, ChangeLog) for e in history for entry in e.entries)
    assert (call.actor, change.actor, planned[0].actor) == ("Rolf Rep",) * 3
    assert change.entries[0].get_action_display() == "Changed"
    assert [(c["label"], c["old"], c["new"]) for c in change.changes] == [
        ("Last name", "Berg", "Berg-Ost")
    ]
    with django_assert_num_queries(0):  # what the row holds is all the record needs
        record = call.record
        assert isinstance(record, Call) and record.name == "Rückruf"
        assert (record.status, record.is_open) == ("Held", False)
        assert record.assigned_user.get_full_name() == "Rolf Rep"
        assert str(record.parent_id) == str(lead.pk)
    assert call.record is record  # built once
    assert change.record is None  # a change-log event has no activity


def test_the_card_escapes_what_people_typed(rep_client, rep, lead):
    odd = create_user(
        "odd", password="pw-odd-123!", first_name="<b>Odd</b>", roles=["sales_manager"]
    )
    CallFactory(
        name=HOSTILE,
        parent=lead,
        status="Held",
        date_start=timezone.now() - timedelta(hours=2),
        actor=odd,
    )
    TaskFactory(name=HOSTILE, parent=lead, contact=None, actor=rep)  # due later: planned
    lead.last_name = HOSTILE
    save_record(lead, actor=odd)
    page = rep_client.get(f"/leads/{lead.pk}/timeline/").content.decode()
    planned = page[page.index('id="timeline-planned"') : page.index('id="timeline"')]
    history = page[page.index('id="timeline"') :]
    assert "<script>" not in page and "<b>Odd" not in page
    assert "Task: <a href=" in planned and f">{ESCAPED}</a>" in planned
    assert f">{ESCAPED}</a>" in history  # the held call's link
    assert f"<del>Berg-Ost</del> → {ESCAPED}" in history  # the changed surname
    assert "· &lt;b&gt;Odd&lt;/b&gt;</div>" in history  # who did it
