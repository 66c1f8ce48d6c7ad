"""The read API of kontor.core.config and the check Record.full_clean runs with it."""

import pytest
from django.core.exceptions import ValidationError

from kontor.core import config
from kontor.core.actions import save_record
from kontor.leads.models import Lead
from kontor.studio.models import FieldRule
from kontor.studio.tests.fields import add_field

pytestmark = pytest.mark.django_db


def test_last_name_is_always_required_and_marks_add_to_it():
    assert "last_name" in config.required_fields(Lead)
    assert "phone_work" not in config.required_fields(Lead)
    FieldRule.objects.create(model_label="leads.lead", field="phone_work")
    config.invalidate()
    assert {"last_name", "phone_work"} <= config.required_fields(Lead)


def test_full_clean_refuses_a_missing_required_field_with_djangos_message(admin):
    FieldRule.objects.create(model_label="leads.lead", field="phone_work")
    config.invalidate()
    lead = Lead(last_name="Meyer")
    with pytest.raises(ValidationError) as caught:
        save_record(lead, actor=admin)
    assert caught.value.message_dict == {"phone_work": ["This field is required."]}
    assert not Lead.objects.exists()


def test_custom_values_are_parsed_stored_and_validated(admin):
    add_field(admin, required=True)
    (budget,) = config.custom_fields(Lead)
    assert budget.to_python("1250.5") == "1250.50"
    lead = Lead(last_name="Meyer", custom={"budget": "12x"})
    with pytest.raises(ValidationError) as caught:
        save_record(lead, actor=admin)
    assert list(caught.value.message_dict) == ["budget"]
    lead.custom = {}
    with pytest.raises(ValidationError) as caught:
        save_record(lead, actor=admin)
    assert caught.value.message_dict == {"budget": ["This field is required."]}
    lead.custom = {"budget": "99"}
    save_record(lead, actor=admin)
    assert Lead.objects.get().custom == {"budget": "99.00"}
