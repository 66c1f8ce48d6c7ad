"""The admin change log and the export/import of the whole configuration (all or nothing)."""

import io
import json

import pytest
from django.urls import reverse

from kontor.core import config, dropdowns, registry
from kontor.core.admin_log import AdminChange
from kontor.core.models import DropdownList, DropdownValue
from kontor.leads.models import Lead
from kontor.studio.actions import dropdowns as dropdown_actions
from kontor.studio.actions.fields import create_custom_field, set_required
from kontor.studio.actions.layouts import set_list_columns
from kontor.studio.actions.transfer import export_configuration, import_configuration
from kontor.studio.models import CustomField, FieldRule, Layout
from kontor.studio.tests.fields import add_field

pytestmark = pytest.mark.django_db


def configure(admin):
    leads = registry.get("leads")
    region = dropdown_actions.create_list(
        name="region_dom", label_en="Region", label_de="Region", actor=admin
    )
    dropdown_actions.add_value(region, key="north", label_en="North", label_de="Nord", actor=admin)
    create_custom_field(
        leads,
        name="region",
        label_en="Region",
        label_de="Region",
        field_type="dropdown",
        dropdown="region_dom",
        actor=admin,
    )
    add_field(admin, required=True)
    set_required(leads, ["phone_work"], actor=admin)
    set_list_columns(leads, ["last_name", "budget"], actor=admin)


def upload(client, data):
    payload = io.BytesIO(json.dumps(data).encode())
    payload.name = "config.json"
    return client.post(reverse("studio:import"), {"file": payload})


def test_the_change_log_shows_who_changed_what(admin_client, admin):
    configure(admin)
    page = admin_client.get(reverse("studio:changes")).content.decode()
    assert "Custom field added" in page and "leads.lead.budget" in page and "Ada Admin" in page
    assert AdminChange.objects.filter(actor=admin).count() == 6


def test_export_then_import_on_an_empty_installation_round_trips(admin_client, admin):
    configure(admin)
    exported = json.loads(admin_client.get(reverse("studio:export")).content)
    # a fresh installation: nothing of the configuration exists
    CustomField.objects.all().delete()
    FieldRule.objects.all().delete()
    Layout.objects.all().delete()
    DropdownList.objects.filter(name="region_dom").delete()
    config.invalidate()
    dropdowns.invalidate()
    response = upload(admin_client, exported)
    assert response.status_code == 302
    config.invalidate()
    assert export_configuration() == exported
    budget = config.custom_field(Lead, "budget")
    assert (budget.field_type, budget.required) == ("currency", True)
    assert "phone_work" in config.required_fields(Lead)
    assert dropdowns.label("region_dom", "north") == "North"


def test_an_import_with_one_bad_part_changes_nothing(admin_client, admin):
    data = export_configuration()
    data["dropdowns"]["region_dom"] = {
        "values": [{"key": "north", "label_en": "North", "label_de": "Nord"}]
    }
    data["custom_fields"] = {
        "leads.lead": [
            {"name": "class", "label_en": "Class", "label_de": "Klasse", "field_type": "text"}
        ]
    }
    before = (
        DropdownList.objects.count(),
        DropdownValue.objects.count(),
        AdminChange.objects.count(),
    )
    response = upload(admin_client, data)
    assert response.status_code == 400
    assert "leads.lead.class" in response.content.decode()
    assert (
        DropdownList.objects.count(),
        DropdownValue.objects.count(),
        AdminChange.objects.count(),
    ) == before
    assert not CustomField.objects.exists()


def test_a_file_that_is_no_configuration_is_refused(admin_client, admin):
    assert upload(admin_client, {"hello": 1}).status_code == 400
    payload = io.BytesIO(b"\xff\xfe not json")
    payload.name = "x.json"
    response = admin_client.post(reverse("studio:import"), {"file": payload})
    assert response.status_code == 400 and "not valid JSON" in response.content.decode()
    assert not AdminChange.objects.exists()


def test_import_deactivates_what_the_file_leaves_out_and_deletes_nothing(admin):
    configure(admin)
    data = export_configuration()
    data["dropdowns"]["region_dom"]["values"] = []
    data["custom_fields"]["leads.lead"] = [
        f for f in data["custom_fields"]["leads.lead"] if f["name"] != "region"
    ]
    import_configuration(data, actor=admin)
    assert not DropdownValue.objects.get(key="north").active
    assert not CustomField.objects.get(name="region").active
