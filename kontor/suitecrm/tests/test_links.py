"""Links between migrated records (step "record_links" and the accounts' member-of) on the
journey database: the journey of three converted targets, the account hierarchy, contacts'
accounts, opportunity contacts with roles, reports-to, and orphaned join rows.

Expectations are queried from SuiteCRM's schema or written out from data/README.md.
"""

import uuid

import pytest

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity, OpportunityContact
from kontor.suitecrm.run import migrate
from kontor.targets.models import Target

pytestmark = pytest.mark.django_db

STEPS = ["users", "accounts", "contacts", "targets", "leads", "opportunities", "record_links"]

#: target, lead, contact, account, opportunity of the three conversions (README)
JOURNEYS = {
    "Jürgen Groß": (
        "d8e3058d-3523-a017-2d00-6b15d7ca8bc8",
        "ee3b5fdf-d2d2-681f-55cc-6b15d7419029",
        "8d080bb4-510c-ddf9-d334-6b15d736b920",
        "8dc10ff2-e7c7-a525-4315-6b15d735be45",
        "95e80eb7-7c75-700b-1dd7-6b15d70a0f69",
    ),
    "Zoë Ærø-Łukasz": (
        "23de04ed-c8d7-4ec1-7afb-6b15d7d90256",
        "3850ec46-c240-af05-0ac9-6b15d77df533",
        "6ddf8207-7497-c4e2-435d-6b15d7e29a63",
        "ef4200ce-ce05-43bf-3ee3-6b15c9231e3b",
        "6e37331a-9613-088a-1576-6b15d78392fd",
    ),
    "Anna-Lena Krüger": (
        "447a8546-951a-e191-aa85-6b15d7db6077",
        "d8a20eac-2fb4-cba9-3a41-6b15d7fb2e9b",
        "ecf60a14-ecf5-9c67-8713-6b15d7b5a2d5",
        "ed039240-dc4c-380f-df4a-6b15d79c89fd",
        "ed7e4b2e-87de-f278-f2f6-6b15d748e982",
    ),
}
GROSS_ACCOUNT = JOURNEYS["Jürgen Groß"][3]
SERVICE_ACCOUNT = "36f0c525-21e1-d9ce-2584-6b15d78658ba"
MAX_ABSTON = "7e0e1e83-6ecd-d125-c024-6b15ca1884a9"


@pytest.fixture
def migrated(suitecrm_journey, admin):
    return migrate(suitecrm_journey, actor=admin, modules=STEPS)


def ids(values):
    return [uuid.UUID(v) if v else None for v in values]


@pytest.mark.parametrize("name", JOURNEYS)
def test_journey_links_of_the_converted_targets(migrated, name):
    target_id, lead_id, contact_id, account_id, opportunity_id = ids(JOURNEYS[name])
    target = Target.objects.get(pk=target_id)
    lead = Lead.objects.get(pk=lead_id)
    assert (target.lead_id, target.status) == (lead_id, "Converted")
    assert (lead.target_id, lead.converted, lead.status) == (target_id, True, "Converted")
    assert (lead.contact_id, lead.account_id, lead.opportunity_id) == (
        contact_id,
        account_id,
        opportunity_id,
    )
    assert f"{lead.first_name} {lead.last_name}" == name


def test_every_journey_column_is_as_in_suitecrm(migrated, suitecrm_journey):
    rows = suitecrm_journey.rows(
        "SELECT id, converted, contact_id, account_id, opportunity_id FROM leads"
    )
    leads = Lead.with_deleted.in_bulk()
    for pk, converted, contact, account, opportunity in rows:
        lead = leads[uuid.UUID(pk)]
        assert [lead.contact_id, lead.account_id, lead.opportunity_id] == ids(
            [contact, account, opportunity]
        )
        if converted:
            assert lead.converted is True
    assert suitecrm_journey.scalar("SELECT COUNT(*) FROM leads WHERE converted = 1") == 3
    pointing = dict(suitecrm_journey.rows("SELECT id, lead_id FROM prospects"))
    targets = Target.objects.in_bulk()
    for pk, lead in pointing.items():
        assert targets[uuid.UUID(pk)].lead_id == (uuid.UUID(lead) if lead else None)
    # Brigitte Hübner's lead is in the trash; her target still points to it (README).
    hubner = Target.objects.get(last_name="Hübner")
    assert Lead.with_deleted.get(pk=hubner.lead_id).deleted is True


def test_account_hierarchy(migrated, suitecrm_journey):
    parents = dict(suitecrm_journey.rows("SELECT id, parent_id FROM accounts"))
    accounts = Account.with_deleted.in_bulk()
    for pk, parent in parents.items():
        assert accounts[uuid.UUID(pk)].parent_id == (uuid.UUID(parent) if parent else None)
    service = Account.objects.get(pk=SERVICE_ACCOUNT)
    assert (service.name, service.parent.name) == (
        "Groß & Söhne Metallbau Service GmbH",
        "Groß & Söhne Metallbau GmbH",
    )
    members = Account.objects.filter(parent_id=GROSS_ACCOUNT).values_list("name", flat=True)
    assert sorted(members) == ["Groß & Söhne Metallbau Service GmbH", "Krüger Feinkost e.K."]


def test_contact_accounts_are_the_newest_live_link(migrated, suitecrm_journey):
    newest = {}
    for contact, account in suitecrm_journey.rows(
        "SELECT contact_id, account_id FROM accounts_contacts WHERE deleted = 0 "
        "ORDER BY date_modified"
    ):
        newest[contact] = account
    contacts = Contact.with_deleted.in_bulk()
    for pk, contact in contacts.items():
        expected = newest.get(str(pk))
        assert contact.account_id == (uuid.UUID(expected) if expected else None)
    assert len(newest) == suitecrm_journey.scalar(
        "SELECT COUNT(DISTINCT contact_id) FROM accounts_contacts WHERE deleted = 0"
    )


def test_opportunity_contacts_with_roles(migrated, suitecrm_journey):
    live = {
        (uuid.UUID(o), uuid.UUID(c)): role or ""
        for o, c, role in suitecrm_journey.rows(
            "SELECT opportunity_id, contact_id, contact_role FROM opportunities_contacts "
            "WHERE deleted = 0"
        )
    }
    stored = {
        (link.opportunity_id, link.contact_id): link.contact_role
        for link in OpportunityContact.objects.all()
    }
    assert stored == live
    gross = Opportunity.objects.get(pk=JOURNEYS["Jürgen Groß"][4])
    roles = {
        str(link.contact_id): link.contact_role
        for link in OpportunityContact.objects.filter(opportunity=gross)
    }
    assert gross.currency == "EUR"
    assert roles == {
        JOURNEYS["Jürgen Groß"][2]: "Primary Decision Maker",
        MAX_ABSTON: "Technical Evaluator",
    }
    assert gross.account_id == uuid.UUID(GROSS_ACCOUNT)


def test_reports_to(migrated, suitecrm_journey):
    rows = suitecrm_journey.rows("SELECT id, reports_to_id FROM contacts")
    contacts = Contact.with_deleted.in_bulk()
    for pk, boss in rows:
        assert contacts[uuid.UUID(pk)].reports_to_id == (uuid.UUID(boss) if boss else None)


def test_second_run_changes_no_link(migrated, suitecrm_journey, admin):
    again = migrate(suitecrm_journey, actor=admin, modules=STEPS, full=True)
    for table in (
        "accounts_contacts",
        "opportunities_contacts",
        "contacts.reports_to_id",
        "prospects.lead_id",
        "leads.conversion",
    ):
        assert again.counts[table]["created"] == again.counts[table]["updated"] == 0
        assert again.counts[table]["unchanged"] > 0


def test_orphaned_join_rows_are_reported(suitecrm_damaged, admin):
    source = suitecrm_damaged(
        "INSERT INTO accounts_contacts (id, contact_id, account_id, date_modified, deleted) "
        f"VALUES ('orphan-ac', '{MAX_ABSTON}', 'no-such-account', NOW(), 0)",
        "INSERT INTO opportunities_contacts (id, contact_id, opportunity_id, contact_role, "
        f"date_modified, deleted) VALUES ('orphan-oc', 'no-such-contact', "
        f"'{JOURNEYS['Jürgen Groß'][4]}', 'Influencer', NOW(), 0)",
        f"UPDATE contacts SET reports_to_id = 'gone' WHERE id = '{MAX_ABSTON}'",
    )
    report = migrate(source, actor=admin, modules=STEPS)
    problems = [(p.table, p.suitecrm_id, p.message) for p in report.problems]
    assert (
        "accounts_contacts",
        "orphan-ac",
        "Link to accounts no-such-account: no such record.",
    ) in problems
    assert (
        "opportunities_contacts",
        "orphan-oc",
        "Link to contacts no-such-contact: no such record.",
    ) in problems
    assert (
        "contacts.reports_to_id",
        MAX_ABSTON,
        "Link to contacts gone: no such record.",
    ) in problems
    abston = Contact.objects.get(pk=MAX_ABSTON)
    expected = source.scalar(
        "SELECT account_id FROM accounts_contacts WHERE contact_id = %s AND deleted = 0 "
        "AND id <> 'orphan-ac'",
        [MAX_ABSTON],
    )
    assert (abston.account_id, abston.reports_to_id) == (uuid.UUID(expected), None)
    assert OpportunityContact.objects.filter(opportunity_id=JOURNEYS["Jürgen Groß"][4]).count() == 2


def test_a_member_of_loop_is_refused(suitecrm_damaged, admin):
    # Groß becomes a member of its own member "Service GmbH": SuiteCRM stores the loop.
    source = suitecrm_damaged(
        f"UPDATE accounts SET parent_id = '{SERVICE_ACCOUNT}' WHERE id = '{GROSS_ACCOUNT}'"
    )
    report = migrate(source, actor=admin, modules=STEPS)
    loops = [(p.suitecrm_id, p.message) for p in report.problems if "loop" in p.message]
    assert loops == [
        (GROSS_ACCOUNT, f"Member of: account {SERVICE_ACCOUNT} would close a loop; left empty.")
    ]
    assert Account.objects.get(pk=GROSS_ACCOUNT).parent_id is None
    assert Account.objects.get(pk=SERVICE_ACCOUNT).parent_id == uuid.UUID(GROSS_ACCOUNT)
    again = migrate(source, actor=admin, modules=STEPS, full=True)
    assert [p.suitecrm_id for p in again.problems if "loop" in p.message] == [GROSS_ACCOUNT]
    assert again.counts["accounts"]["updated"] == 0
