"""Create and update: matching on e-mail, external id and Kontor id, overwrite and fill-empty
rules, relate columns, and that only records the user may edit are touched."""

from decimal import Decimal

import pytest

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog, ExternalId
from kontor.imports import actions
from kontor.imports.models import ImportRow
from kontor.imports.tests.helpers import run, upload
from kontor.leads.models import Lead
from kontor.targets.models import Target
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db


def csv_upload(text: str):
    return upload("list.csv", text.encode("utf-8"))


def lead(actor, **fields):
    return save_record(Lead(**fields), actor=actor)


def batch_for(text, model, actor, **options):
    batch = actions.create_batch(csv_upload(text), model=model, actor=actor)
    if options:
        actions.configure(batch, {**batch.options, **options}, actor=actor)
    return batch


def test_update_by_email_overwrites_or_fills_per_column(admin):
    anna = lead(
        admin,
        first_name="Anna",
        last_name="Alt",
        email1="anna@firma.example",
        phone_work="",
        department="Einkauf",
    )
    text = (
        "Email,Last Name,Office Phone,Department\n"
        "ANNA@firma.example,Neu,+49 30 123456,Vertrieb\n"
        "bert@firma.example,Bert,,\n"
    )
    batch = batch_for(text, Lead, admin, mode="update")
    columns = batch.options["columns"]
    columns[3]["rule"] = "fill"  # department only where empty
    actions.configure(batch, {**batch.options, "columns": columns}, actor=admin)

    batch = run(batch, actor=admin)

    anna.refresh_from_db()
    assert (batch.created_count, batch.updated_count) == (1, 1)
    assert (anna.last_name, anna.phone_work, anna.department) == ("Neu", "+49 30 123456", "Einkauf")
    assert anna.phone_work_e164 == "+4930123456" and "neu" in anna.search_text
    logs = ChangeLog.objects.filter(record_id=anna.pk, action="update", origin=batch.origin)
    assert {(c.field, c.old_value, c.new_value) for c in logs} == {
        ("last_name", "Alt", "Neu"),
        ("phone_work", "", "+49 30 123456"),
    }
    assert ImportRow.objects.get(batch=batch, outcome="updated").record_id == anna.pk


def test_create_only_skips_rows_that_exist_and_rows_repeated_in_the_file(admin):
    lead(admin, last_name="Alt", email1="anna@firma.example")
    text = (
        "Email,Last Name\nanna@firma.example,Neu\nbert@firma.example,Bert\n"
        "Bert@Firma.example,Bert again\n"
    )
    plans, _more = actions.preview(batch_for(text, Lead, admin), actor=admin)
    assert [(p.outcome, p.message) for p in plans] == [
        ("duplicate", "Already exists: Alt."),
        ("create", ""),
        ("duplicate", "Duplicate of row 2 (same e-mail)."),
    ]


def test_an_unchanged_row_writes_nothing(admin):
    anna = lead(admin, last_name="Alt", email1="anna@firma.example")
    before = ChangeLog.objects.count()
    batch = run(
        batch_for("Email,Last Name\nanna@firma.example,Alt\n", Lead, admin, mode="update"),
        actor=admin,
    )
    assert (batch.unchanged_count, batch.updated_count) == (1, 0)
    assert ChangeLog.objects.count() == before
    assert Lead.objects.get().date_modified == anna.date_modified


def test_external_id_is_remembered_and_matched_by_the_next_import(admin):
    first = run(batch_for("ID,Last Name\nsugar-1,Erst\n", Lead, admin), actor=admin)
    created = Lead.objects.get()
    link = ExternalId.objects.get(external_id="sugar-1")
    assert (link.record_id, link.source, link.origin) == (created.pk, "import", first.origin)
    second = run(
        batch_for(
            "ID,Last Name\nsugar-1,Zweit\nsugar-2,Neu\n",
            Lead,
            admin,
            mode="update",
            match="external",
        ),
        actor=admin,
    )
    created.refresh_from_db()
    assert created.last_name == "Zweit" and first.created_count == 1
    assert (second.updated_count, second.created_count) == (1, 1)


def test_matching_on_the_kontor_id(admin):
    anna = lead(admin, last_name="Alt")
    text = f"Kontor,Last Name\n{anna.pk},Neu\n00000000-0000-0000-0000-000000000001,X\nkaputt,Y\n"
    batch = batch_for(text, Lead, admin)
    columns = batch.options["columns"]
    columns[0]["field"] = "__external_id__"
    batch = run(batch, actor=admin, columns=columns, mode="update", match="id")
    anna.refresh_from_db()
    assert anna.last_name == "Neu" and batch.updated_count == 1
    messages = dict(
        ImportRow.objects.filter(batch=batch, outcome="failed").values_list("row", "message")
    )
    assert "No record with this id" in messages[2] and "not a Kontor id" in messages[3]


def test_records_the_user_may_not_edit_are_never_updated(admin):
    # Lena may import and edit only her team's targets; Ada's target is out of her reach.
    lena = create_user("lena", password="pw-lena-123!", roles=["external_lead_generation"])
    theirs = save_record(Target(last_name="Fremd", email1="x@firma.example"), actor=admin)
    batch = run(
        batch_for("Email,Last Name\nx@firma.example,Gekapert\n", Target, lena, mode="update"),
        actor=lena,
    )
    theirs.refresh_from_db()
    assert theirs.last_name == "Fremd"
    assert batch.updated_count == 0 and batch.created_count == 1


def test_account_names_link_existing_accounts_and_create_missing_ones_once(admin):
    mueller = save_record(Account(name="Müller Bau GmbH"), actor=admin)
    text = (
        "Last Name,Account Name\nEins,Müller Bau GmbH\nZwei,Mueller Bau GmbH\n"
        "Drei,Neue Firma AG\nVier,Neue Firma AG\n"
    )
    refused = batch_for(text, Contact, admin)
    plans, _more = actions.preview(refused, actor=admin)
    assert [p.outcome for p in plans] == ["create", "create", "failed", "failed"]
    assert "Neue Firma AG" in plans[2].message

    batch = run(batch_for(text, Contact, admin, create_missing=True), actor=admin)

    contacts = {c.last_name: c.account for c in Contact.objects.select_related("account")}
    assert contacts["Eins"] == contacts["Zwei"] == mueller
    assert contacts["Drei"] == contacts["Vier"] and contacts["Drei"].name == "Neue Firma AG"
    assert Account.objects.count() == 2 and batch.related_created_count == 1


def test_custom_fields_are_mapped_by_label_parsed_in_the_files_format_and_updated(admin):
    from kontor.core import registry
    from kontor.studio.actions.fields import create_custom_field

    create_custom_field(
        registry.get("leads"),
        name="budget",
        label_en="Budget",
        label_de="Budget",
        field_type="decimal",
        actor=admin,
    )
    anna = lead(admin, last_name="Alt", email1="anna@firma.example")
    text = (
        "E-Mail;Nachname;Budget\nanna@firma.example;Alt;12.500,50\nbert@firma.example;Bert;viel\n"
    )
    batch = batch_for(text, Lead, admin, mode="update")
    assert batch.options["columns"][2]["field"] == "custom:budget"

    batch = run(batch, actor=admin)

    anna.refresh_from_db()
    assert Decimal(anna.custom["budget"]) == Decimal("12500.50") and batch.updated_count == 1
    message = ImportRow.objects.get(batch=batch, outcome="failed").message
    assert message.startswith("Budget:") and "viel" in message


def test_created_records_join_the_importing_users_teams(admin):
    from kontor.users.models import Team

    north = Team.objects.create(name="Nord")
    nina = create_user("nina", password="pw-nina-123!", roles=["sales_manager"], teams=[north])
    run(
        batch_for(
            "Last Name,Account Name\nEins,Neue Firma AG\n", Contact, nina, create_missing=True
        ),
        actor=nina,
    )
    assert list(Contact.objects.get().teams.all()) == [north]
    assert list(Account.objects.get().teams.all()) == [north]


def test_ragged_rows_and_unknown_dropdown_values_are_row_errors(admin):
    text = "Last Name,Status\nEins,In Process\nZwei\nDrei,Gibt es nicht\nVier,New,überzählig\n"
    plans, _more = actions.preview(batch_for(text, Lead, admin), actor=admin)
    assert [p.outcome for p in plans] == ["create", "create", "failed", "failed"]
    assert plans[0].data["status"] == "In Process"
    assert plans[2].message == "Status: “Gibt es nicht” is not a valid choice."
    assert "more cells (3) than the header has columns (2)" in plans[3].message


def test_an_excel_file_imports_with_its_typed_cells(admin):
    import io
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nachname", "E-Mail", "Betrag der Verkaufschance", "Erstellt am"])
    book.active.append(["Excel", "excel@firma.example", 1250.5, datetime(2025, 3, 1, 9, 30)])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = actions.create_batch(upload("liste.xlsx", buffer.getvalue()), model=Lead, actor=admin)
    assert batch.source["kind"] == "xlsx"
    batch = run(batch, actor=admin)
    created = Lead.objects.get()
    assert batch.created_count == 1 and created.opportunity_amount == Decimal("1250.50")
    assert (created.date_entered.year, created.date_entered.month) == (2025, 3)


def test_an_import_matches_the_external_ids_the_api_linked(admin):
    """One table of external ids: a shop's customer number sent through the API upsert is
    found by an import naming the same source system, and not by one naming another."""
    from kontor.api.upsert import upsert

    shop_lead = upsert(
        Lead, {"last_name": "Kunde"}, actor=admin, source="shop", external_id="C-7"
    ).record
    other = run(
        batch_for("ID,Last Name\nC-7,Fremd\n", Lead, admin, mode="update", match="external"),
        actor=admin,
    )
    assert (other.created_count, other.updated_count) == (1, 0)
    batch = batch_for(
        "ID,Last Name\nC-7,Kundin\n",
        Lead,
        admin,
        mode="update",
        match="external",
        external_source="shop",
    )
    same = run(batch, actor=admin)
    shop_lead.refresh_from_db()
    assert (same.updated_count, same.created_count, shop_lead.last_name) == (1, 0, "Kundin")
    assert ExternalId.objects.filter(external_id="C-7").count() == 2  # shop and import
