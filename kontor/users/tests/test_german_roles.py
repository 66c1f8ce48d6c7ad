"""The preset roles read German for a German administrator and stay language-neutral when
saved unchanged; an administrator's own text is kept as typed."""

import pytest
from django.urls import reverse

from kontor.core.testing_tools import form_data
from kontor.users.actions import update_profile
from kontor.users.models import Role

pytestmark = pytest.mark.django_db

SHIPPED = "Everything, plus users, teams, roles and configuration."


def sent(form) -> dict:
    """What the browser posts for the unchanged form (no user ticked: no "users" key)."""
    return {k: v for k, v in form_data(form).items() if v not in ("", [])}


def german(client, admin):
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    client.force_login(admin)
    return client


def test_a_preset_role_shows_and_keeps_its_shipped_texts(client, admin):
    role = Role.objects.get(key="administrator")
    url = reverse("admin-role", args=[role.pk])
    page = german(client, admin).get(url)
    form = page.context["form"]
    assert form.initial["description"] == "Alles, dazu Benutzer, Gruppen, Rollen und Konfiguration."
    listed = client.get(reverse("admin-roles")).content.decode()
    assert "Alles, dazu Benutzer" in listed and SHIPPED not in listed

    response = client.post(url, sent(form))
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.name, role.description) == ("Administrator", SHIPPED)


def test_an_administrator_s_own_description_is_kept_as_typed(client, admin):
    role = Role.objects.get(key="sales_rep")
    url = reverse("admin-role", args=[role.pk])
    form = german(client, admin).get(url).context["form"]
    data = {**sent(form), "description": "Nur für das Team Nord."}
    assert client.post(url, data).status_code == 302
    role.refresh_from_db()
    assert (role.name, role.description) == ("Sales rep", "Nur für das Team Nord.")
    assert role.description_label == "Nur für das Team Nord."
    assert "Nur für das Team Nord." in client.get(reverse("admin-roles")).content.decode()
