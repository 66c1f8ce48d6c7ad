"""Calls, meetings, tasks, notes and invitees migrated from the journey database.

Expectations are counted by queries against SuiteCRM's schema or written out from the dump's
README (data/README.md), never read from the migrator.
"""

import uuid

import pytest

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
