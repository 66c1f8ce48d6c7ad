"""SuiteCRM's audit tables in Kontor's change log (step "audit") on the journey database:
every audit row of a migrated record as a change-log row with SuiteCRM's time and author, the
facts of data/README.md, the contact's journey timeline, and a second run that adds nothing.

Expectations are queried from SuiteCRM's schema or written out from data/README.md.
"""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core.models import ChangeLog
from kontor.core.records import timeline
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.suitecrm.models import MigrationRun
from kontor.suitecrm.run import migrate

pytestmark = pytest.mark.django_db

MODELS = {"leads": Lead, "contacts": Contact, "accounts": Account, "opportunities": Opportunity}
#: SuiteCRM's audited field → the change log's field, where Kontor names it otherwise
FIELDS = {
    "assigned_user_id": "assigned_user",
    "parent_id": "parent",
    "bonitaet_c": "custom.bonitaet",
    "kundennummer_c": "custom.kundennummer",
}
WEISSMUELLER_LEAD = "7455b3ec-ccf8-6014-3e91-6b15d7ddd5a1"
GROSS_LEAD = "ee3b5fdf-d2d2-681f-55cc-6b15d7419029"
GROSS_CONTACT = "8d080bb4-510c-ddf9-d334-6b15d736b920"
GROSS_ACCOUNT = "8dc10ff2-e7c7-a525-4315-6b15d735be45"
GROSS_OPPORTUNITY = "95e80eb7-7c75-700b-1dd7-6b15d70a0f69"
UTC = datetime.UTC


@pytest.fixture
def migrated(suitecrm_journey, admin):
    return migrate(suitecrm_journey, actor=admin)


def history(model, pk: str) -> list[tuple]:
    """(field, old, new, author's user name, time) of the record's migrated history, oldest
    first (the rows the record steps write carry the time of the run, after it started)."""
    rows = ChangeLog.objects.filter(
        record_type=ContentType.objects.get_for_model(model),
        record_id=uuid.UUID(pk),
        action=ChangeLog.Action.UPDATE,
        at__lt=MigrationRun.objects.earliest("started_at").started_at,
    ).order_by("at", "field", "id")
    return [
        (r.field, r.old_value, r.new_value, getattr(r.actor, "username", None), r.at) for r in rows
    ]


def test_every_audit_row_of_a_migrated_record_is_in_the_change_log(migrated, suitecrm_journey):
    for table, model in MODELS.items():
        audit = suitecrm_journey.dicts(
            f"SELECT a.parent_id, a.field_name, a.date_created, u.user_name FROM {table}_audit a "
            f"JOIN {table} r ON r.id = a.parent_id LEFT JOIN users u ON u.id = a.created_by"
        )
        assert audit, table
        expected = {}
        for row in audit:
            expected.setdefault(row["parent_id"], []).append(
                (
                    FIELDS.get(row["field_name"], row["field_name"]),
                    row["user_name"],
                    row["date_created"].replace(tzinfo=UTC),
                )
            )
        for pk, changes in expected.items():
            found = [(f, user, at) for f, _old, _new, user, at in history(model, pk)]
            assert sorted(found) == sorted(changes), (table, pk)
        assert migrated.counts[f"{table}_audit"]["created"] == len(audit)
    assert migrated.counts["cases_audit"]["skipped"] == suitecrm_journey.scalar(
        "SELECT COUNT(*) FROM cases_audit"
    )
    assert any(p.table == "cases_audit" for p in migrated.problems)


def test_the_readme_facts_of_the_audit_trail(migrated):
    at = datetime.datetime
    assert [h[:3] for h in history(Lead, WEISSMUELLER_LEAD) if h[0] == "status"] == [
        ("status", "New", "Assigned"),
        ("status", "Assigned", "In Process"),
    ]
    phones = [h for h in history(Contact, GROSS_CONTACT) if h[0] == "phone_work"]
    assert [h[1:] for h in phones] == [
        ("+49 221 4711-0", "+49 221 4711-23", "lena", at(2026, 12, 6, 21, 45, 10, tzinfo=UTC)),
        ("+49 221 4711-23", "+49 221 4711-24", "sally", at(2026, 12, 6, 21, 45, 12, tzinfo=UTC)),
    ]
    stages = [h[1:3] for h in history(Opportunity, GROSS_OPPORTUNITY) if h[0] == "sales_stage"]
    assert stages == [("Prospecting", "Qualification"), ("Qualification", "Proposal/Price Quote")]
    amounts = [h[1:3] for h in history(Opportunity, GROSS_OPPORTUNITY) if h[0] == "amount"]
    assert amounts == [("48000.00", "52500.00")]
    account = history(Account, GROSS_ACCOUNT)
    assert [h[1:3] for h in account if h[0] == "industry"] == [
        ("", "Construction"),
        ("Construction", "Manufacturing"),
    ]
    # SuiteCRM wrote the after value &amp;-encoded; the change log has the name as it is.
    assert {h[2] for h in account if h[0] == "name"} == {"Groß & Söhne Metallbau GmbH"}
    custom = [h[:3] for h in history(Lead, WEISSMUELLER_LEAD) if h[0].startswith("custom.")]
    assert custom == [
        ("custom.bonitaet", "schlecht", "mittel"),
        ("custom.kundennummer", "K-10003", "K-10003-B"),
    ]


def test_the_contacts_timeline_shows_suitecrms_history_of_its_journey(migrated, admin, client):
    contact = Contact.objects.get(pk=GROSS_CONTACT)
    events = timeline.timeline(contact, admin)
    changes = {
        (str(getattr(e.owner, "pk", contact.pk)), c["entry"].field, c["new"], e.at)
        for e in events
        if e.kind == "update"
        for c in e.changes
    }
    at = datetime.datetime
    assert (
        GROSS_CONTACT,
        "phone_work",
        "+49 221 4711-24",
        at(2026, 12, 6, 21, 45, 12, tzinfo=UTC),
    ) in changes
    # The lead the contact was converted from: its status change as SuiteCRM logged it.
    lead_status = {(field, when) for owner, field, _new, when in changes if owner == GROSS_LEAD}
    assert ("status", at(2026, 12, 6, 21, 45, tzinfo=UTC)) in lead_status
    assert {e.origin for e in events if e.kind == "update"} == {"SuiteCRM migration"}
    client.force_login(admin)
    html = client.get(contact.get_absolute_url()).content.decode()
    assert "+49 221 4711-24" in html
    assert "Geschäftsführender Gesellschafter" in html


def test_a_second_run_adds_no_history(migrated, suitecrm_journey, admin):
    before = ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE).count()
    assert not migrate(suitecrm_journey, actor=admin, modules=["audit"]).counts
    again = migrate(suitecrm_journey, actor=admin, modules=["audit"], full=True)
    total = 0
    for table in MODELS:
        rows = suitecrm_journey.scalar(f"SELECT COUNT(*) FROM {table}_audit")
        assert again.counts[f"{table}_audit"]["created"] == 0, table
        assert again.counts[f"{table}_audit"]["unchanged"] == rows, table
        total += rows
    assert total == 34  # 18 + 3 + 6 + 7 (data/README.md)
    assert ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE).count() == before


def test_damaged_audit_rows_are_reported_and_the_rest_migrates(suitecrm_damaged, admin):
    damaged = suitecrm_damaged(
        # A record that is not there, an invalid time and an author SuiteCRM no longer has.
        "INSERT INTO leads_audit (id, parent_id, date_created, created_by, field_name,"
        " data_type, before_value_string, after_value_string) VALUES"
        " ('a0000000-0000-0000-0000-000000000001', 'no-such-lead', '2026-01-02 03:04:05',"
        " '1', 'status', 'enum', 'New', 'Assigned'),"
        f" ('a0000000-0000-0000-0000-000000000002', '{WEISSMUELLER_LEAD}',"
        " '0000-00-00 00:00:00', '1', 'status', 'enum', 'New', 'Dead'),"
        f" ('a0000000-0000-0000-0000-000000000003', '{WEISSMUELLER_LEAD}',"
        " '2026-01-02 03:04:05', 'gone-user', 'title', 'varchar', 'A', 'B')",
    )
    report = migrate(damaged, actor=admin)
    problems = {(p.table, p.suitecrm_id) for p in report.problems}
    assert ("leads_audit", "a0000000-0000-0000-0000-000000000001") in problems
    assert ("leads_audit", "a0000000-0000-0000-0000-000000000002") in problems
    assert any("gone-user" in p.message for p in report.problems if p.table == "leads_audit")
    assert report.counts["leads_audit"]["skipped"] == 2
    assert "audit" not in report.failed
    titles = [h for h in history(Lead, WEISSMUELLER_LEAD) if h[0] == "title"]
    assert titles == [("title", "A", "B", None, datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))]
    assert not [h for h in history(Lead, WEISSMUELLER_LEAD) if h[2] == "Dead"]
