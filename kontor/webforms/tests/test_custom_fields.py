"""Custom fields on web forms: offered in the builder, rendered and checked on the
public page by the custom field's own rules, stored in `record.custom` of a new record (a
duplicate keeps its own, the sent ones are on its timeline); required ones enforced (and
warned about); links never offered."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from kontor.core import config, registry
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.actions.fields import create_custom_field
from kontor.studio.models import CustomField
from kontor.studio.tests.fields import change_field
from kontor.webforms.actions import EVENT_FIELD, submit_webform
from kontor.webforms.models import UsedToken, WebForm
from kontor.webforms.tests.factories import (
    FIELDS,
    make_webform,
    rendered_page,
    rendered_token,
    submit,
)
from kontor.webforms.tests.test_admin import definition

pytestmark = pytest.mark.django_db

FAST = override_settings(KONTOR_WEBFORM_MIN_SECONDS=0)
#: One custom field of every type a public form offers: (type, what a visitor types, stored).
TYPES = [
    ("text", " Blue ", "Blue"),
    ("longtext", "Line one\nline two", "Line one\nline two"),
    ("integer", "12", 12),
    ("decimal", "3.5", "3.5000"),
    ("currency", "1250.5", "1250.50"),
    ("date", "2027-03-01", "2027-03-01"),
    ("datetime", "2027-03-01T09:30", "2027-03-01T08:30:00+00:00"),  # Berlin, winter time
    ("boolean", "on", True),
    ("dropdown", "Banking", "Banking"),
    ("multiselect", ["Banking", "Media"], ["Banking", "Media"]),
    ("url", "www.example.org", "https://www.example.org"),
    ("email", "Info@Example.ORG", "info@example.org"),
    ("phone", "030 1234567", "030 1234567"),
]


def add(admin, name, field_type="text", slug="leads", **kw):
    spec = {"label_en": name.title(), "label_de": f"{name.title()} (de)", "dropdown": "", **kw}
    if field_type in {"dropdown", "multiselect"}:
        spec["dropdown"] = spec["dropdown"] or "industry_dom"
    return create_custom_field(
        registry.get(slug), name=name, field_type=field_type, actor=admin, **spec
    )


def spec(name, required=False, label_en="", label_de=""):
    return {"name": name, "required": required, "label_en": label_en, "label_de": label_de}


@pytest.fixture
def visitor():
    return Client(enforce_csrf_checks=True)


def post(visitor, webform, **data):
    """Send `webform` as `visitor` from a fresh page."""
    return submit(visitor, webform, rendered_token(visitor, webform), addr="203.0.113.9", **data)


def test_the_builder_offers_custom_fields_and_saves_them(admin_client, admin, rep):
    add(admin, "budget", "currency")
    add(admin, "partner", "relate", link_module="accounts")
    add(admin, "newsletter", "boolean", slug="targets")
    page = admin_client.get(reverse("webforms:admin-create")).content.decode()
    assert 'name="c_leads_budget_on"' in page and "Budget" in page
    assert 'name="c_targets_newsletter_on"' in page
    assert "partner" not in page  # a link to a record is never offered
    response = admin_client.post(
        reverse("webforms:admin-create"),
        definition(
            rep,
            c_leads_budget_on="on",
            c_leads_budget_required="on",
            c_leads_budget_pos="25",
            c_leads_budget_label_de="Ihr Budget",
        ),
    )
    assert response.status_code == 302
    webform = WebForm.objects.get()
    assert [f["name"] for f in webform.fields] == ["first_name", "budget", "last_name", "email1"]
    assert webform.fields[1] == spec("budget", True, "", "Ihr Budget")
    edit = admin_client.get(reverse("webforms:admin-edit", args=[webform.pk])).content.decode()
    assert re.search(r'name="c_leads_budget_on"[^>]*checked', edit)
    assert 'value="Ihr Budget"' in edit


def test_a_custom_field_of_another_record_type_is_refused(admin_client, admin, rep):
    add(admin, "newsletter", "boolean", slug="targets")
    response = admin_client.post(
        reverse("webforms:admin-create"), definition(rep, c_targets_newsletter_on="on")
    )
    assert response.status_code == 400
    assert "belong to another record type" in response.content.decode()
    assert not WebForm.objects.exists()


def test_a_link_field_can_be_neither_saved_nor_shown_on_a_form(admin, rep, visitor):
    add(admin, "partner", "relate", link_module="accounts")
    with pytest.raises(Exception) as error:
        make_webform(rep, fields=[*FIELDS, spec("partner")])
    assert "Choose each field at most once, from the list." in str(error.value)
    webform = make_webform(rep)
    # Saved while it was text, then made a link in Studio: the public form leaves it out.
    WebForm.objects.filter(pk=webform.pk).update(fields=[*FIELDS, spec("partner")])
    webform.refresh_from_db()
    _token, html = rendered_page(visitor, webform)
    assert 'name="cf_partner"' not in html and 'name="email1"' in html


@FAST
def test_every_type_is_rendered_checked_and_stored(admin, rep, visitor):
    for kind, _typed, _stored in TYPES:
        add(admin, f"x_{kind}", kind)
    webform = make_webform(rep, fields=[*FIELDS, *(spec(f"x_{k}") for k, _t, _s in TYPES)])
    _token, html = rendered_page(visitor, webform)
    for html_input in (
        'type="number" name="cf_x_integer"',
        'type="date" name="cf_x_date"',
        'type="datetime-local" name="cf_x_datetime"',
        '<select name="cf_x_dropdown"',
        'type="checkbox" name="cf_x_multiselect"',
        'type="url" name="cf_x_url"',
        'type="email" name="cf_x_email"',
        'type="tel" name="cf_x_phone"',
        'type="checkbox" name="cf_x_boolean"',
        '<textarea name="cf_x_longtext"',
    ):
        assert html_input in html
    response = post(visitor, webform, **{f"cf_x_{k}": typed for k, typed, _s in TYPES})
    assert response.status_code == 200, response.content.decode()
    lead = Lead.objects.get()
    assert lead.custom == {f"x_{k}": stored for k, _t, stored in TYPES}


@FAST
def test_an_invalid_value_is_shown_in_the_forms_language_and_writes_nothing(admin, rep, visitor):
    add(admin, "seats", "integer")
    add(admin, "region", "dropdown")
    add(admin, "homepage", "url")
    webform = make_webform(
        rep, language="de", fields=[*FIELDS, spec("seats"), spec("region"), spec("homepage")]
    )
    # "homepage" is also the honeypot's name: the custom field's input must not be taken for it.
    response = post(visitor, webform, cf_seats="zwölf", cf_region="Atlantis", cf_homepage="no url")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte eine ganze Zahl eingeben." in html
    assert "Bitte eine gültige Auswahl treffen. Atlantis ist keine gültige Auswahl." in html
    assert "Geben Sie eine gültige URL ein." in html
    assert 'value="zwölf"' in html  # the visitor's input comes back to be corrected
    assert not Lead.objects.exists() and not UsedToken.objects.exists()


@FAST
def test_a_custom_field_required_in_studio_is_required_on_the_form(admin, rep, visitor):
    add(admin, "budget", "currency", required=True)
    webform = make_webform(rep, fields=[*FIELDS, spec("budget")])  # not marked required here
    _token, html = rendered_page(visitor, webform)
    assert re.search(r'for="id_cf_budget">Budget <span aria-hidden="true">\*', html)
    refused = post(visitor, webform, cf_budget="")
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert not Lead.objects.exists()
    assert post(visitor, webform, cf_budget="99").status_code == 200
    assert Lead.objects.get().custom == {"budget": "99.00"}


def test_a_form_without_a_required_custom_field_is_refused_and_warned_about(
    admin_client, admin, rep
):
    webform = make_webform(rep)
    assert (
        "webform-warning"
        not in admin_client.get(reverse("webforms:admin-edit", args=[webform.pk])).content.decode()
    )
    field = add(admin, "budget", "currency")
    change_field(field, admin, required=True)
    edit = admin_client.get(reverse("webforms:admin-edit", args=[webform.pk])).content.decode()
    assert "Visitors cannot send this form." in edit
    assert "require fields the form does not ask for: Budget" in edit
    listing = admin_client.get(reverse("webforms:admin-list")).content.decode()
    assert "Visitors cannot send this form." in listing
    with pytest.raises(ValidationError) as error:
        make_webform(rep, name="Without budget")
    assert "Budget" in str(error.value)
    assert not WebForm.objects.filter(name="Without budget").exists()  # refused: nothing saved
    fixed = make_webform(rep, name="With budget", fields=[*FIELDS, spec("budget", True)])
    assert (
        "webform-warning"
        not in admin_client.get(reverse("webforms:admin-edit", args=[fixed.pk])).content.decode()
    )


def test_a_required_link_field_is_explained_in_the_warning(admin_client, admin, rep):
    webform = make_webform(rep)
    CustomField.objects.create(
        model_label="leads.lead",
        name="cf_partner",
        label_en="Partner",
        label_de="Partner",
        field_type="relate",
        link_module="accounts",
        required=True,
    )
    config.invalidate()  # Studio's actions refuse a required link; the table does not
    edit = admin_client.get(reverse("webforms:admin-edit", args=[webform.pk])).content.decode()
    assert "A link to a record cannot be on a public form" in edit


@FAST
def test_german_labels_from_the_custom_field_or_the_admin(admin, rep, visitor):
    add(admin, "size", "dropdown", label_en="Industry", label_de="Branche")
    add(admin, "budget", "currency", label_en="Budget", label_de="Etat")
    webform = make_webform(
        rep,
        language="de",
        fields=[*FIELDS, spec("size"), spec("budget", label_en="Budget", label_de="Ihr Etat")],
    )
    _token, html = rendered_page(visitor, webform)
    assert 'for="id_cf_size">Branche' in html
    assert 'for="id_cf_budget">Ihr Etat' in html
    assert '<option value="Banking">Bankwesen</option>' in html  # the list's German labels
    english = make_webform(rep, name="English", fields=[*FIELDS, spec("size")])
    _token, html = rendered_page(visitor, english)
    assert 'for="id_cf_size">Industry' in html and '<option value="Banking">Banking' in html


def test_a_duplicate_keeps_its_custom_values_and_the_sent_ones_are_on_its_timeline(admin, rep):
    add(admin, "budget", "currency")
    add(admin, "region", "dropdown")
    lead = LeadFactory(actor=admin, email1="anna@example.org", custom={"budget": "10.00"})
    webform = make_webform(rep, fields=[*FIELDS, spec("budget"), spec("region")])
    outcome = submit_webform(
        webform,
        {"last_name": "Berg", "email1": "anna@example.org", "budget": "500", "region": "Media"},
        nonce="dup-1",
        consent=False,
    )
    lead.refresh_from_db()
    assert outcome.record_id == lead.pk and not outcome.created
    assert lead.custom == {"budget": "10.00"}
    summary = ChangeLog.objects.get(record_id=lead.pk, field=EVENT_FIELD).new_value
    assert "Budget: 500.00" in summary and "Region: Media" in summary


def test_the_action_stores_values_by_the_custom_fields_own_conversion(admin, rep):
    add(admin, "budget", "currency")
    add(admin, "seats", "integer")
    webform = make_webform(rep, fields=[*FIELDS, spec("budget"), spec("seats")])
    outcome = submit_webform(
        webform,
        {"last_name": "Berg", "email1": "b@example.org", "budget": "1250.5", "seats": None},
        nonce="act-1",
        consent=False,
    )
    assert Lead.objects.get(pk=outcome.record_id).custom == {"budget": "1250.50"}
    with pytest.raises(Exception) as error:
        submit_webform(
            webform,
            {"last_name": "Kurz", "email1": "k@example.org", "seats": "many"},
            nonce="act-2",
            consent=False,
        )
    assert "seats" in error.value.error_dict
    assert Lead.objects.count() == 1 and not UsedToken.objects.filter(pk="act-2").exists()


def test_a_matched_contact_gets_no_custom_value(admin, rep):
    from kontor.contacts.tests.factories import ContactFactory

    add(admin, "budget", "currency")
    add(admin, "note", "text")
    add(admin, "budget", "integer", slug="contacts")
    add(admin, "note", "text", slug="contacts")
    contact = ContactFactory(actor=admin, email1="anna@example.org", phone_work="")
    webform = make_webform(rep, fields=[*FIELDS, spec("budget"), spec("note")])
    submit_webform(
        webform,
        {
            "last_name": "Berg",
            "email1": "anna@example.org",
            "phone_work": "030 1234567",
            "budget": "12.50",
            "note": "Hi",
        },
        nonce="contact-1",
        consent=False,
    )
    contact.refresh_from_db()
    assert contact.custom == {} and contact.phone_work == ""
    summary = ChangeLog.objects.get(record_id=contact.pk, field=EVENT_FIELD).new_value
    assert "Budget: 12.50" in summary and "030 1234567" in summary
