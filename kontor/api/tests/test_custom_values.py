"""The API's `custom` object accepts the record type's custom fields only, each with a value
of its kind; anything else is a 400 naming the key, and nothing is saved."""

import pytest

from kontor.core import registry
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.actions.fields import create_custom_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def defined(admin):
    for name, field_type in [
        ("note", "text"),
        ("visits", "integer"),
        ("vip", "boolean"),
        ("tags", "multiselect"),
    ]:
        create_custom_field(
            registry.get("leads"),
            name=name,
            label_en=name.title(),
            label_de=name.title(),
            field_type=field_type,
            dropdown="industry_dom" if field_type == "multiselect" else "",
            actor=admin,
        )


@pytest.mark.parametrize(
    ("custom", "key", "message"),
    [
        ({"x": "1"}, "x", "Unknown custom field 'x'."),
        ({"note": "ok", "colour": "red"}, "colour", "Unknown custom field 'colour'."),
        ({"note": {"a": 1}}, "note", "Custom field 'note' expects text."),
        ({"note": ["a"]}, "note", "Custom field 'note' expects text."),
        ({"note": 5}, "note", "Custom field 'note' expects text."),
        ({"visits": {"n": 1}}, "visits", "Custom field 'visits' expects a number."),
        ({"visits": True}, "visits", "Custom field 'visits' expects a number."),
        ({"vip": [True]}, "vip", "Custom field 'vip' expects true or false."),
        ({"tags": [{"k": 1}]}, "tags", "Custom field 'tags' expects a list of texts."),
    ],
)
def test_unknown_keys_and_values_of_the_wrong_kind_are_refused(
    api, rep, defined, custom, key, message
):
    lead = LeadFactory(actor=rep, custom={"note": "before"})
    logged = ChangeLog.objects.count()
    for method in (api.patch, api.put):
        body = {"custom": custom}
        if method == api.put:
            body.update(last_name="Neu", status="New")
        response = method(f"/api/v1/leads/{lead.pk}/", body, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["errors"] == {f"custom.{key}": [message]}
    response = api.post("/api/v1/leads/", {"last_name": "Neu", "custom": custom}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {f"custom.{key}": [message]}
    lead.refresh_from_db()
    assert lead.custom == {"note": "before"} and lead.last_name != "Neu"
    assert Lead.objects.count() == 1 and ChangeLog.objects.count() == logged


def test_values_of_their_kind_are_saved(api, rep, defined):
    lead = LeadFactory(actor=rep, custom={"note": "before"})
    custom = {"note": "after", "visits": "3", "vip": True, "tags": ["Banking"]}
    response = api.patch(f"/api/v1/leads/{lead.pk}/", {"custom": custom}, format="json")
    assert response.status_code == 200, response.content
    lead.refresh_from_db()
    assert lead.custom == {**custom, "visits": 3}
    cleared = api.patch(f"/api/v1/leads/{lead.pk}/", {"custom": {"note": None}}, format="json")
    assert cleared.status_code == 200
    lead.refresh_from_db()
    assert "note" not in lead.custom and lead.custom["visits"] == 3


def test_the_message_is_translated(api, rep, defined):
    lead = LeadFactory(actor=rep)
    response = api.patch(
        f"/api/v1/leads/{lead.pk}/",
        {"custom": {"x": "1"}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["custom.x"] != ["Unknown custom field 'x'."]
