"""The dropdown editor: add, rename, reorder, deactivate, default, delete or remap values."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kontor.core import dropdowns as lists
from kontor.core.admin_log import AdminChange
from kontor.core.models import ChangeLog, DropdownList, DropdownValue
from kontor.core.testing import log_of
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.actions import dropdowns

pytestmark = pytest.mark.django_db


def url(name="lead_source_dom"):
    return reverse("studio:dropdown", args=[name])


def value(key, name="lead_source_dom") -> DropdownValue:
    return DropdownValue.objects.get(dropdown__name=name, key=key)


def test_non_admins_get_404_on_every_studio_page(rep_client):
    for name, args in [
        ("studio:dropdowns", []),
        ("studio:dropdown", ["lead_source_dom"]),
        ("studio:fields", []),
        ("studio:module", ["leads"]),
        ("studio:layout", ["leads"]),
        ("studio:changes", []),
        ("studio:export", []),
    ]:
        assert rep_client.get(reverse(name, args=args)).status_code == 404, name
    before = DropdownValue.objects.count()
    response = rep_client.post(
        url(), {"op": "add", "add-key": "Fax", "add-label_en": "Fax", "add-label_de": "Fax"}
    )
    assert response.status_code == 404 and DropdownValue.objects.count() == before


def test_every_list_of_the_domain_is_listed(admin_client):
    page = admin_client.get(reverse("studio:dropdowns")).content.decode()
    for name in ("lead_source_dom", "lead_status_dom", "sales_stage_dom", "lead_stage"):
        assert f">{name}<" in page


def test_added_value_is_offered_on_the_lead_form_at_once(admin_client, admin):
    lists.all_lists()  # the cache holds the lists before the change
    response = admin_client.post(
        url(),
        {
            "op": "add",
            "add-key": "Fair 2026",
            "add-label_en": "Fair 2026",
            "add-label_de": "Messe 2026",
        },
    )
    assert response.status_code == 302
    form = admin_client.get(reverse("leads:create")).content.decode()
    assert 'value="Fair 2026"' in form
    change = AdminChange.objects.get()
    assert (change.actor, change.area, change.target) == (
        admin,
        "dropdown",
        "lead_source_dom.Fair 2026",
    )


def test_a_duplicate_or_bad_key_is_refused_on_the_field(admin_client):
    before = DropdownValue.objects.count()
    response = admin_client.post(
        url(), {"op": "add", "add-key": "Web Site", "add-label_en": "x", "add-label_de": "x"}
    )
    assert response.status_code == 400
    assert "This key exists in the list already." in response.content.decode()
    response = admin_client.post(
        url(), {"op": "add", "add-key": 'a"<b>', "add-label_en": "x", "add-label_de": "x"}
    )
    assert response.status_code == 400
    assert DropdownValue.objects.count() == before and not AdminChange.objects.exists()


def test_renaming_a_label_never_changes_the_stored_key(admin_client, admin):
    lead = LeadFactory(actor=admin, lead_source="Web Site")
    web = value("Web Site")
    response = admin_client.post(
        url(),
        {
            "op": "update",
            "value": web.pk,
            f"v{web.pk}-label_en": "Website",
            f"v{web.pk}-label_de": "Internetseite",
            f"v{web.pk}-active": "on",
        },
    )
    assert response.status_code == 302
    web.refresh_from_db()
    assert (web.key, web.label_en, web.label_de) == ("Web Site", "Website", "Internetseite")
    lead.refresh_from_db()
    assert lead.lead_source == "Web Site"
    assert lists.label("lead_source_dom", "Web Site") == "Website"


def test_a_deactivated_value_stays_on_old_records_but_is_not_offered(admin, admin_client):
    lead = LeadFactory(actor=admin, lead_source="Email")
    dropdowns.update_value(
        value("Email"), label_en="Email", label_de="E-Mail", active=False, actor=admin
    )
    page = admin_client.get(reverse("leads:create")).content.decode()
    assert 'value="Email"' not in page
    edit = admin_client.get(reverse("leads:edit", args=[lead.pk])).content.decode()
    assert 'value="Email" selected' in edit
    with pytest.raises(ValidationError):
        LeadFactory(actor=admin, lead_source="Email")
    assert list(Lead.objects.values_list("pk", flat=True)) == [lead.pk]


def test_reorder_by_drag_and_drop_and_by_buttons(admin_client):
    keys = list(lists.options("lead_stage"))
    assert [o.key for o in keys] == ["ML", "MQL", "SQL"]
    admin_client.post(url("lead_stage"), {"op": "order", "order": ["SQL", "ML", "MQL"]})
    assert [o.key for o in lists.options("lead_stage")] == ["SQL", "ML", "MQL"]
    admin_client.post(url("lead_stage"), {"op": "down", "key": "SQL"})
    assert [o.key for o in lists.options("lead_stage")] == ["ML", "SQL", "MQL"]
    assert AdminChange.objects.filter(summary="Values reordered").count() == 2


def test_default_value_is_what_new_records_get(admin_client):
    admin_client.post(url("lead_stage"), {"op": "default", "default": "MQL"})
    assert lists.default("lead_stage") == "MQL"
    response = admin_client.post(url("lead_stage"), {"op": "default", "default": "nope"})
    assert response.status_code == 302 and lists.default("lead_stage") == "MQL"


def test_sales_stage_probability_is_editable(admin_client):
    stage = value("Prospecting", "sales_stage_dom")
    page = admin_client.get(url("sales_stage_dom")).content.decode()
    assert f'name="v{stage.pk}-probability"' in page
    admin_client.post(
        url("sales_stage_dom"),
        {
            "op": "update",
            "value": stage.pk,
            f"v{stage.pk}-label_en": stage.label_en,
            f"v{stage.pk}-label_de": stage.label_de,
            f"v{stage.pk}-active": "on",
            f"v{stage.pk}-probability": "15",
        },
    )
    assert lists.option("sales_stage_dom", "Prospecting").extra["probability"] == 15
    response = admin_client.post(
        url("sales_stage_dom"),
        {
            "op": "update",
            "value": stage.pk,
            f"v{stage.pk}-label_en": stage.label_en,
            f"v{stage.pk}-label_de": stage.label_de,
            f"v{stage.pk}-probability": "150",
        },
    )
    assert response.status_code == 400
    stage.refresh_from_db()
    assert stage.extra["probability"] == 15 and stage.active


def test_deleting_a_used_value_is_refused_with_the_count(admin, admin_client):
    LeadFactory.create_batch(2, actor=admin, lead_source="Partner")
    partner = value("Partner")
    page = admin_client.get(
        reverse("studio:dropdown-delete", args=["lead_source_dom", partner.pk])
    ).content.decode()
    assert "2 records use this value" in page
    response = admin_client.post(
        reverse("studio:dropdown-delete", args=["lead_source_dom", partner.pk])
    )
    assert response.status_code == 400
    assert DropdownValue.objects.filter(pk=partner.pk).exists()
    assert not AdminChange.objects.exists()


def test_delete_with_remap_moves_every_record_in_one_step_and_logs_it(admin, admin_client):
    leads = LeadFactory.create_batch(2, actor=admin, lead_source="Partner")
    Lead.objects.filter(pk=leads[1].pk).update(deleted=True)  # the trash is mapped too
    partner = value("Partner")
    response = admin_client.post(
        reverse("studio:dropdown-delete", args=["lead_source_dom", partner.pk]),
        {"remap_to": "Employee"},
    )
    assert response.status_code == 302
    assert not DropdownValue.objects.filter(pk=partner.pk).exists()
    assert set(Lead.with_deleted.values_list("lead_source", flat=True)) == {"Employee"}
    assert log_of(leads[0], "update") == [("update", "lead_source", "Partner", "Employee")]
    assert AdminChange.objects.get().detail["records"] == 2


def test_an_unused_value_is_deleted(admin):
    dropdown = DropdownList.objects.get(name="lead_source_dom")
    added = dropdowns.add_value(dropdown, key="Fax", label_en="Fax", label_de="Fax", actor=admin)
    assert dropdowns.delete_value(added, actor=admin) == 0
    assert not ChangeLog.objects.exists()
    assert "Fax" not in {o.key for o in lists.options("lead_source_dom")}


def test_a_new_list_can_be_created_and_named_only_once(admin_client):
    response = admin_client.post(
        reverse("studio:dropdowns"),
        {"new-name": "region_dom", "new-label_en": "Region", "new-label_de": "Region"},
    )
    assert response.status_code == 302
    response = admin_client.post(reverse("studio:dropdowns"), {"new-name": "region_dom"})
    assert response.status_code == 400
    response = admin_client.post(reverse("studio:dropdowns"), {"new-name": "Bad Name"})
    assert response.status_code == 400
    assert DropdownList.objects.filter(name="region_dom").count() == 1


def test_remap_reaches_custom_dropdown_and_multi_select_fields(admin):
    from kontor.core import registry
    from kontor.studio.actions.fields import create_custom_field

    leads = registry.get("leads")
    create_custom_field(
        leads,
        name="channel",
        label_en="Channel",
        label_de="Kanal",
        field_type="dropdown",
        dropdown="lead_source_dom",
        actor=admin,
    )
    create_custom_field(
        leads,
        name="channels",
        label_en="Channels",
        label_de="Kanäle",
        field_type="multiselect",
        dropdown="lead_source_dom",
        actor=admin,
    )
    one = LeadFactory(actor=admin, custom={"channel": "Partner", "channels": ["Partner", "Email"]})
    two = LeadFactory(actor=admin, custom={"channels": ["Email"]})
    partner = value("Partner")
    assert dropdowns.usage(partner) == 2  # one's custom dropdown and its multi-select
    dropdowns.delete_value(partner, remap_to="Email", actor=admin)
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.custom == {"channel": "Email", "channels": ["Email"]}
    assert two.custom == {"channels": ["Email"]}
    assert ("update", "custom.channels", '["Partner", "Email"]', '["Email"]') in log_of(one)
