"""Required fields reach every entry path: form, quick create, save_record (import, web forms,
API), mass update and conversion, with the same translated message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kontor.contacts.models import Contact
from kontor.conversion.actions import convert_lead, convert_target
from kontor.core import config, registry
from kontor.core.actions import mass_update, save_record
from kontor.core.admin_log import AdminChange
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.actions.fields import set_required
from kontor.studio.models import FieldRule
from kontor.targets.tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_required(admin):
    set_required(registry.get("leads"), ["phone_work"], actor=admin)


def test_admins_mark_fields_required_on_the_module_page(admin_client, admin):
    page = admin_client.get(reverse("studio:module", args=["leads"])).content.decode()
    assert 'id="req-builtin-last_name"' in page and 'value="phone_work"' in page
    response = admin_client.post(
        reverse("studio:module", args=["leads"]),
        {"op": "required", "required": ["phone_work", "title"]},
    )
    assert response.status_code == 302
    assert config.required_fields(Lead) >= {"last_name", "phone_work", "title"}
    assert AdminChange.objects.get().detail == {"old": [], "new": ["phone_work", "title"]}


def test_the_minimum_cannot_be_unmarked_and_unknown_fields_are_refused(admin):
    with pytest.raises(ValidationError):
        set_required(registry.get("leads"), ["last_name"], actor=admin)
    with pytest.raises(ValidationError):
        set_required(registry.get("leads"), ["no_such_field"], actor=admin)
    assert not FieldRule.objects.exists() and not AdminChange.objects.exists()
    assert "last_name" in config.required_fields(Lead)


def test_the_form_shows_the_mark_and_refuses_an_empty_value(admin_client, phone_required):
    form = admin_client.get(reverse("leads:create")).content.decode()
    assert 'name="phone_work"' in form and "required" in form.split('name="phone_work"')[1][:200]
    response = admin_client.post(reverse("leads:create"), {"last_name": "Meyer", "status": "New"})
    assert response.status_code == 400
    assert response.context["form"].errors["phone_work"] == ["This field is required."]
    assert not Lead.objects.exists()


def test_quick_create_in_german_gets_the_german_message(admin_client, admin, phone_required):
    admin.profile.language = "de"
    admin.profile.save()
    response = admin_client.post(reverse("leads:create"), {"last_name": "Meyer"})
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Lead.with_deleted.filter(last_name="Meyer").exists()


def test_save_record_refuses_as_the_import_web_forms_and_the_api_call_it(admin, phone_required):
    with pytest.raises(ValidationError) as caught:
        save_record(Lead(last_name="Meyer"), actor=admin)
    assert caught.value.message_dict == {"phone_work": ["This field is required."]}
    with translation.override("de"):
        with pytest.raises(ValidationError) as caught:
            save_record(Lead(last_name="Meyer"), actor=admin)
        assert caught.value.message_dict == {
            "phone_work": ["Dieses Feld ist zwingend erforderlich."]
        }
    assert not Lead.objects.exists()
    save_record(Lead(last_name="Meyer", phone_work="0221 12345"), actor=admin)
    assert Lead.objects.count() == 1


def test_mass_update_cannot_empty_a_required_field(admin, phone_required):
    lead = LeadFactory(actor=admin, phone_work="0221 12345")
    changed, refused = mass_update([lead], {"phone_work": ""}, actor=admin)
    assert changed == 0 and list(refused.values()) == [{"phone_work": ["This field is required."]}]
    assert Lead.objects.get().phone_work == "0221 12345"


def test_conversions_apply_the_rules_of_the_record_they_create(admin):
    target = TargetFactory(actor=admin, last_name="Vogel", phone_work="")
    set_required(registry.get("leads"), ["phone_work"], actor=admin)
    with pytest.raises(ValidationError) as caught:
        convert_target(target, actor=admin)
    assert "lead-phone_work" in caught.value.message_dict
    assert not Lead.objects.exists()
    lead = convert_target(target, actor=admin, data={"phone_work": "0221 1"})
    set_required(registry.get("contacts"), ["title"], actor=admin)
    with pytest.raises(ValidationError) as caught:
        convert_lead(lead, actor=admin, new_contact={}, new_account={})
    assert "contact-title" in caught.value.message_dict
    assert not Contact.objects.exists()
    result = convert_lead(lead, actor=admin, new_contact={"title": "Dr."}, new_account={})
    assert result.contact.title == "Dr."
