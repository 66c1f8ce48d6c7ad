"""Layouts: panel fields ordered and hidden, default list columns, reset to the declaration."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kontor.core import config, registry
from kontor.core.admin_log import AdminChange
from kontor.core.testing import count_queries, form_data
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.actions.layouts import reset_layout, set_list_columns, set_panels
from kontor.studio.models import Layout
from kontor.studio.tests.fields import add_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads():
    return registry.get("leads")


def test_the_declaration_is_the_default_layout(leads):
    assert config.panels(leads) == [(t, tuple(n)) for t, n in leads.panels]
    assert config.list_columns(leads) == leads.list_columns


def test_a_stored_layout_orders_and_hides_fields_in_form_and_detail(admin_client, admin, leads):
    first = list(leads.panels[0][1])
    order = [
        "last_name",
        "first_name",
        *[n for n in first if n not in ("last_name", "first_name", "title")],
    ]
    set_panels(leads, {0: order}, ["title"], actor=admin)
    lead = LeadFactory(actor=admin, title="CTO")
    form = admin_client.get(reverse("leads:edit", args=[lead.pk]))
    names = [item["field"].name for item in form.context["form_panels"][0][1]]
    assert names[:2] == ["last_name", "first_name"] and "title" not in names
    # the hidden field keeps its value when the form is saved
    data = form_data(form.context["form"])
    data["first_name"] = "Lara"
    assert admin_client.post(reverse("leads:edit", args=[lead.pk]), data).status_code == 302
    lead.refresh_from_db()
    assert (lead.first_name, lead.title) == ("Lara", "CTO")
    detail = admin_client.get(lead.get_absolute_url())
    labels = [str(f["label"]) for f in detail.context["panels"][0]["fields"]]
    assert labels[0] == "Last name" and "Title" not in labels


def test_layout_editor_page_posts_by_drag_and_drop_and_without_javascript(admin_client, leads):
    page = admin_client.get(reverse("studio:layout", args=["leads"]))
    assert page.status_code == 200 and b'data-name="panel-0"' in page.content
    names = {n: i for i, (_t, ns) in enumerate(leads.panels) for n in ns}
    data = {"op": "panels", "js": "1", **{f"panel-{i}": [] for i in range(len(leads.panels))}}
    for name, i in names.items():
        if name != "title":
            data[f"panel-{i}"].append(name)
    data["hidden"] = ["title"]
    assert admin_client.post(reverse("studio:layout", args=["leads"]), data).status_code == 302
    assert config.layout(Lead, "panels")["hidden"] == ["title"]
    # no JavaScript: a panel select and a position per field
    nojs = {
        "op": "panels",
        **{f"place-{n}": str(i) for n, i in names.items()},
        **{f"pos-{n}": "5" for n in names},
        "place-website": "hidden",
        "pos-last_name": "1",
    }
    admin_client.post(reverse("studio:layout", args=["leads"]), nojs)
    stored = config.layout(Lead, "panels")
    assert stored["hidden"] == ["website"] and stored["panels"][0][1][0] == "last_name"


def test_required_fields_cannot_be_hidden_nor_unknown_fields_placed(admin, leads):
    with pytest.raises(ValidationError):
        set_panels(leads, {0: ["first_name"]}, ["last_name"], actor=admin)
    with pytest.raises(ValidationError):
        set_panels(leads, {0: ["password"]}, [], actor=admin)
    with pytest.raises(ValidationError):
        set_panels(leads, {0: ["first_name"], 1: ["first_name"]}, [], actor=admin)
    assert not Layout.objects.exists() and not AdminChange.objects.exists()


def test_new_custom_fields_appear_until_a_layout_places_them(admin, leads):
    add_field(admin)
    assert config.panels(leads)[-1][1] == ("budget",)
    set_panels(leads, {0: ["last_name", "budget"]}, [], actor=admin)
    assert config.panels(leads)[0][1] == ("last_name", "budget")
    assert "budget" not in config.panels(leads)[-1][1]


def test_default_list_columns_and_reset(admin_client, admin, leads):
    set_list_columns(leads, ["last_name", "email1"], actor=admin)
    LeadFactory(actor=admin)
    page = admin_client.get(reverse("leads:list"))
    assert [c.name for c in page.context["columns"]] == ["last_name", "email1"]
    with pytest.raises(ValidationError):
        set_list_columns(leads, ["nope"], actor=admin)
    page = admin_client.get(reverse("leads:list"))
    assert [c.name for c in page.context["columns"]] == ["last_name", "email1"]
    reset_layout(leads, "list", actor=admin)
    page = admin_client.get(reverse("leads:list"))
    assert tuple(c.name for c in page.context["columns"]) == leads.list_columns
    assert [c.summary for c in AdminChange.objects.order_by("id")] == [
        "Layout saved",
        "Layout reset to the default",
    ]


def test_custom_columns_add_no_query_per_row(admin_client, admin, leads):
    add_field(admin)
    set_list_columns(leads, [*leads.list_columns, "budget"], actor=admin)
    LeadFactory.create_batch(3, actor=admin, custom={"budget": "10"})
    admin_client.get(reverse("leads:list"))
    few, _ = count_queries(lambda: admin_client.get(reverse("leads:list")))
    LeadFactory.create_batch(27, actor=admin, custom={"budget": "10"})
    many, response = count_queries(lambda: admin_client.get(reverse("leads:list")))
    assert len(response.context["rows"]) == 30 and few == many
