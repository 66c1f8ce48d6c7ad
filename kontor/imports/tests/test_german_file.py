"""The German Excel lead list (Windows-1252, ';', German numbers and dates) end to end."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from kontor.core.models import ChangeLog
from kontor.imports import actions
from kontor.imports.models import ImportRow
from kontor.imports.tests.helpers import run, upload
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db

BAD_ROWS = {17, 42, 77, 100, 134, 171}


@pytest.fixture
def batch(admin):
    return actions.create_batch(upload("leads-de-semicolon.csv"), model=Lead, actor=admin)


def test_detects_format_and_maps_every_column(batch):
    assert batch.source == {"kind": "csv", "encoding": "cp1252", "delimiter": ";"}
    assert batch.headers[5] == "Straße"
    fields = [c["field"] for c in batch.options["columns"]]
    assert fields == [
        "first_name",
        "last_name",
        "account_name",
        "email1",
        "phone_work",
        "primary_address_street",
        "primary_address_postalcode",
        "primary_address_city",
        "opportunity_amount",
        "date_entered",
    ]
    assert batch.options["number_format"] == "de"


def test_dry_run_lists_the_bad_rows_and_the_duplicate_and_writes_nothing(batch, admin):
    plans, more = actions.preview(batch, actor=admin)

    assert not more and len(plans) == 200
    failed = {p.row: p.message for p in plans if p.outcome == "failed"}
    assert set(failed) == BAD_ROWS
    assert "valid email" in failed[17] and "valid email" in failed[134]
    assert "cannot be blank" in failed[42]
    assert "31.02.2025" in failed[77]
    assert "formula" in failed[100]
    assert "12,500.50" in failed[171]
    duplicates = {p.row: p.message for p in plans if p.outcome == "duplicate"}
    assert duplicates == {151: "Duplicate of row 1 (same e-mail)."}
    edge = next(p for p in plans if p.row == 4)
    assert edge.outcome == "create" and edge.data["opportunity_amount"] == Decimal("3400.00")
    assert Lead.objects.count() == 0 and ChangeLog.objects.count() == 0


def test_import_writes_the_valid_rows_and_reports_every_bad_one(batch, admin):
    batch = run(batch, actor=admin)

    assert batch.status == "done"
    assert (batch.created_count, batch.failed_count, batch.duplicate_count) == (193, 6, 1)
    assert batch.rows_total == 200 and batch.rows_done == 200
    assert Lead.objects.count() == 193
    juergen = Lead.objects.get(email1="juergen.mueller@mueller-bau.example")
    assert (juergen.first_name, juergen.account_name) == ("Jürgen", "Müller Bau GmbH")
    assert juergen.opportunity_amount == Decimal("12500.50")
    assert timezone.localtime(juergen.date_entered).date() == date(2025, 12, 24)
    assert juergen.primary_address_postalcode == "50672"
    assert juergen.created_by == admin and juergen.assigned_user == admin
    assert "jürgen" in juergen.search_text and juergen.phone_work_e164 == "+49221471123"
    assert Lead.objects.filter(primary_address_postalcode__startswith="0").count() >= 30
    failed = ImportRow.objects.filter(batch=batch, outcome="failed").order_by("row")
    assert [r.row for r in failed] == sorted(BAD_ROWS)
    assert failed[0].values[3] == "aylin.wagner(at)wagner-immobilien.example"
    logs = ChangeLog.objects.filter(record_id=juergen.pk)
    assert [(c.action, c.origin) for c in logs] == [("create", batch.origin)]
