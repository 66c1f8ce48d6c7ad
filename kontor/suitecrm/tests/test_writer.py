"""The migration's record writer (kontor.suitecrm.writer) on its own: create, update,
unchanged, bad values reported, dropdown keys added, change log and external ids."""

import datetime
import uuid

import pytest

from kontor.core import dropdowns, events
from kontor.core.context import origin
from kontor.core.models import ChangeLog, ExternalId
from kontor.leads.models import Lead
from kontor.suitecrm.report import Report
from kontor.suitecrm.steps import Context
from kontor.suitecrm.writer import Row, write_rows

# Committed for real (events are sent after the commit); serialized_rollback restores the
# seeded rows (dropdown lists, content types) that the flush after each test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WHEN = datetime.datetime(2025, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
LEAD_ID = uuid.UUID("ee3b5fdf-d2d2-681f-55cc-6b15d7419029")


def lead_row(**values) -> Row:
    base = {
        "first_name": "Jürgen",
        "last_name": "Groß",
        "email1": "j.gross@example.de",
        "status": "New",
        "date_entered": WHEN,
        "date_modified": WHEN,
        "deleted": False,
        "deleted_at": None,
    }
    return Row(LEAD_ID, {**base, **values}, "ee3b5fdf-d2d2-681f-55cc-6b15d7419029")


@pytest.fixture
def context(admin):
    return Context(source=None, report=Report(), actor=admin)


def test_creates_then_leaves_unchanged_then_updates(context):
    heard = []
    events.listen(heard.append)
    try:
        with origin("suitecrm:7"):
            first = write_rows(context, Lead, "leads", [lead_row()])
            second = write_rows(context, Lead, "leads", [lead_row()])
        # A later run: its change is logged (in the run that created the record, a later
        # step's values complete the creation and are not).
        with origin("suitecrm:8"):
            third = write_rows(context, Lead, "leads", [lead_row(last_name="Groß-Weber")])
    finally:
        events.stop_listening(heard.append)
    assert (first.created, second.unchanged, third.updated) == ([LEAD_ID], 1, [LEAD_ID])
    lead = Lead.objects.get(pk=LEAD_ID)
    assert (lead.last_name, lead.date_entered, lead.date_modified) == ("Groß-Weber", WHEN, WHEN)
    assert "groß-weber" in lead.search_text
    assert dict(context.report.counts["leads"]) == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "skipped": 0,
    }
    log = ChangeLog.objects.filter(record_id=LEAD_ID).order_by("id")
    assert [(r.action, r.field, r.origin) for r in log] == [
        ("create", "", "suitecrm:7"),
        ("update", "last_name", "suitecrm:8"),
    ]
    external = ExternalId.objects.get(record_id=LEAD_ID)
    assert (external.source, external.external_id) == ("suitecrm", str(LEAD_ID))
    assert [(e.kind, e.ids, e.origin) for batch in heard for e in batch] == [
        ("created", [LEAD_ID], "suitecrm:7"),
        ("updated", [LEAD_ID], "suitecrm:8"),
    ]


def test_bad_values_are_reported_and_left_empty(context):
    written = write_rows(
        context,
        Lead,
        "leads",
        [lead_row(email1="not an address", first_name="x" * 300), lead_row(last_name="")],
    )
    # The second row (same id, no last name) is skipped; the first is written without the
    # bad values.
    assert (len(written.created), written.skipped) == (1, 1)
    lead = Lead.objects.get(pk=LEAD_ID)
    assert (lead.email1, lead.first_name, lead.last_name) == ("", "", "Groß")
    messages = [(p.table, p.suitecrm_id, p.message.split(":")[0]) for p in context.report.problems]
    assert messages == [
        ("leads", str(LEAD_ID), "first_name"),
        ("leads", str(LEAD_ID), "email1"),
        ("leads", str(LEAD_ID), "last_name"),
    ]


def test_unknown_dropdown_key_is_added_to_the_list(context):
    assert "Messe 2025" not in {o.key for o in dropdowns.options("lead_source_dom")}
    write_rows(context, Lead, "leads", [lead_row(lead_source="Messe 2025")])
    assert Lead.objects.get(pk=LEAD_ID).lead_source == "Messe 2025"
    assert dropdowns.label("lead_source_dom", "Messe 2025") == "Messe 2025"
    assert [p.message for p in context.report.problems] == [
        "Value “Messe 2025” added to the dropdown list lead_source_dom."
    ]


def test_soft_deleted_row_goes_to_the_trash_and_back(context):
    with origin("suitecrm:7"):
        write_rows(context, Lead, "leads", [lead_row(deleted=True, deleted_at=WHEN)])
    assert not Lead.objects.filter(pk=LEAD_ID).exists()
    assert Lead.with_deleted.get(pk=LEAD_ID).deleted_at == WHEN
    with origin("suitecrm:7"):
        write_rows(context, Lead, "leads", [lead_row()])
    assert Lead.objects.filter(pk=LEAD_ID).exists()
    actions = ChangeLog.objects.filter(record_id=LEAD_ID).order_by("id")
    assert [r.action for r in actions] == ["create", "restore"]
