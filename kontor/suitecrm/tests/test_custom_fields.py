"""SuiteCRM's Studio fields and their values (steps "custom_fields" and "custom_values") on
the journey database: the seven fields with their types and lists, every value of leads_cstm
and accounts_cstm, the lead pages, a second run, a key Kontor's list lacks and an edit made in
Kontor.

Expectations are queried from SuiteCRM's schema or written out from data/README.md.
"""

import uuid
from decimal import Decimal

import pytest

from kontor.accounts.models import Account
from kontor.core import preferences, registry
from kontor.core.actions import save_record
from kontor.core.dropdown_models import DropdownList, DropdownValue
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.studio.models import CustomField
from kontor.suitecrm.run import migrate

pytestmark = pytest.mark.django_db

#: The journey's Studio fields (data/README.md) → Kontor name, type, list
FIELDS = {
    "leads.lead": {
        "kundennummer": ("text", ""),
        "bonitaet": ("dropdown", "bonitaet_list"),
        "erstkontakt": ("date", ""),
        "umsatzpotenzial": ("decimal", ""),
        "newsletter": ("boolean", ""),
    },
    "accounts.account": {
        "branchen_tags": ("multiselect", "branchen_tags_list"),
        "mitarbeiter_de": ("integer", ""),
    },
}
GROSS_ACCOUNT = "8dc10ff2-e7c7-a525-4315-6b15d735be45"
WEISSMUELLER_LEAD = "7455b3ec-ccf8-6014-3e91-6b15d7ddd5a1"
ACUFF_LEAD = "f0c468ad-1628-49b1-2b8a-6b15caab41d8"


@pytest.fixture
def migrated(suitecrm_journey, admin):
    return migrate(suitecrm_journey, actor=admin)


def keys_in(suitecrm, table: str, column: str) -> set[str]:
    values = suitecrm.rows(f"SELECT {column} FROM {table} WHERE {column} <> ''")
    return {key.strip("^") for (value,) in values for key in value.split(",")}


def test_the_seven_studio_fields_with_their_types_and_lists(migrated, suitecrm_journey):
    found = {}
    for field in CustomField.objects.all():
        found.setdefault(field.model_label, {})[field.name] = (field.field_type, field.dropdown)
    assert found == FIELDS
    assert suitecrm_journey.scalar(
        "SELECT COUNT(*) FROM fields_meta_data WHERE deleted = 0 AND name NOT LIKE 'jjwg%%'"
    ) == sum(len(fields) for fields in FIELDS.values())
    # Lists of the keys SuiteCRM's records use, each labelled with its key.
    for name, table, column in (
        ("bonitaet_list", "leads_cstm", "bonitaet_c"),
        ("branchen_tags_list", "accounts_cstm", "branchen_tags_c"),
    ):
        values = DropdownList.objects.get(name=name).values.all()
        assert {v.key for v in values} == keys_in(suitecrm_journey, table, column)
        assert all(v.label_en == v.label_de == v.key for v in values)
    problems = {(p.table, p.suitecrm_id): p.message for p in migrated.problems}
    assert "jjwg_maps_lat_c" in problems[("fields_meta_data", "leads_cstm")]


def test_every_custom_value_as_suitecrm_has_it(migrated, suitecrm_journey):
    leads = suitecrm_journey.dicts(
        "SELECT id_c, kundennummer_c, bonitaet_c, erstkontakt_c, umsatzpotenzial_c, newsletter_c"
        " FROM leads_cstm"
    )
    assert len(leads) == 9
    for row in leads:
        custom = Lead.with_deleted.get(pk=row["id_c"]).custom
        assert custom.get("kundennummer") == (row["kundennummer_c"] or None)
        assert custom.get("bonitaet") == (row["bonitaet_c"] or None)
        erstkontakt = row["erstkontakt_c"]
        assert custom.get("erstkontakt") == (erstkontakt.isoformat() if erstkontakt else None)
        umsatz = custom.get("umsatzpotenzial")
        assert (Decimal(umsatz) if umsatz else None) == row["umsatzpotenzial_c"]
        assert custom["newsletter"] is bool(row["newsletter_c"])
    accounts = suitecrm_journey.dicts(
        "SELECT id_c, branchen_tags_c, mitarbeiter_de_c FROM accounts_cstm"
    )
    assert len(accounts) == 7
    for row in accounts:
        custom = Account.with_deleted.get(pk=row["id_c"]).custom
        tags = [t.strip("^") for t in row["branchen_tags_c"].split(",") if t]
        assert custom.get("branchen_tags") == (tags or None)
        assert custom.get("mitarbeiter_de") == row["mitarbeiter_de_c"]
    gross = Account.objects.get(pk=GROSS_ACCOUNT).custom
    assert gross == {"branchen_tags": ["maschinenbau", "handel", "logistik"], "mitarbeiter_de": 92}
    # Part of the account's creation in this run, not a change of the day of the migration.
    logged = ChangeLog.objects.filter(record_id=uuid.UUID(GROSS_ACCOUNT))
    assert logged.filter(action="create").exists()
    assert not logged.filter(field__startswith="custom.").exists()


def test_the_lead_pages_show_the_custom_values(migrated, admin, client):
    lead = Lead.objects.get(pk=WEISSMUELLER_LEAD)
    client.force_login(admin)
    detail = client.get(lead.get_absolute_url()).content.decode()
    assert "Kundennummer" in detail and "K-10003-B" in detail
    assert "Umsatzpotenzial" in detail
    preferences.save_list_columns(
        admin, "leads", ["last_name", "kundennummer", "bonitaet"], actor=admin
    )
    listed = client.get(registry.for_model(Lead).url("list") + "?q=K-10003-B").content.decode()
    assert "Weißmüller" in listed and "K-10003-B" in listed and "mittel" in listed


def test_a_second_run_changes_nothing(migrated, suitecrm_journey, admin):
    before = (
        CustomField.objects.count(),
        DropdownValue.objects.count(),
        ChangeLog.objects.count(),
        {lead.pk: lead.custom for lead in Lead.with_deleted.all()},
    )
    again = migrate(
        suitecrm_journey, actor=admin, modules=["custom_fields", "custom_values"], full=True
    )
    assert again.counts["fields_meta_data"]["created"] == 0
    assert again.counts["fields_meta_data"]["unchanged"] == 7
    for table, rows in (("leads_cstm", 9), ("accounts_cstm", 7)):
        assert again.counts[table]["updated"] == 0
        assert again.counts[table]["unchanged"] == rows
    assert (
        CustomField.objects.count(),
        DropdownValue.objects.count(),
        ChangeLog.objects.count(),
        {lead.pk: lead.custom for lead in Lead.with_deleted.all()},
    ) == before


def test_a_key_the_list_lacks_is_added_and_a_kontor_edit_kept(suitecrm_damaged, admin):
    damaged = suitecrm_damaged()
    migrate(damaged, actor=admin)
    lead = Lead.objects.get(pk=WEISSMUELLER_LEAD)
    lead.custom = {**lead.custom, "kundennummer": "K-KONTOR"}
    save_record(lead, actor=admin)
    damaged.execute(
        f"UPDATE leads_cstm SET bonitaet_c = 'sehr_gut' WHERE id_c = '{ACUFF_LEAD}'",
        f"UPDATE leads_cstm SET kundennummer_c = 'K-SUITE' WHERE id_c = '{WEISSMUELLER_LEAD}'",
        # SuiteCRM saves custom values with their record, which gets a new date.
        "UPDATE leads SET date_modified = UTC_TIMESTAMP()"
        f" WHERE id IN ('{ACUFF_LEAD}', '{WEISSMUELLER_LEAD}')",
    )
    again = migrate(damaged, actor=admin, modules=["custom_fields", "custom_values"])
    assert "sehr_gut" in DropdownList.objects.get(name="bonitaet_list").values.values_list(
        "key", flat=True
    )
    assert Lead.objects.get(pk=ACUFF_LEAD).custom["bonitaet"] == ("sehr_gut")
    assert Lead.objects.get(pk=WEISSMUELLER_LEAD).custom["kundennummer"] == "K-KONTOR"
    problems = [(p.table, p.suitecrm_id, p.message) for p in again.problems]
    assert any(t == "leads_cstm" and i == WEISSMUELLER_LEAD for t, i, _m in problems)
    assert any("sehr_gut" in m for _t, _i, m in problems)
