"""Whom the target conversion assigns the new lead to: the target's owner only when their
roles show leads, else the converting user; choosing someone who may not see leads converts
with a translated warning (page and API)."""

import pytest

from kontor.api.tests.conftest import token_client
from kontor.conversion.actions import convert_target
from kontor.conversion.tests.pages import convert_url, messages_of
from kontor.core.testing import form_data
from kontor.leads.models import Lead
from kontor.targets.tests.factories import TargetFactory
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

WARNING_DE = (
    "Der Interessent ist Gina Generator zugewiesen, aber diese Person darf keine Interessenten "
    "sehen. Weisen Sie ihn jemand anderem zu oder geben Sie Gina Generator eine Rolle, die "
    "Interessenten zeigt."
)


def user(name, role, **fields):
    return create_user(name, password=f"pw-{name}-12345!", roles=[role], **fields)


@pytest.fixture
def generator(db):
    """Gina, who generates targets and may not see leads."""
    return user("gina", "external_lead_generation", first_name="Gina", last_name="Generator")


@pytest.fixture
def de_client(client, rep):
    rep.profile.language = "de"
    rep.profile.save()
    client.force_login(rep)
    return client


def test_a_target_owner_who_cannot_see_leads_is_not_proposed(de_client, rep, generator):
    target = TargetFactory(actor=generator, last_name="Vogel")
    assert target.assigned_user == generator
    form = de_client.get(convert_url(target)).context["conversion"].lead
    assert form["assigned_user"].value() == rep.pk
    assert convert_target(target, actor=rep).assigned_user == rep


def test_a_target_owner_who_sees_leads_keeps_the_lead(rep, db):
    marketer = user("mark", "marketing")
    target = TargetFactory(actor=marketer, last_name="Vogel")
    assert convert_target(target, actor=rep).assigned_user == marketer


def test_choosing_an_assignee_who_cannot_see_leads_warns_in_german(de_client, rep, generator):
    target = TargetFactory(actor=rep, last_name="Vogel")
    conversion = de_client.get(convert_url(target)).context["conversion"]
    data = {**form_data(conversion.lead), **form_data(conversion.hand_over)}
    data["lead-assigned_user"] = str(generator.pk)
    response = de_client.post(convert_url(target), data, follow=True)
    lead = Lead.objects.get()
    assert lead.assigned_user == generator
    assert WARNING_DE in messages_of(response)


def test_no_warning_for_an_assignee_who_sees_leads(de_client, rep):
    target = TargetFactory(actor=rep, last_name="Vogel")
    conversion = de_client.get(convert_url(target)).context["conversion"]
    data = {**form_data(conversion.lead), **form_data(conversion.hand_over)}
    response = de_client.post(convert_url(target), data, follow=True)
    assert Lead.objects.get().assigned_user == rep
    assert len(messages_of(response)) == 1  # the success message only


def test_the_api_warns_too(rep, generator):
    target = TargetFactory(actor=rep, last_name="Vogel")
    api = token_client(rep)
    response = api.post(
        f"/api/v1/targets/{target.pk}/convert/",
        {"lead": {"assigned_user": str(generator.pk)}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["warnings"] == [
        "The lead is assigned to Gina Generator, who may not see leads. Assign it to someone "
        "else, or give Gina Generator a role that shows leads."
    ]
    other = TargetFactory(actor=generator, last_name="Adler")
    response = api.post(f"/api/v1/targets/{other.pk}/convert/", {}, format="json")
    assert response.json()["warnings"] == []
    assert response.json()["lead"]["assigned_user"] in (str(rep.pk), rep.pk)
