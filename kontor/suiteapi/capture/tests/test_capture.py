"""SuiteCRM's web-to-lead entry points through HTTP: a form SuiteCRM generated creates a lead
with its values, a repeated e-mail adds to the existing lead, bad input and hostile redirects
write nothing, and switched off the entry points create nothing."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.studio.tests.fields import add_field
from kontor.suiteapi.capture.actions import set_capture
from kontor.suiteapi.capture.tests.suitecrm_form import generated_form, post_form
from kontor.targets.models import Target
from kontor.webforms.actions import save_webform

pytestmark = pytest.mark.django_db

SITE = "https://crm.example.com"
THANKS = "https://www.example.org/thanks"
ANNA = {
    "first_name": "Anna",
    "last_name": "Berg",
    "email1": "anna@example.org",
    "phone_work": "+49 30 1234567",
    "account_name": "Berg GmbH",
    "description": "Please call me about the offer.",
}


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.KONTOR_WEBFORM_REDIRECT_HOSTS = ["www.example.org"]


@pytest.fixture
def visitor():
    return Client(enforce_csrf_checks=True)  # another site's page: no session, no CSRF token


@pytest.fixture
def leads_on(admin):
    return set_capture("leads", True, actor=admin)


def _nothing_written():
    return not Lead.objects.exists() and not Target.objects.exists()


def test_a_form_suitecrm_generated_creates_a_lead_with_its_values(visitor, leads_on, admin):
    html = generated_form(site=SITE, redirect=THANKS)
    response = post_form(visitor, html, ANNA)
    assert response.status_code == 302
    assert response["Location"] == THANKS  # exactly the site's address, no submitted values
    lead = Lead.objects.get()
    assert {k: getattr(lead, k) for k in ANNA} == {**ANNA, "phone_work": "+49 30 1234567"}
    assert (lead.lead_source, lead.status, lead.assigned_user) == ("Web Site", "New", admin)
    created = ChangeLog.objects.get(record_id=lead.pk, action=ChangeLog.Action.CREATE)
    assert created.actor is None and created.origin == leads_on.origin


def test_the_legacy_entry_point_takes_old_field_names_and_thanks_without_a_redirect(
    visitor, leads_on
):
    def post(name: str):
        return visitor.post(
            "/index.php?entryPoint=WebToLeadCapture",
            {
                "last_name": name,
                "webtolead_email1": f"{name.lower()}@example.org",
                "webtolead_email2": f"{name.lower()}2@example.org",
                "webtolead_email_opt_out": "on",
                "campaign_id": "a5c2b1d0-3f4e-4e8a-9a1b-2c3d4e5f6a7b",
            },
            REMOTE_ADDR="198.51.100.8",
        )

    # The second address and the opt-out are taken where the administrator put them on the
    # form: an anonymous post fills nothing else.
    response = post("Kraus")
    assert response.status_code == 200
    assert "Thank you for submitting your interest." in response.content.decode()
    lead = Lead.objects.get()
    assert (lead.email1, lead.email2, lead.email_opt_out) == ("kraus@example.org", "", False)
    leads_on.fields = [
        *leads_on.fields,
        {"name": "email2", "required": False, "label_en": "", "label_de": ""},
        {"name": "email_opt_out", "required": False, "label_en": "", "label_de": ""},
    ]
    leads_on.save(update_fields=["fields"])
    assert post("Lang").status_code == 200
    lead = Lead.objects.get(last_name="Lang")
    assert (lead.email1, lead.email2, lead.email_opt_out) == (
        "lang@example.org",
        "lang2@example.org",
        True,
    )


def test_suitecrm_8_addresses_and_prospects_create_a_target(visitor, admin):
    set_capture("targets", True, actor=admin)
    html = generated_form(site=f"{SITE}/legacy", module_dir="Prospects")
    response = post_form(visitor, html, {"last_name": "Ziel", "email1": "ziel@example.org"})
    assert response.status_code == 200
    assert Target.objects.get().last_name == "Ziel" and not Lead.objects.exists()


def test_the_same_e_mail_again_goes_on_the_lead_timeline_instead_of_a_duplicate(visitor, leads_on):
    html = generated_form(site=SITE, redirect=THANKS)
    post_form(visitor, html, {**ANNA, "phone_work": ""})
    again = post_form(visitor, html, {**ANNA, "first_name": "Anne", "phone_work": "+49 30 7654321"})
    assert again.status_code == 302 and again["Location"] == THANKS
    lead = Lead.objects.get()
    # an anonymous post changes no field of the lead; it is on the lead's timeline for review
    assert (lead.first_name, lead.phone_work) == ("Anna", "")
    event = ChangeLog.objects.get(record_id=lead.pk, field="webform")
    assert "Anne" in event.new_value


def test_a_double_click_makes_one_lead_and_one_event(visitor, leads_on):
    html = generated_form(site=SITE)
    first = post_form(visitor, html, ANNA)
    second = post_form(visitor, html, ANNA)
    assert first.status_code == second.status_code == 200
    lead = Lead.objects.get()
    assert not ChangeLog.objects.filter(record_id=lead.pk, field="webform").exists()


def test_a_bad_e_mail_is_refused_in_the_forms_language_and_writes_nothing(visitor, leads_on, admin):
    leads_on.language = "de"
    save_webform(leads_on, actor=admin)
    logged = ChangeLog.objects.count()
    response = post_form(visitor, generated_form(site=SITE), {**ANNA, "email1": "anna-at-home"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben." in html
    assert "E-Mail: Geben Sie eine gültige E-Mail-Adresse an." in html
    assert _nothing_written() and ChangeLog.objects.count() == logged


def test_a_refused_post_with_a_redirect_goes_back_with_suitecrms_error_flag_only(visitor, leads_on):
    html = generated_form(site=SITE, redirect=f"{THANKS}?form=contact")
    response = post_form(visitor, html, {**ANNA, "last_name": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{THANKS}?form=contact&error=1"
    assert _nothing_written()


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example.net/phish",
        "//evil.example.net/",
        "https://www.example.org.evil.example.net/",
        "javascript:alert(1)",
    ],
)
def test_a_redirect_to_another_host_is_refused_and_writes_nothing(visitor, leads_on, hostile):
    response = post_form(visitor, generated_form(site=SITE, redirect=hostile), ANNA)
    assert response.status_code == 400
    assert "Location" not in response
    assert _nothing_written()


def test_switched_off_the_entry_points_send_to_sign_in_and_create_nothing(visitor, admin):
    html = generated_form(site=SITE, redirect=THANKS)
    never = post_form(visitor, html, ANNA)
    set_capture("leads", True, actor=admin)
    set_capture("leads", False, actor=admin)
    off = post_form(visitor, html, ANNA)
    legacy = visitor.post("/index.php?entryPoint=WebToLeadCapture", ANNA)
    for response in (never, off, legacy):
        assert response.status_code == 302 and response["Location"] == "/login/"
    assert _nothing_written()


def test_only_leads_and_targets_are_created_and_other_entry_points_do_not_exist(visitor, leads_on):
    contacts = post_form(visitor, generated_form(site=SITE, module_dir="Contacts"), ANNA)
    assert contacts.status_code == 400
    assert "Contacts cannot be created this way" in contacts.content.decode()
    hostile = visitor.post(
        "/index.php?entryPoint=WebToPersonCapture", {**ANNA, "moduleDir": "<script>x</script>"}
    )
    assert hostile.status_code == 400 and b"&lt;script&gt;x" in hostile.content
    no_module = visitor.post("/index.php?entryPoint=WebToPersonCapture", ANNA)
    assert no_module.content == b"Not a valid module directory"
    assert visitor.post("/index.php?entryPoint=GeneratePassword", ANNA).status_code == 404
    assert visitor.post("/index.php", ANNA).status_code == 404
    assert visitor.get("/index.php?entryPoint=WebToLeadCapture").status_code == 405
    assert _nothing_written()


def test_a_switched_on_record_type_does_not_open_the_other(visitor, leads_on):
    response = post_form(visitor, generated_form(site=SITE, module_dir="Prospects"), ANNA)
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert _nothing_written()
    assert not ChangeLog.objects.filter(
        record_type=ContentType.objects.get_for_model(Target)
    ).exists()


def test_a_redirect_address_too_long_to_check_is_refused_and_writes_nothing(visitor, leads_on):
    # SuiteCRM sends a page with a form instead of a header for addresses over 2083
    # characters; Kontor adds nothing to the site's address, and refuses one too long for
    # Django's check of a safe address (2048), so a header always does.
    long_page = f"{THANKS}?ref={'x' * 2100}"
    response = post_form(visitor, generated_form(site=SITE, redirect=long_page), ANNA)
    assert response.status_code == 400 and "Location" not in response
    assert _nothing_written()


def test_custom_fields_come_from_suitecrms_names_and_multi_selects(visitor, admin):
    add_field(admin, name="budget")
    add_field(
        admin,
        name="industries",
        label_en="Industries",
        label_de="Branchen",
        field_type="multiselect",
        dropdown="industry_dom",
    )
    set_capture("leads", True, actor=admin)  # offers the custom fields there are now
    response = visitor.post(
        "/index.php?entryPoint=WebToPersonCapture",
        {
            "moduleDir": "Leads",
            "last_name": "Berg",
            "budget_c": "1500",
            "industries_c[]": ["Banking", "Media"],
            "opt_in_email1": "on",
            "email1": "anna@example.org",
        },
    )
    assert response.status_code == 200
    lead = Lead.objects.get()
    assert lead.custom["industries"] == ["Banking", "Media"]
    assert str(lead.custom["budget"]).startswith("1500")
    assert (lead.lawful_basis, lead.lawful_basis_source) == ("consent", "website")
