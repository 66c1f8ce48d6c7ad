"""A weekly meeting series created in the German UI: a rule without end refused on the field,
then with an end the occurrences created and listed on the meeting's page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from kontor.activities.models import Meeting
from kontor.users.actions import update_profile

pytestmark = pytest.mark.browser


def test_a_weekly_meeting_with_an_end_lists_its_occurrences(signed_in, user, screenshot):
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    today = datetime.date.today()
    monday = today + datetime.timedelta(days=14 + (7 - today.weekday()) % 7)
    until = monday + datetime.timedelta(days=27)
    page = signed_in
    page.goto("/meetings/new/")
    page.get_by_label("Betreff").fill("Jour fixe Vertrieb")
    page.get_by_label("Beginn").fill(f"{monday.isoformat()}T10:00")
    page.get_by_label("Wiederholung").select_option("Weekly")
    page.get_by_label("Mo", exact=True).check()
    page.get_by_label("Mi", exact=True).check()
    screenshot(page, "recurrence-form-de")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".invalid-feedback")).to_contain_text(
        "Gib an, wann die Wiederholungen enden"
    )
    assert not Meeting.with_deleted.exists()

    page.get_by_label("Wiederholen bis").fill(until.isoformat())
    page.get_by_role("button", name="Speichern").click()
    expect(page).to_have_url(re.compile(r"/meetings/[0-9a-f-]{36}/$"))
    card = page.locator("#series-panel")
    expect(card).to_contain_text(f"Wiederholt sich wöchentlich am Mo, Mi bis {until:%d.%m.%Y}")
    expect(card).to_contain_text("8 Termine")
    expect(card.locator("li")).to_have_count(8)
    screenshot(page, "recurrence-detail-de")
    master = Meeting.objects.get(repeat_parent_id=None)
    assert Meeting.objects.filter(repeat_parent_id=master.pk).count() == 7

    # An occurrence's page links back to the series' first meeting.
    card.locator("li a").nth(2).click()
    expect(page.locator("#series-panel li.active")).to_contain_text("Mi, ")
    page.goto(page.url + "edit/")
    expect(page.get_by_text("Änderung übernehmen für")).to_be_visible()
    screenshot(page, "recurrence-edit-occurrence-de")
