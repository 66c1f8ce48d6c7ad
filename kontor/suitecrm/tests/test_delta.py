"""A second migration run brings only what SuiteCRM changed since the last one (the cutover's
delta run): changed and new rows, e-mail addresses, links and history; a record edited in both
systems keeps Kontor's edit and is listed; `--since` and `--full` choose what is read."""

import datetime
import uuid
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.suitecrm.delta import MARGIN, Window, windows
from kontor.suitecrm.models import MigrationRun
from kontor.suitecrm.report import Report
from kontor.suitecrm.run import migrate

pytestmark = pytest.mark.django_db

STEPS = ["users", "accounts", "contacts", "leads", "record_links", "audit"]
GROSS_LEAD = "ee3b5fdf-d2d2-681f-55cc-6b15d7419029"
WEISSMUELLER_LEAD = "7455b3ec-ccf8-6014-3e91-6b15d7ddd5a1"
GROSS_CONTACT = "8d080bb4-510c-ddf9-d334-6b15d736b920"
SERVICE_ACCOUNT = "36f0c525-21e1-d9ce-2584-6b15d78658ba"
UTC = datetime.UTC
CONFLICT = "Changed in SuiteCRM and in Kontor since the last run; Kontor's edit kept."


def test_a_delta_run_brings_addresses_links_and_history_changed_since(suitecrm_damaged, admin):
    source = suitecrm_damaged()
    migrate(source, actor=admin, modules=STEPS)
    history = ChangeLog.objects.filter(record_id=GROSS_LEAD, action="update").count()
    # In SuiteCRM: the contact's primary address is corrected (a row of its own, the contact's
    # row keeps its date), the contact moves to another account, a lead field is audited.
    source.execute(
        "UPDATE email_addresses a JOIN email_addr_bean_rel r ON r.email_address_id = a.id"
        " SET a.email_address = 'juergen.gross@neu.example', a.email_address_caps ="
        " 'JUERGEN.GROSS@NEU.EXAMPLE', a.date_modified = UTC_TIMESTAMP()"
        f" WHERE r.bean_id = '{GROSS_CONTACT}' AND r.primary_address = 1 AND r.deleted = 0",
        "UPDATE accounts_contacts SET deleted = 1, date_modified = UTC_TIMESTAMP()"
        f" WHERE contact_id = '{GROSS_CONTACT}'",
        "INSERT INTO accounts_contacts (id, contact_id, account_id, date_modified, deleted)"
        f" VALUES (UUID(), '{GROSS_CONTACT}', '{SERVICE_ACCOUNT}', UTC_TIMESTAMP(), 0)",
        "INSERT INTO leads_audit (id, parent_id, date_created, created_by, field_name,"
        " data_type, before_value_string, after_value_string)"
        f" VALUES (UUID(), '{GROSS_LEAD}', UTC_TIMESTAMP(), '1', 'title', 'varchar',"
        " 'Inhaber', 'Geschäftsführer')",
    )
    report = migrate(source, actor=admin, modules=STEPS)
    contact = Contact.objects.get(pk=GROSS_CONTACT)
    assert (contact.email1, contact.account_id) == (
        "juergen.gross@neu.example",
        uuid.UUID(SERVICE_ACCOUNT),
    )
    # SuiteCRM's address row is shared: the lead and account using it have the new address.
    assert Lead.objects.get(pk=GROSS_LEAD).email1 == "juergen.gross@neu.example"
    # Only the changed rows were read: the records of the address, the contact's links, one
    # audit row.
    assert {table: +counts for table, counts in report.counts.items()} == {
        "users": Counter(unchanged=9),  # read whole, merged field by field
        "accounts": Counter(updated=1),
        "contacts": Counter(updated=1),
        "leads": Counter(updated=1),
        "accounts_contacts": Counter(updated=1),
        "leads_audit": Counter(created=1),
    }
    added = ChangeLog.objects.filter(record_id=GROSS_LEAD, action="update").order_by("id")[history:]
    assert sorted((r.field, r.new_value) for r in added) == [
        ("email1", "juergen.gross@neu.example"),
        ("title", "Geschäftsführer"),
    ]


def test_an_edit_on_both_sides_keeps_kontors_and_is_listed(suitecrm_damaged, admin):
    source = suitecrm_damaged()
    migrate(source, actor=admin, modules=STEPS)
    for pk, title in ((GROSS_LEAD, "Inhaber (Kontor)"), (WEISSMUELLER_LEAD, "Einkauf (Kontor)")):
        lead = Lead.objects.get(pk=pk)
        lead.title = title
        save_record(lead, actor=admin)
    # Dated a minute ahead: newer than the watermark of every run below, whichever second
    # they start in (SuiteCRM's dates have whole seconds; with "now" the full run's verdict
    # depended on the edit and the next run starting within the same second).
    source.execute(
        "UPDATE leads SET title = 'Inhaber (SuiteCRM)',"
        " date_modified = UTC_TIMESTAMP() + INTERVAL 1 MINUTE"
        f" WHERE id = '{GROSS_LEAD}'"
    )
    report = migrate(source, actor=admin, modules=["leads"])
    assert [(p.suitecrm_id, p.message) for p in report.problems] == [(GROSS_LEAD, CONFLICT)]
    assert Lead.objects.get(pk=GROSS_LEAD).title == "Inhaber (Kontor)"
    # A full run reads every lead again: the one edited only in Kontor is no conflict (its
    # SuiteCRM date is older than the last run), the other one still is.
    full = migrate(source, actor=admin, modules=["leads"], full=True)
    assert [p.suitecrm_id for p in full.problems if p.message == CONFLICT] == [GROSS_LEAD]
    assert Lead.objects.get(pk=WEISSMUELLER_LEAD).title == "Einkauf (Kontor)"


def test_migrated_records_are_created_when_and_by_whom_suitecrm_says(suitecrm_journey, admin):
    migrate(suitecrm_journey, actor=admin)
    run = MigrationRun.objects.get()
    created = ChangeLog.objects.get(record_id=GROSS_LEAD, action="create")
    row = suitecrm_journey.dicts(
        "SELECT l.date_entered, u.user_name FROM leads l JOIN users u ON u.id = l.created_by"
        f" WHERE l.id = '{GROSS_LEAD}'"
    )[0]
    assert created.at == row["date_entered"].replace(tzinfo=UTC)
    assert created.actor.username == row["user_name"]
    assert created.origin == f"suitecrm:{run.pk}"
    # What later steps filled in (conversion links, custom values) completes the creation:
    # the timelines show SuiteCRM's history only, none of it dated the day of the migration.
    for pk in (GROSS_LEAD, GROSS_CONTACT):
        history = ChangeLog.objects.filter(record_id=pk).exclude(action="create")
        assert history.exists()
        assert not history.filter(at__gte=run.started_at).exists(), pk


def test_windows_follow_the_last_finished_step(db):
    clock = datetime.datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    later = clock + datetime.timedelta(days=3)
    MigrationRun.objects.create(
        source="db:3306/crm",
        source_clock=clock,
        watermarks={"leads": clock.isoformat()},
        started_at=clock,
    )
    # A later run that was killed while migrating the leads: it finished the users only.
    MigrationRun.objects.create(
        source="db:3306/crm",
        source_clock=later,
        watermarks={"users": later.isoformat()},
        started_at=later,
    )
    found = windows("db:3306/crm", ["users", "leads", "audit"])
    assert found["users"] == Window(since=later - MARGIN, baseline=later)
    assert found["leads"] == Window(since=clock - MARGIN, baseline=clock)
    # A step no run finished is read in full; changes count from the newest run.
    assert found["audit"] == Window(since=None, baseline=later)
    assert windows("other:3306/crm", ["leads"])["leads"] == Window()
    assert windows("db:3306/crm", ["leads"], full=True)["leads"].since is None
    assert windows("db:3306/crm", ["leads"], since=clock)["leads"].since == clock


def test_the_command_takes_since_and_full(suitecrm_damaged, admin, capsys):
    source = suitecrm_damaged()
    call_command("migrate_suitecrm", "--from", str(source), "--modules", "users", "leads")
    call_command(
        "migrate_suitecrm", "--from", str(source), "--modules", "leads", "--since", "2000-01-01"
    )
    out = capsys.readouterr().out
    assert "Only what SuiteCRM changed since 2000-01-01 00:00 UTC: leads." in out
    total = source.scalar("SELECT COUNT(*) FROM leads")
    counted = [line.split() for line in out.splitlines() if line.startswith("leads ")]
    line = [words for words in counted if words[1][0].isdigit()][-1]
    assert line == ["leads", "0", "0", f"{total:,}", "0"]
    with pytest.raises(CommandError, match="is no date"):
        call_command("migrate_suitecrm", "--from", str(source), "--since", "gestern")
    with pytest.raises(CommandError, match="not allowed with"):
        call_command("migrate_suitecrm", "--from", str(source), "--since", "2026-01-01", "--full")
    assert MigrationRun.objects.count() == 2


def test_the_report_reads_in_german():
    report = Report()
    report.note("Nur was sich geändert hat.")
    report.count("leads", "skipped", 2)
    with translation.override("de"):
        lines = report.lines()
    assert lines[0] == "Nur was sich geändert hat."
    assert lines[2].split() == [
        "Tabelle",
        "angelegt",
        "aktualisiert",
        "unverändert",
        "übersprungen",
    ]
    assert lines[3].split() == ["leads", "0", "0", "0", "2"]
