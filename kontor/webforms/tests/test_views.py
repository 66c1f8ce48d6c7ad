"""The public page and submit endpoint through HTTP: every protection, and what it wrote."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from kontor.core.models import ChangeLog
from kontor.core.testing_tools import whole_page
from kontor.leads.models import Lead
from kontor.webforms import protection
from kontor.webforms.models import UsedToken
from kontor.webforms.tests.factories import make_webform, rendered_token, submit

pytestmark = pytest.mark.django_db

FAST = override_settings(KONTOR_WEBFORM_MIN_SECONDS=0)


@pytest.fixture
def webform(rep):
    return make_webform(rep)


@pytest.fixture
def visitor():
    return Client(enforce_csrf_checks=True)  # no session, no CSRF cookie: like another site


def test_the_hosted_page_shows_the_fields_labels_consent_and_a_hidden_honeypot(visitor, webform):
    response = visitor.get(reverse("webforms:page", args=[webform.key]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="email1"' in html and "Message" in html and "I agree that Kontor" in html
    assert 'class="kontor-hp" aria-hidden="true"' in html
    assert response.headers.get("X-Frame-Options") is None  # may be framed by the snippet


@FAST
def test_a_submission_creates_one_lead_and_says_thanks(
    visitor, webform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(visitor, webform, rendered_token(visitor, webform))
    assert response.status_code == 200
    assert "Thanks, we will call you." in response.content.decode()
    lead = Lead.objects.get()
    assert (lead.last_name, lead.email1, lead.lawful_basis) == (
        "Berg",
        "anna@example.org",
        "consent",
    )
    assert len(mail.outbox) == 1


@FAST
def test_a_double_submit_creates_one_lead(visitor, webform):
    token = rendered_token(visitor, webform)
    first = submit(visitor, webform, token)
    second = submit(visitor, webform, token, last_name="Changed")
    assert first.status_code == second.status_code == 200
    assert "Thanks" in second.content.decode()
    assert list(Lead.objects.values_list("last_name", flat=True)) == ["Berg"]


@FAST
@override_settings(KONTOR_WEBFORM_REDIRECT_HOSTS=["www.example.com"])
def test_the_redirect_goes_to_the_stored_address_without_submitted_data(visitor, rep):
    webform = make_webform(rep, redirect_url="https://www.example.com/danke")
    response = submit(visitor, webform, rendered_token(visitor, webform))
    assert response.status_code == 302
    assert response["Location"] == "https://www.example.com/danke"
    assert Lead.objects.count() == 1


@FAST
def test_the_honeypot_looks_like_success_and_writes_nothing(visitor, webform):
    response = submit(visitor, webform, rendered_token(visitor, webform), homepage="http://spam")
    assert response.status_code == 200 and "Thanks" in response.content.decode()
    assert not Lead.objects.exists() and not UsedToken.objects.exists()


def test_a_submission_faster_than_a_person_is_refused(visitor, webform):
    with override_settings(KONTOR_WEBFORM_MIN_SECONDS=60):
        response = submit(visitor, webform, rendered_token(visitor, webform))
    assert response.status_code == 400
    assert "very fast" in response.content.decode()
    assert not Lead.objects.exists()


@FAST
def test_missing_forged_or_foreign_tokens_are_refused(visitor, webform, rep):
    other = make_webform(rep, name="Other form")
    for token in (
        "",
        "garbage",
        rendered_token(visitor, other),
        rendered_token(visitor, webform)[:-2] + "xx",
    ):
        response = submit(visitor, webform, token)
        assert response.status_code == 400
        assert "expired" in response.content.decode()
    assert not Lead.objects.exists()


@FAST
def test_invalid_input_is_shown_on_the_fields_in_the_forms_language(visitor, rep):
    webform = make_webform(rep, language="de")
    response = submit(
        visitor,
        webform,
        rendered_token(visitor, webform),
        email1="not-an-email",
        last_name="",
        consent="",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in html
    assert "Ich bin einverstanden" in html
    assert not Lead.objects.exists()


@FAST
@override_settings(KONTOR_WEBFORM_RATE=(2, 600))
def test_the_rate_limit_counts_per_client_address(visitor, webform):
    for _ in range(2):
        assert submit(visitor, webform, rendered_token(visitor, webform)).status_code == 200
    refused = submit(visitor, webform, rendered_token(visitor, webform), email1="x@example.org")
    assert refused.status_code == 429
    other = submit(
        visitor,
        webform,
        rendered_token(visitor, webform),
        email1="y@example.org",
        addr="198.51.100.7",
    )
    assert other.status_code == 200
    assert Lead.objects.count() == 2  # anna (then attached again) and y


@FAST
@override_settings(KONTOR_WEBFORM_MAX_BYTES=500)
def test_a_too_large_submission_is_refused_before_reading(visitor, webform):
    response = submit(visitor, webform, rendered_token(visitor, webform), description="x" * 600)
    assert response.status_code == 413
    assert not Lead.objects.exists()


def test_an_inactive_or_unknown_form_is_not_found(visitor, rep):
    webform = make_webform(rep, active=False)
    assert visitor.get(reverse("webforms:page", args=[webform.key])).status_code == 404
    assert visitor.get(reverse("webforms:page", args=["nope"])).status_code == 404
    assert submit(visitor, webform, protection.issue_token(webform)).status_code == 404


@FAST
def test_the_timeline_names_the_web_form(visitor, webform, admin_client):
    submit(visitor, webform, rendered_token(visitor, webform))
    lead = Lead.objects.get()
    assert ChangeLog.objects.get(record_id=lead.pk, action="create").origin == "webform:Contact us"
    page = whole_page(admin_client, lead.get_absolute_url()).content.decode()
    assert "web form Contact us" in page


@FAST
def test_a_field_required_in_studio_is_required_on_the_form_too(visitor, webform, admin):
    from kontor.core import registry
    from kontor.studio.actions.fields import set_required

    set_required(registry.get("leads"), ["phone_work"], actor=admin)
    response = submit(visitor, webform, rendered_token(visitor, webform), phone_work="")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Lead.objects.exists()


def test_a_form_missing_a_field_required_in_studio_is_refused(rep, admin):
    from django.core.exceptions import ValidationError

    from kontor.core import registry
    from kontor.studio.actions.fields import set_required

    set_required(registry.get("leads"), ["department"], actor=admin)
    with pytest.raises(ValidationError) as error:
        make_webform(rep, name="Without department")
    assert "Department" in str(error.value)


@FAST
@override_settings(
    KONTOR_WEBFORM_REDIRECT_HOSTS=["www.example.com"],
    KONTOR_WEBFORM_FRAME_ANCESTORS=["https://www.example.com"],
)
def test_only_the_form_may_be_framed_and_lead_to_its_redirect(visitor, rep, admin_client):
    webform = make_webform(rep, redirect_url="https://www.example.com/danke")
    page = visitor.get(reverse("webforms:page", args=[webform.key]))
    policy = page["Content-Security-Policy"]
    assert "frame-ancestors https://www.example.com" in policy
    assert "form-action 'self' https://www.example.com" in policy
    assert "script-src 'self'" in policy  # the rest of Kontor's policy stays
    sent = submit(visitor, webform, rendered_token(visitor, webform))
    assert "form-action 'self' https://www.example.com" in sent["Content-Security-Policy"]
    inside = admin_client.get(reverse("webforms:admin-list"))
    assert "frame-ancestors 'none'" in inside["Content-Security-Policy"]


@FAST
def test_a_submission_costs_the_same_queries_however_many_leads_exist(visitor, webform, rep):
    from kontor.core.testing import count_queries
    from kontor.leads.tests.factories import LeadFactory

    LeadFactory(actor=rep)
    few, first = count_queries(
        lambda: submit(visitor, webform, rendered_token(visitor, webform), email1="one@example.org")
    )
    for _ in range(10):
        LeadFactory(actor=rep)
    many, second = count_queries(
        lambda: submit(visitor, webform, rendered_token(visitor, webform), email1="two@example.org")
    )
    assert first.status_code == second.status_code == 200
    assert many == few


@FAST
def test_the_embedded_form_has_no_page_chrome_and_keeps_embedding(visitor, webform):
    page = visitor.get(reverse("webforms:page", args=[webform.key]) + "?embed=1")
    html = page.content.decode()
    assert '<input type="hidden" name="embed" value="1">' in html
    assert "<h1" not in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    thanks = submit(visitor, webform, token, embed="1")
    assert thanks.status_code == 200 and "Thanks, we will call you." in thanks.content.decode()
    assert "container py-4" not in thanks.content.decode()
