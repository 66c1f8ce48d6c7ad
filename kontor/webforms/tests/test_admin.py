"""The admin's pages: only admins reach them; a form is built from the field grid; bad
definitions are refused on the field that caused them and save nothing."""

import pytest
from django.test import override_settings
from django.urls import reverse

from kontor.webforms.formfields import ALLOWED_FIELDS
from kontor.webforms.models import WebForm
from kontor.webforms.tests.factories import make_webform

pytestmark = pytest.mark.django_db


def definition(user, **extra) -> dict:
    data = {
        "name": "Trade fair 2027",
        "module": "leads",
        "language": "de",
        "active": "on",
        "lead_source": "Trade Show",
        "campaign_name": "Messe",
        "assignment": "user",
        "assigned_user": user.pk,
        "thank_you_de": "Danke!",
        "redirect_url": "",
        "consent_text_de": "Ich willige ein.",
    }
    for position, name in enumerate(ALLOWED_FIELDS, start=1):
        data[f"f_{name}_pos"] = position * 10
    for name in ("last_name", "email1", "first_name"):
        data[f"f_{name}_on"] = "on"
    data["f_last_name_required"] = data["f_email1_required"] = "on"
    data["f_email1_label_de"] = "Ihre E-Mail"
    data.update(extra)
    return data


def test_non_admins_get_404_and_nothing_is_saved(rep_client, rep):
    webform = make_webform(rep)
    for url in (
        reverse("webforms:admin-list"),
        reverse("webforms:admin-create"),
        reverse("webforms:admin-edit", args=[webform.pk]),
    ):
        assert rep_client.get(url).status_code == 404
    response = rep_client.post(reverse("webforms:admin-create"), definition(rep))
    assert response.status_code == 404
    assert WebForm.objects.count() == 1


def test_an_admin_builds_a_form_from_the_grid(admin_client, admin, rep):
    response = admin_client.post(reverse("webforms:admin-create"), definition(rep))
    webform = WebForm.objects.get(name="Trade fair 2027")
    assert response.status_code == 302
    assert [f["name"] for f in webform.fields] == ["first_name", "last_name", "email1"]
    assert webform.fields[2] == {
        "name": "email1",
        "required": True,
        "label_en": "",
        "label_de": "Ihre E-Mail",
    }
    assert (webform.created_by, webform.assigned_user, webform.lead_source) == (
        admin,
        rep,
        "Trade Show",
    )
    page = admin_client.get(reverse("webforms:admin-edit", args=[webform.pk])).content.decode()
    assert f"/f/{webform.key}/?embed=1" in page and "&lt;iframe" in page
    listing = admin_client.get(reverse("webforms:admin-list")).content.decode()
    assert "Trade fair 2027" in listing


def test_a_form_without_the_last_name_is_refused(admin_client, rep):
    data = definition(rep)
    del data["f_last_name_on"]
    response = admin_client.post(reverse("webforms:admin-create"), data)
    assert response.status_code == 400
    assert "needs the last name" in response.content.decode()
    assert not WebForm.objects.exists()


@override_settings(KONTOR_WEBFORM_REDIRECT_HOSTS=["www.example.com"])
def test_a_redirect_to_another_host_is_refused(admin_client, rep):
    response = admin_client.post(
        reverse("webforms:admin-create"),
        definition(rep, redirect_url="https://evil.example.net/phish"),
    )
    assert response.status_code == 400
    assert "www.example.com" in response.content.decode()
    assert not WebForm.objects.exists()
    ok = admin_client.post(
        reverse("webforms:admin-create"),
        definition(rep, redirect_url="https://www.example.com/danke"),
    )
    assert ok.status_code == 302
    assert WebForm.objects.get().redirect_url == "https://www.example.com/danke"


def test_a_fixed_assignment_needs_a_user(admin_client, rep):
    response = admin_client.post(
        reverse("webforms:admin-create"), definition(rep, assigned_user="")
    )
    assert response.status_code == 400
    assert not WebForm.objects.exists()


def test_the_admin_menu_lists_web_forms(admin_client):
    page = admin_client.get(reverse("admin-index")).content.decode()
    assert reverse("webforms:admin-list") in page


def test_creating_and_changing_a_form_is_in_the_admin_log(admin_client, admin, rep):
    from kontor.core.admin_log import AdminChange

    assert admin_client.post(reverse("webforms:admin-create"), definition(rep)).status_code == 302
    webform = WebForm.objects.get()
    created = AdminChange.objects.get()
    assert (created.actor, created.area, created.target, created.summary) == (
        admin,
        "webform",
        "Trade fair 2027",
        "Web form created",
    )
    assert created.detail["module"] == "leads" and created.detail["assigned_user_id"] == rep.pk
    edit = reverse("webforms:admin-edit", args=[webform.pk])
    changed = definition(rep, campaign_name="Messe 2028", active="")
    assert admin_client.post(edit, changed).status_code == 302
    entry = AdminChange.objects.latest("id")
    assert (entry.actor, entry.summary, entry.detail) == (
        admin,
        "Web form changed",
        {"campaign_name": ["Messe", "Messe 2028"], "active": [True, False]},
    )


def test_a_refused_form_logs_nothing(admin_client, rep):
    from kontor.core.admin_log import AdminChange

    data = definition(rep)
    del data["f_last_name_on"]
    assert admin_client.post(reverse("webforms:admin-create"), data).status_code == 400
    assert not WebForm.objects.exists() and not AdminChange.objects.exists()
