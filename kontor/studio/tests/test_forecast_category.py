"""A sales stage's forecast category in Studio's dropdown editor: shown beside the probability,
validated, and used by the opportunities that enter the stage afterwards."""

import pytest
from django.urls import reverse

from kontor.core import dropdowns as lists
from kontor.core.actions import save_record
from kontor.core.admin_log import AdminChange
from kontor.core.models import DropdownValue
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
URL = reverse("studio:dropdown", args=["sales_stage_dom"])


def stage(key: str) -> DropdownValue:
    return DropdownValue.objects.get(dropdown__name="sales_stage_dom", key=key)


def update(client, value: DropdownValue, category: str):
    return client.post(
        URL,
        {
            "op": "update",
            "value": value.pk,
            f"v{value.pk}-label_en": value.label_en,
            f"v{value.pk}-label_de": value.label_de,
            f"v{value.pk}-active": "on",
            f"v{value.pk}-probability": value.extra.get("probability", ""),
            f"v{value.pk}-forecast_category": category,
        },
    )


def test_the_editor_offers_the_category_beside_the_probability(admin_client):
    value = stage("Qualification")
    page = admin_client.get(URL).content.decode()
    assert f'name="v{value.pk}-forecast_category"' in page
    assert f'name="v{value.pk}-probability"' in page
    assert '<option value="pipeline" selected>Pipeline</option>' in page
    other = admin_client.get(reverse("studio:dropdown", args=["lead_source_dom"]))
    assert "forecast_category" not in other.content.decode()


def test_a_changed_mapping_is_used_for_later_stage_changes(admin, admin_client):
    before = OpportunityFactory(sales_stage="Prospecting", actor=admin)
    assert before.forecast_category == "pipeline"
    response = update(admin_client, stage("Qualification"), "commit")
    assert response.status_code == 302
    assert lists.option("sales_stage_dom", "Qualification").extra == {
        "probability": 20,
        "forecast_category": "commit",
    }
    assert AdminChange.objects.filter(area="dropdown", target="sales_stage_dom.Qualification")
    moved = Opportunity.objects.get(pk=before.pk)
    moved.sales_stage = "Qualification"
    save_record(moved, actor=admin)
    assert Opportunity.objects.get(pk=before.pk).forecast_category == "commit"
    created = OpportunityFactory(sales_stage="Qualification", actor=admin)
    assert created.forecast_category == "commit"


def test_an_unknown_category_is_refused_and_nothing_changes(admin_client):
    value = stage("Qualification")
    response = update(admin_client, value, "maybe")
    assert response.status_code == 400
    assert "forecast_category" in response.context["rows"][1]["form"].errors
    value.refresh_from_db()
    assert value.extra == {"probability": 20, "forecast_category": "pipeline"}


def test_a_stage_without_a_category_leaves_new_opportunities_without_one(admin, admin_client):
    update(admin_client, stage("Qualification"), "")
    assert "forecast_category" not in lists.option("sales_stage_dom", "Qualification").extra
    assert OpportunityFactory(sales_stage="Qualification", actor=admin).forecast_category == ""


def test_the_action_refuses_an_unknown_category(admin):
    from django.core.exceptions import ValidationError

    from kontor.studio.actions.dropdowns import update_value

    value = stage("Prospecting")
    with pytest.raises(ValidationError) as refused:
        update_value(
            value, label_en="P", label_de="A", active=True, forecast_category="x", actor=admin
        )
    assert "forecast_category" in refused.value.message_dict
    value.refresh_from_db()
    assert (value.label_en, value.extra["forecast_category"]) == ("Prospecting", "pipeline")
