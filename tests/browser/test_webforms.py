"""Web forms end to end: an administrator builds a form, an anonymous visitor fills
in the hosted page, the lead appears; sending the same rendered page twice creates one lead."""

import pytest
from playwright.sync_api import expect

from kontor.leads.models import Lead

pytestmark = pytest.mark.browser


def test_admin_builds_a_form_a_visitor_submits_and_a_double_submit_makes_one_lead(
    admin_page, browser, live_server, user, settings, screenshot
):
    settings.KONTOR_WEBFORM_MIN_SECONDS = 0
    page = admin_page

    # 1. The administrator builds the form from the administration menu.
    page.goto("/admin/")
    page.get_by_role("link", name="Web forms").first.click()
    page.get_by_role("link", name="New web form").click()
    page.get_by_label("Name", exact=True).fill("Website contact")
    page.get_by_label("Language of the form").select_option("en")
    page.get_by_label("Assigned to").select_option(label=user.get_full_name())
    page.get_by_label("Thank-you text (English)").fill("Thank you, we will be in touch.")
    page.get_by_label("Consent checkbox text (English)").fill("I agree to be contacted.")
    page.locator("input[name=f_first_name_on]").check()
    page.locator("input[name=f_phone_work_on]").check()
    page.locator("input[name=f_phone_work_label_en]").fill("Your phone")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Saved web form")
    public_url = page.locator("#public-url").inner_text()
    expect(page.locator("#snippet")).to_contain_text("?embed=1")
    screenshot(page, "webform-admin")

    # 2. An anonymous visitor (no session) fills in the hosted page.
    visitor_context = browser.new_context(locale="en-US")
    visitor = visitor_context.new_page()
    try:
        visitor.goto(public_url)
        visitor.get_by_label("First name").fill("Vera")
        visitor.get_by_label("Last name").fill("Besucher")
        visitor.get_by_label("Email").fill("vera@example.org")
        visitor.get_by_label("Your phone").fill("+49 30 1234567")
        visitor.get_by_label("I agree to be contacted.").check()
        token = visitor.locator("input[name=token]").input_value()
        visitor.get_by_role("button", name="Send").click()
        expect(visitor.locator("#webform-thanks")).to_contain_text("we will be in touch")
        screenshot(visitor, "webform-thanks")

        # 3. The same rendered page sent again (a double click, a resend): no second lead,
        # even with another e-mail address, because its token was used.
        again = visitor_context.request.post(
            public_url + "submit/",
            form={
                "token": token,
                "last_name": "Zweiter",
                "email1": "other@example.org",
                "consent": "on",
            },
        )
        assert again.status == 200 and "in touch" in again.text()
    finally:
        visitor_context.close()

    lead = Lead.objects.get()
    assert (lead.first_name, lead.last_name, lead.email1, lead.phone_work) == (
        "Vera",
        "Besucher",
        "vera@example.org",
        "+49 30 1234567",
    )
    assert (lead.status, lead.lifecycle_stage, lead.lawful_basis) == ("New", "ML", "consent")
    assert lead.assigned_user == user

    # 4. The lead appears in the list, with the web form named in its timeline.
    page.goto("/leads/")
    page.get_by_role("link", name="Besucher").first.click()
    expect(page.locator("body")).to_contain_text("via web form Website contact")
