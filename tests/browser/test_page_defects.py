"""What a user sees of four fixes: the record page's timeline shows what is planned apart from
the history, the B2B refusal once, a favicon on every page, and a web form whose missing
consent tick, fixed at once, is accepted."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kontor.activities.actions import complete_task
from kontor.activities.tests.factories import CallFactory, MeetingFactory, TaskFactory
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.models import Opportunity
from kontor.webforms.tests.factories import make_webform

pytestmark = pytest.mark.browser


def test_planned_items_stand_above_the_history_and_a_favicon_is_served(signed_in, user, screenshot):
    page, now = signed_in, timezone.now()
    lead = LeadFactory(first_name="Lena", last_name="Berg", actor=user)
    CallFactory(name="Held call", parent=lead, status="Held", date_start=now - timedelta(days=2))
    MeetingFactory(name="Meeting next week", parent=lead, date_start=now + timedelta(days=7))
    done = TaskFactory(name="Done today", parent=lead, contact=None, date_due=now + timedelta(7))
    complete_task(done, actor=user)
    page.goto(f"/leads/{lead.pk}/")
    planned, history = page.locator("#timeline-planned"), page.locator("#timeline")
    expect(planned).to_contain_text("Meeting next week")
    expect(planned).not_to_contain_text("Done today")
    expect(history.locator("li").first).to_contain_text("Task completed: Done today")
    expect(history).not_to_contain_text("Meeting next week")
    above = planned.bounding_box()["y"] < history.bounding_box()["y"]
    assert above
    screenshot(page, "timeline-planned")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(icon)
    assert response.status == 200 and "<svg" in response.text()


def test_the_b2b_refusal_shows_once(signed_in):
    page = signed_in
    page.goto("/opportunities/new/")
    page.get_by_label("Opportunity name").fill("Fjord roll-out")
    page.get_by_label("Amount").fill("1000")
    page.get_by_label("Expected close date").fill("2026-12-31")
    page.get_by_role("button", name="Save").click()
    message = "An opportunity needs an account (B2B mode)."
    expect(page.get_by_text(message)).to_have_count(1)
    assert not Opportunity.objects.filter(name="Fjord roll-out").exists()  # refused: no record


def test_a_fixed_consent_tick_sent_again_at_once_is_accepted(browser, live_server, rep, settings):
    webform = make_webform(rep)
    settings.KONTOR_WEBFORM_MIN_SECONDS = 0  # the visitor took their time the first time
    visitor_context = browser.new_context(locale="en-US", base_url=live_server.url)
    visitor = visitor_context.new_page()
    try:
        visitor.goto(reverse("webforms:page", args=[webform.key]))
        visitor.locator("input[name=first_name]").fill("Vera")
        visitor.locator("input[name=last_name]").fill("Besucher")
        visitor.locator("input[name=email1]").fill("vera@example.org")
        visitor.locator("form").first.evaluate("form => form.noValidate = true")
        visitor.locator("button[type=submit]").click()
        consent = visitor.locator("input[name=consent]")
        expect(consent).to_be_visible()
        settings.KONTOR_WEBFORM_MIN_SECONDS = 60  # and fixes the tick within a minute
        consent.check()
        visitor.locator("button[type=submit]").click()
        expect(visitor.get_by_text(re.compile("very fast"))).to_have_count(0)
        expect(visitor.locator("#webform-thanks")).to_be_visible()
        assert Lead.objects.filter(last_name="Besucher").count() == 1
    finally:
        visitor_context.close()
