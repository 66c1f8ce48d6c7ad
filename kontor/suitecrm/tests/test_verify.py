"""`kontor migrate-suitecrm --verify` after a migration of the journey database: no difference
after a full run; a lead deleted for good and a renamed contact in Kontor are named, with exit
status 1.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.utils.translation import override

from kontor.contacts.models import Contact
from kontor.leads.models import Lead
from kontor.suitecrm.run import migrate
from kontor.suitecrm.verify import Verification, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def migrated(admin, suitecrm_journey, suitecrm_uploads):
    report = migrate(suitecrm_journey, actor=admin, uploads=str(suitecrm_uploads))
    assert report.failed == []
    return suitecrm_journey


def run_verify(url, *options) -> tuple[str, int]:
    """The command's output and exit status."""
    out = StringIO()
    try:
        call_command("migrate_suitecrm", "--from", url, "--verify", *options, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_a_full_migration_verifies_without_difference(migrated):
    result = verify(migrated, sample=1000)

    assert result.differences == []
    counted = {what: (sc, k) for what, sc, k in result.counts}
    live_leads = migrated.scalar("SELECT COUNT(*) FROM leads WHERE deleted = 0")
    trashed_contacts = migrated.scalar("SELECT COUNT(*) FROM contacts WHERE deleted = 1")
    assert counted["leads (live)"] == (live_leads, live_leads)
    assert counted["contacts (trash)"] == (trashed_contacts, trashed_contacts)
    assert counted["oauth2clients"] == (2, 2)
    # Nine users can sign in (README: seven demo users, jonas and lena).
    assert counted["users"] == (9, 9)
    links = migrated.scalar(
        "SELECT COUNT(*) FROM (SELECT DISTINCT opportunity_id, contact_id "
        "FROM opportunities_contacts WHERE deleted = 0) p"
    )
    assert counted["opportunities_contacts"] == (links, links)
    # Every record of the journey database (under 1,000 per table) was compared.
    assert result.sampled == sum(
        migrated.scalar(f"SELECT COUNT(*) FROM {table}")
        for table in (
            "accounts",
            "contacts",
            "prospects",
            "leads",
            "opportunities",
            "calls",
            "meetings",
            "tasks",
            "notes",
        )
    )
    output, status = run_verify(migrated)
    assert status == 0
    assert "No differences." in output


def test_a_lead_deleted_in_kontor_and_a_renamed_contact_are_named(migrated):
    lead_id, contact_id = migrated.rows(
        "SELECT l.id, c.id FROM leads l, contacts c WHERE l.deleted = 0 AND c.deleted = 0 "
        "AND l.converted = 0 ORDER BY l.id, c.id LIMIT 1"
    )[0]
    last_name = migrated.scalar("SELECT last_name FROM contacts WHERE id = %s", (contact_id,))
    QuerySet.delete(Lead.with_deleted.filter(pk=lead_id))  # for good, not to the trash
    Contact.objects.filter(pk=contact_id).update(last_name="Umbenannt")

    result = verify(migrated, sample=1000)

    live = migrated.scalar("SELECT COUNT(*) FROM leads WHERE deleted = 0")
    assert f"leads (live): SuiteCRM {live:,}, Kontor {live - 1:,}" in result.differences
    assert f"leads {lead_id}: not in Kontor" in result.differences
    assert (
        f"contacts {contact_id} last_name: SuiteCRM {last_name!r}, Kontor 'Umbenannt'"
        in result.differences
    )
    output, status = run_verify(migrated, "--sample", "1000")
    assert status == 1
    assert f"leads (live): SuiteCRM {live:,}, Kontor {live - 1:,}" in output
    assert f"contacts {contact_id} last_name: SuiteCRM {last_name!r}" in output


def test_the_demo_database_verifies_without_difference_ids_like_seed_included(admin, suitecrm_demo):
    migrate(suitecrm_demo, actor=admin)

    result = verify(suitecrm_demo, sample=5000)

    assert result.differences == []
    seeded = suitecrm_demo.scalar("SELECT COUNT(*) FROM users WHERE id LIKE 'seed%%'")
    assert seeded > 0
    assert ("users", seeded + 1, seeded + 1) in result.counts  # and the admin "1"


def test_the_verification_is_printed_in_the_administrators_language():
    result = Verification(sampled=1)
    result.compare("leads (live)", 2, 1)
    result.compare("users", 3, 3)

    with override("de"):
        lines = result.lines()

    assert lines[-3:] == [
        "1 Stichproben-Datensatz Feld für Feld verglichen.",
        "1 Abweichung:",
        "  leads (live): SuiteCRM 2, Kontor 1",
    ]
    with override("de"):
        assert Verification().lines()[-2:] == [
            "0 Stichproben-Datensätze Feld für Feld verglichen.",
            "Keine Abweichungen.",
        ]


def test_a_failing_suitecrm_query_is_a_message_not_a_traceback(admin, suitecrm_damaged):
    # SuiteCRM without the column the sample compares: the query fails on the SuiteCRM side.
    suitecrm = suitecrm_damaged("ALTER TABLE notes DROP COLUMN date_modified")

    with pytest.raises(CommandError) as raised:
        call_command("migrate_suitecrm", "--from", suitecrm, "--verify", stdout=StringIO())

    assert str(raised.value).startswith("Cannot read the SuiteCRM database: ")
    assert "date_modified" in str(raised.value)
