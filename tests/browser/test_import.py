"""Importing the German lead list through the UI: upload, mapping, dry run, start, the progress
bar moving while the background task runs, the result, and undo."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from kontor.imports import actions, undo
from kontor.imports.models import ImportBatch
from kontor.leads.models import Lead
from kontor.users.actions import create_user

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "kontor/imports/tests/data"
GERMAN_CSV = DATA / "leads-de-semicolon.csv"


@pytest.fixture
def importer(page, context, live_server, tmp_path, settings):
    """Ines, a sales manager (may import leads), signed in; uploads go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    user = create_user(
        "ines",
        password="pw-ines-123!",
        first_name="Ines",
        last_name="Import",
        roles=["sales_manager"],
    )
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return user


def test_german_csv_through_the_ui_with_progress_and_undo(page, importer, screenshot):
    page.goto("/leads/")
    page.get_by_role("link", name="Import").first.click()
    page.locator("#id_file").set_input_files(str(GERMAN_CSV))
    page.get_by_role("button", name="Upload and map columns").click()

    expect(page.get_by_text("cp1252")).to_be_visible()
    expect(page.get_by_label("Straße")).to_have_value("primary_address_street")
    page.get_by_role("button", name="Preview (dry run)").click()
    preview = page.locator("#preview")
    expect(preview.locator('tr[data-row="17"]')).to_contain_text("valid email")
    expect(preview.locator('tr[data-row="151"]')).to_contain_text("Duplicate of row 1")
    assert Lead.objects.count() == 0
    page.get_by_role("button", name="Start import").click()

    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    batch = ImportBatch.objects.get()
    seen = []

    def watch(b):
        # Halfway through, the page (polling every second) shows the committed progress.
        if b.rows_done == 100:
            expect(progress).to_contain_text("100 of 200 rows")
            expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
            seen.append(b.rows_done)

    actions.run_import(batch.pk, chunk_size=20, after_chunk=watch)  # what the worker runs
    assert seen == [100]
    expect(progress).to_have_attribute("data-status", "done")
    expect(progress.locator('[data-count="created"]')).to_have_text("193")
    expect(progress.locator('[data-count="failed"]')).to_have_text("6")
    expect(page.get_by_role("link", name="Rows not imported (CSV with reasons)")).to_be_visible()
    screenshot(page, "import-done")
    assert Lead.objects.count() == 193

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Undo import").click()
    expect(progress).to_have_attribute("data-status", "undoing")
    undo.run_undo(batch.pk, importer.pk)  # what the worker runs
    expect(progress).to_have_attribute("data-status", "undone")
    assert Lead.objects.count() == 0
