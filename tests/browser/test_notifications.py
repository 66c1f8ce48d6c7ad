"""The notification centre in German: the bell in the top bar shows how many are unread, the
list opens one (read, and on to its record), "Alle als gelesen markieren" empties the bell;
a reminder that falls due pops up as a toast."""

import re

import pytest
from playwright.sync_api import expect

from kontor.accounts.tests.factories import AccountFactory
from kontor.notifications.models import Kind, Notification

pytestmark = pytest.mark.browser


def test_the_bell_counts_and_the_list_marks_read(signed_in, german, admin, screenshot):
    account = AccountFactory(name="Brandt GmbH", actor=german)
    for n, subject in enumerate(("Brandt GmbH", "Kessler OHG", "Neumann KG")):
        Notification.objects.create(
            user=german,
            kind=Kind.ASSIGNED,
            key=f"browser:{n}",
            actor=admin,
            subject=subject,
            url=f"/accounts/{account.pk}/",
        )
    Notification.objects.create(
        user=german,
        kind=Kind.REMINDER,
        key="browser:popup",
        subject="Jahresgespräch",
        popup_shown=False,
    )
    page = signed_in
    page.goto("/")
    count = page.locator("#notification-count")
    expect(count).to_have_text("4")
    toast = page.locator("#notification-toasts .toast")
    expect(toast).to_contain_text("Erinnerung: „Jahresgespräch“")
    page.locator("#notification-bell").click()
    expect(page.get_by_role("heading", name="Benachrichtigungen")).to_be_visible()
    expect(page.locator("[data-notification]")).to_have_count(4)
    screenshot(page, "notifications-list")
    page.get_by_text("Ada Admin hat Ihnen „Neumann KG“ zugewiesen").click()
    expect(page).to_have_url(re.compile(f"/accounts/{account.pk}/$"))
    expect(count).to_have_text("3")
    page.goto("/notifications/")
    page.get_by_role("button", name="Alle als gelesen markieren").click()
    expect(page.locator(".kt-unread")).to_have_count(0)
    expect(count).to_be_hidden()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
