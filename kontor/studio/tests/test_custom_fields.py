"""Custom fields: definitions refused when invalid, values through every entry path, shown in
forms, detail panels, list columns, filters, sorting, export, search, timeline, conversions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kontor.conversion.actions import convert_lead
from kontor.core import config, registry
from kontor.core.actions import save_record
from kontor.core.admin_log import AdminChange
from kontor.core.testing import csv_rows, log_of, whole_page
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.models import CustomField
from kontor.studio.tests.fields import add_field, change_field

pytestmark = pytest.mark.django_db
LEADS = registry.get("leads") if registry.modules() else None


def add_region(actor) -> CustomField:
    """A dropdown custom field "region" on leads, on the lead source list."""
    return add_field(
        actor,
        name="region",
        label_en="Region",
        label_de="Region",
        field_type="dropdown",
        dropdown="lead_source_dom",
    )


@pytest.mark.parametrize(
    "name",
    ["last_name", "custom", "class", "match", "Budget", "1x", "with space", "teams", "a" * 51],
)
def test_reserved_and_non_identifier_names_are_refused(admin, name):
    with pytest.raises(ValidationError) as caught:
        add_field(admin, name=name)
    assert "name" in caught.value.message_dict
    assert not CustomField.objects.exists() and not AdminChange.objects.exists()


def test_duplicate_names_and_missing_lists_are_refused(admin):
    add_field(admin)
    with pytest.raises(ValidationError) as caught:
        add_field(admin, label_en="Other")
    assert "name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        add_field(admin, name="region", field_type="dropdown", dropdown="no_such_dom")
    assert "dropdown" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        add_field(admin, name="partner", field_type="relate", link_module="nowhere")
    assert "link_module" in caught.value.message_dict
    add_field(admin, slug="contacts")  # the same name on another record type is fine
    assert CustomField.objects.count() == 2


def test_a_type_change_that_would_lose_data_is_refused(admin):
    field = add_field(admin, name="size", field_type="text")
    LeadFactory(actor=admin, custom={"size": "large"})
    LeadFactory(actor=admin, custom={"size": "12"})
    with pytest.raises(ValidationError) as caught:
        change_field(field, admin, field_type="integer")
    assert "1 record has a value this type cannot hold" in caught.value.messages[0]
    field.refresh_from_db()
    assert field.field_type == "text"
    assert sorted(r["size"] for r in Lead.objects.values_list("custom", flat=True)) == [
        "12",
        "large",
    ]
    with pytest.raises(ValidationError):
        change_field(field, admin, field_type="dropdown")
    field.refresh_from_db()
    assert field.field_type == "text"


def test_a_type_change_that_keeps_the_values_converts_them(admin):
    field = add_field(admin, name="seats", field_type="text")
    lead = LeadFactory(actor=admin, custom={"seats": "12"})
    change_field(field, admin, field_type="integer")
    lead.refresh_from_db()
    assert lead.custom == {"seats": 12}


def test_values_are_validated_on_save_record_with_djangos_messages(admin):
    add_field(admin, required=True)
    add_field(admin, name="homepage", field_type="url")
    with pytest.raises(ValidationError) as caught:
        save_record(
            Lead(last_name="Meyer", custom={"budget": "lots", "homepage": "no url"}), actor=admin
        )
    assert caught.value.message_dict == {
        "budget": ["Enter a number."],
        "homepage": ["Enter a valid URL."],
    }
    assert not Lead.objects.exists()


def test_form_detail_list_export_and_timeline_show_the_field(admin_client, admin):
    add_field(admin)
    add_region(admin)
    form = admin_client.get(reverse("leads:create")).content.decode()
    assert 'name="budget"' in form and 'name="region"' in form
    response = admin_client.post(
        reverse("leads:create"),
        {"last_name": "Meyer", "status": "New", "budget": "1250.5", "region": "Partner"},
    )
    assert response.status_code == 302, response.context["form"].errors
    lead = Lead.objects.get()
    assert lead.custom == {"budget": "1250.50", "region": "Partner"}
    detail = admin_client.get(lead.get_absolute_url()).content.decode()
    assert "1,250.50" in detail and "Budget" in detail
    edit = admin_client.get(reverse("leads:edit", args=[lead.pk]))
    assert edit.context["form"]["budget"].value() == Decimal("1250.50")
    admin_client.post(reverse("leads:columns"), {"columns": ["last_name", "budget"]})
    page = admin_client.get(reverse("leads:list"))
    assert [c.name for c in page.context["columns"]] == ["last_name", "budget"]
    assert page.context["rows"][0]["cells"][1][0] == "1,250.50"
    rows = csv_rows(admin_client.get(reverse("leads:export")))
    assert rows[0] == ["id", "last_name", "budget"] and rows[1][1:] == ["Meyer", "1250.50"]
    lead.custom = {**lead.custom, "budget": "99"}
    save_record(lead, actor=admin)
    assert log_of(lead, "update") == [("update", "custom.budget", "1250.50", "99.00")]
    detail = whole_page(admin_client, lead.get_absolute_url())
    labels = [c["label"] for c in detail.context["changelog"]]
    assert "Budget" in labels


def test_filter_and_sort_by_a_custom_field(admin_client, admin):
    add_field(admin)
    add_region(admin)
    for last, budget, region in [
        ("A", "900", "Partner"),
        ("B", "10000", "Email"),
        ("C", "50", "Partner"),
        ("D", None, ""),
    ]:
        custom = {k: v for k, v in {"budget": budget, "region": region}.items() if v}
        LeadFactory(actor=admin, last_name=last, custom=custom)
    admin_client.post(reverse("leads:columns"), {"columns": ["last_name", "budget"]})
    listed = admin_client.get(reverse("leads:list"), {"region": ["Partner"]})
    assert sorted(r["cells"][0][0] for r in listed.context["rows"]) == ["A", "C"]
    listed = admin_client.get(reverse("leads:list"), {"budget": "10000"})
    assert [r["cells"][0][0] for r in listed.context["rows"]] == ["B"]
    # numbers sort as numbers, not as text ("10000" < "50" as text)
    page = admin_client.get(reverse("leads:list"), {"sort": "-cf_budget"})
    names = [r["cells"][0][0] for r in page.context["rows"] if r["cells"][1][0]]
    assert names == ["B", "A", "C"]


def test_keyset_pages_walk_a_custom_sort(admin_client, admin, settings):
    settings.KONTOR_PAGE_SIZE = 2
    add_field(admin, name="seats", field_type="integer")
    for n in range(5):
        LeadFactory(actor=admin, last_name=f"L{n}", custom={"seats": n * 7 % 5})
    admin_client.post(reverse("leads:columns"), {"columns": ["last_name", "seats"]})
    seen, cursor = [], None
    for _ in range(3):
        params = {"sort": "cf_seats", **({"cursor": cursor} if cursor else {})}
        page = admin_client.get(reverse("leads:list"), params).context["page"]
        seen += [r.custom["seats"] for r in page.rows]
        cursor = page.next_cursor
    assert seen == [0, 1, 2, 3, 4]


def test_custom_text_is_searchable(admin_client, admin):
    add_field(admin, name="project", label_en="Project", label_de="Projekt", field_type="text")
    LeadFactory(actor=admin, last_name="Meyer", custom={"project": "Zugspitze"})
    LeadFactory(actor=admin, last_name="Otto")
    page = admin_client.get(reverse("leads:list"), {"q": "zugspitz"})
    assert [r["cells"][0][0] for r in page.context["rows"]] == ["Meyer"]


def test_conversion_carries_same_named_custom_fields(admin):
    add_field(admin)
    add_field(admin, slug="opportunities")
    add_field(admin, name="region", field_type="text", label_en="Region", label_de="Region")
    lead = LeadFactory(actor=admin, last_name="Vogel", custom={"budget": "500", "region": "Nord"})
    result = convert_lead(lead, actor=admin, new_contact={}, new_account={}, opportunity={})
    assert result.opportunity.custom == {"budget": "500.00"}
    assert result.contact.custom == {}


def test_a_link_field_offers_only_visible_records_and_shows_the_name(admin_client, admin):
    add_field(
        admin,
        name="partner",
        label_en="Partner",
        label_de="Partner",
        field_type="relate",
        link_module="leads",
    )
    other = LeadFactory(actor=admin, last_name="Partnerin")
    lead = LeadFactory(actor=admin, last_name="Meyer", custom={"partner": str(other.pk)})
    detail = admin_client.get(lead.get_absolute_url()).content.decode()
    assert other.get_absolute_url() in detail
    form = admin_client.get(reverse("leads:edit", args=[lead.pk])).content.decode()
    assert (
        "data-lookup"
        in form.split('name="partner"')[0][-300:] + form.split('name="partner"')[1][:300]
    )
    with pytest.raises(ValidationError):
        save_record(Lead(last_name="X", custom={"partner": "not-an-id"}), actor=admin)
    assert not Lead.objects.filter(last_name="X").exists()


def test_every_type_parses_what_an_import_or_the_api_sends(admin):
    specs = {
        "text": ("abc", "abc"),
        "longtext": ("a\nb", "a\nb"),
        "integer": ("42", 42),
        "decimal": ("3.1416", "3.1416"),
        "date": ("2026-01-31", "2026-01-31"),
        "boolean": ("ja", True),
        "url": ("www.example.com", "https://www.example.com"),
        "email": ("A@Example.COM", "a@example.com"),
        "phone": ("0221 12345", "0221 12345"),
        "datetime": ("2026-01-31T10:00:00+00:00", "2026-01-31T10:00:00+00:00"),
    }
    for field_type in specs:
        add_field(admin, name=f"f_{field_type}", field_type=field_type)
    add_field(admin, name="f_multi", field_type="multiselect", dropdown="lead_source_dom")
    defs = {f.name: f for f in config.custom_fields(Lead)}
    for field_type, (given, stored) in specs.items():
        assert defs[f"f_{field_type}"].to_python(given) == stored, field_type
    assert defs["f_multi"].to_python("Email, Partner") == ["Email", "Partner"]
    with pytest.raises(ValidationError):
        defs["f_multi"].to_python("Email, Nope")
    with pytest.raises(ValidationError):
        defs["f_integer"].to_python("4.5")


def test_an_index_can_be_requested_and_dropped(admin):
    from django.db import connection

    field = add_field(admin)
    change_field(field, admin, indexed=True)
    from kontor.studio.actions.fields import index_name

    name = index_name(Lead, field)
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Lead._meta.db_table)
    assert name in found
    change_field(field, admin, indexed=False)
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Lead._meta.db_table)
    assert name not in found


def test_the_convert_target_page_carries_and_asks_for_custom_values(admin_client, admin):
    from kontor.conversion.tests.pages import convert_url
    from kontor.core.testing import form_data
    from kontor.targets.tests.factories import TargetFactory

    add_field(admin, slug="targets")
    add_field(admin, required=True)
    add_field(admin, name="size", field_type="integer", required=True)
    target = TargetFactory(actor=admin, last_name="Vogel", custom={"budget": "700"})
    conversion = admin_client.get(convert_url(target)).context["conversion"]
    assert str(conversion.lead["budget"].value()) == "700.00"
    data = {**form_data(conversion.lead), **form_data(conversion.hand_over)}
    response = admin_client.post(convert_url(target), data)
    assert response.status_code == 400 and not Lead.objects.exists()
    assert "size" in response.context["conversion"].lead.errors
    response = admin_client.post(convert_url(target), {**data, "lead-size": "12"})
    assert response.status_code == 302
    assert Lead.objects.get().custom == {"budget": "700.00", "size": 12}
