"""Bad input is a 400 (or an empty list), never a 500: activity parents of the wrong shape,
JSON nested too deep, ids and dates out of the database's range, NUL characters."""

import json

import pytest
from django.urls import reverse

from kontor.activities.models import Call
from kontor.core import registry
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.actions.fields import create_custom_field

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "parent",
    [
        {"type": "leads"},
        5,
        "leads:{id}",
        ["leads"],
        {"type": 5, "id": "x"},
        {"type": "leads", "id": 7},
    ],
)
def test_a_parent_of_the_wrong_shape_is_a_400(api, rep, parent):
    lead = LeadFactory(actor=rep)
    if isinstance(parent, str):
        parent = parent.format(id=lead.pk)
    response = api.post(
        "/api/v1/calls/",
        {"name": "Anruf", "date_start": "2026-12-01T10:00:00Z", "parent": parent},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "parent" in response.json()["errors"]
    assert not Call.objects.exists()


def test_json_nested_too_deep_is_a_400(api):
    body = "[" * 50_000 + "]" * 50_000
    response = api.generic("POST", "/api/v1/leads/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Lead.objects.exists()


def test_json_nested_deeper_than_a_record_needs_is_a_400(api):
    nested = {}
    for _ in range(40):
        nested = {"a": nested}
    response = api.post("/api/v1/leads/", {"last_name": "Tief", "x": nested}, format="json")
    assert response.status_code == 400
    assert "32" in response.json()["detail"]
    assert not Lead.objects.exists()


def _filtered_urls(params: str) -> list[str]:
    urls = []
    for module in registry.modules():
        if "assigned_user" in module.filters:
            urls += [
                f"/api/v1/{module.slug}/?{params}",
                reverse(f"{module.slug}:list") + f"?{params}",
                reverse(f"{module.slug}:count") + f"?{params}",
                reverse(f"{module.slug}:export") + f"?{params}",
            ]
    return [*urls, reverse("calls-ics") + f"?{params}", reverse("meetings-ics") + f"?{params}"]


@pytest.mark.parametrize(
    "params",
    [
        f"assigned_user={HUGE}",
        f"assigned_user=-{HUGE}",
        "date_entered_min=0001-01-01",
        "date_entered_max=9999-12-31",
        "date_start_min=0001-01-01&date_start_max=9999-12-31",
    ],
)
def test_out_of_range_filters_answer_without_an_error(rep_client, api, rep, params):
    LeadFactory(actor=rep)
    for url in _filtered_urls(params):
        client = api if url.startswith("/api/") else rep_client
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)
        if url.startswith("/api/") and response.status_code == 200:
            assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        (f"assigned_user={HUGE}", "assigned_user"),
        ("assigned_user=12x", "assigned_user"),
        ("assigned_user=²", "assigned_user"),
        ("assigned_user=-٣", "assigned_user"),
        ("date_entered_min=0001-01-01", "date_entered"),
        ("date_entered_max=9999-12-31", "date_entered"),
    ],
)
def test_out_of_range_filters_are_a_400_in_the_api(api, rep, params, name):
    response = api.get(f"/api/v1/leads/?{params}")
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_the_html_list_ignores_a_refused_filter(rep_client, rep):
    LeadFactory(actor=rep, last_name="Sichtbar")
    response = rep_client.get(reverse("leads:list") + "?date_entered_min=0001-01-01")
    assert response.status_code == 200
    assert "Sichtbar" in response.content.decode()


@pytest.mark.parametrize(
    "custom",
    [{"bad\x00key": "x"}, {"note": "a\x00b"}, {"note": {"nested\x00": "a\x00"}}],
)
def test_a_nul_character_in_custom_values_is_a_400(api, rep, admin, custom):
    create_custom_field(
        registry.get("leads"),
        name="note",
        label_en="Note",
        label_de="Notiz",
        field_type="text",
        actor=admin,
    )
    lead = LeadFactory(actor=rep)
    response = api.patch(f"/api/v1/leads/{lead.pk}/", {"custom": custom}, format="json")
    assert response.status_code == 400, response.content
    lead.refresh_from_db()
    assert lead.custom == {}
    body = json.dumps({"last_name": "Nul", "custom": custom})
    response = api.generic("POST", "/api/v1/leads/", body, content_type="application/json")
    assert response.status_code == 400
    assert Lead.objects.count() == 1


@pytest.mark.parametrize("limit", ["²", "٣", "1²", "0", "201"])
def test_a_limit_that_is_not_a_plain_number_in_range_is_a_400(api, rep, limit):
    lead = LeadFactory(actor=rep)
    for url in ("/api/v1/leads/", f"/api/v1/leads/{lead.pk}/timeline/"):
        response = api.get(url, {"limit": limit})
        assert response.status_code == 400, (url, response.status_code)
        assert "limit" in response.json()["errors"]


@pytest.mark.parametrize("body", [{"last_name": "N", "custom": {"a\x00": "x"}}, {"x\x00": 1}])
def test_a_refusal_naming_a_nul_is_stored_for_its_idempotency_key(api, body):
    raw = json.dumps(body)
    for _ in range(2):
        response = api.generic(
            "POST",
            "/api/v1/leads/",
            raw,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="nul-1",
        )
        assert response.status_code == 400
        assert "\x00" not in json.dumps(response.json(), ensure_ascii=False)
    assert response.headers["Idempotent-Replayed"] == "true"
    assert not Lead.objects.exists()
