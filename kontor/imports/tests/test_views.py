"""The import pages through HTTP: upload, mapping and dry run, start, progress, failed rows,
undo, and the refusals (no import right, someone else's batch)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from kontor.core.models import ChangeLog
from kontor.core.testing_tools import whole_page
from kontor.imports.models import ImportBatch, ImportMapping
from kontor.imports.tests.helpers import upload
from kontor.leads.models import Lead
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _post_mapping(client, batch, step, **extra):
    data = {f"field_{i}": c["field"] for i, c in enumerate(batch.options["columns"])}
    data.update({"mode": "create", "match": "email", "number_format": "de", "step": step})
    data.update(extra)
    return client.post(reverse("imports:batch", args=[batch.pk]), data)


def test_list_offers_import_to_those_who_may(admin_client):
    page = admin_client.get(reverse("leads:list"))
    assert reverse("imports:upload", args=["leads"]).encode() in page.content


def test_upload_shows_the_mapping_with_detected_columns(admin_client):
    response = admin_client.post(
        reverse("imports:upload", args=["leads"]), {"file": upload("leads-de-semicolon.csv")}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:batch", args=[batch.pk])
    page = admin_client.get(response.url).content.decode()
    assert "Straße" in page and "cp1252" in page
    assert '<option value="primary_address_street" selected>' in page


def test_a_broken_file_gets_a_message_on_the_field_and_no_batch(admin_client):
    response = admin_client.post(
        reverse("imports:upload", args=["leads"]),
        {"file": upload("x.csv", b"\x00\x01\x02binary\x00" * 50)},
    )
    assert response.status_code == 200
    assert "binary data" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_preview_then_start_imports_in_the_background_and_undo(
    admin_client, admin, django_capture_on_commit_callbacks
):
    admin_client.post(
        reverse("imports:upload", args=["leads"]), {"file": upload("leads-de-semicolon.csv")}
    )
    batch = ImportBatch.objects.get()
    page = _post_mapping(admin_client, batch, "preview").content.decode()
    assert 'data-row="17" data-outcome="failed"' in page
    assert 'data-row="151" data-outcome="duplicate"' in page
    assert Lead.objects.count() == 0

    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        response = _post_mapping(admin_client, batch, "start")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done" and Lead.objects.count() == 193
    fragment = admin_client.get(reverse("imports:progress", args=[batch.pk])).content.decode()
    assert 'data-count="created">193<' in fragment and "hx-trigger" not in fragment

    failed = admin_client.get(reverse("imports:failed", args=[batch.pk]))
    text = b"".join(failed.streaming_content).decode()
    lines = text.splitlines()
    assert lines[0].startswith("\ufeffVorname;Nachname") and len(lines) == 1 + 7
    assert "'=HYPERLINK" in text  # the formula comes back inert, never as a formula

    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("imports:undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "undone" and Lead.objects.count() == 0
    assert ChangeLog.objects.filter(action="delete", origin__startswith="job:undo-").count() == 193


def test_a_saved_mapping_is_offered_and_applied(admin_client, admin):
    admin_client.post(
        reverse("imports:upload", args=["leads"]), {"file": upload("leads-de-semicolon.csv")}
    )
    batch = ImportBatch.objects.get()
    columns = {f"field_{i}": "" for i in range(10)} | {"field_1": "last_name", "field_3": "email1"}
    _post_mapping(admin_client, batch, "save_mapping", mapping_name="Messe", **columns)
    mapping = ImportMapping.objects.get(name="Messe")
    admin_client.post(
        reverse("imports:upload", args=["leads"]), {"file": upload("leads-de-semicolon.csv")}
    )
    second = ImportBatch.objects.exclude(pk=batch.pk).get()
    page = admin_client.get(
        reverse("imports:batch", args=[second.pk]), {"mapping": mapping.pk}
    ).content.decode()
    assert '<option value="last_name" selected>' in page
    assert '<option value="first_name" selected>' not in page


def test_without_the_import_right_everything_is_404_and_nothing_is_stored(client, admin):
    sam = create_user("sam", password="pw-sam-123!", roles=["sales_rep"])
    client.force_login(sam)
    assert client.get(reverse("imports:upload", args=["leads"])).status_code == 404
    response = client.post(
        reverse("imports:upload", args=["leads"]), {"file": upload("leads-de-semicolon.csv")}
    )
    assert response.status_code == 404 and ImportBatch.objects.count() == 0
    assert (
        reverse("imports:upload", args=["leads"]).encode()
        not in client.get(reverse("leads:list")).content
    )


def test_someone_elses_batch_is_404(client, admin, rep):
    from kontor.imports import actions

    batch = actions.create_batch(upload("leads-de-semicolon.csv"), model=Lead, actor=rep)
    other = create_user("mia", password="pw-mia-123!", roles=["sales_manager"])
    client.force_login(other)
    for name in ("batch", "progress", "failed"):
        assert client.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:undo", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_an_imported_record_names_its_import_in_the_timeline(admin_client, admin):
    from kontor.imports import actions
    from kontor.imports.tests.helpers import run

    batch = actions.create_batch(upload("leads-de-semicolon.csv"), model=Lead, actor=admin)
    batch = run(batch, actor=admin)
    juergen = Lead.objects.get(email1="juergen.mueller@mueller-bau.example")
    page = whole_page(admin_client, reverse("leads:detail", args=[juergen.pk])).content.decode()
    link = reverse("imports:batch", args=[batch.pk])
    assert f'<a href="{link}">import {str(batch.pk)[:8]}</a>' in page


def test_the_progress_of_a_running_import_shows_rate_and_time_left(admin_client, admin):
    from datetime import timedelta

    from django.utils import timezone

    from kontor.imports import actions

    batch = actions.create_batch(upload("leads-de-semicolon.csv"), model=Lead, actor=admin)
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="running",
        rows_total=1_000_000,
        next_row=100_001,
        started_at=now - timedelta(seconds=100),
        progress_at=now,
    )
    fragment = admin_client.get(reverse("imports:progress", args=[batch.pk])).content.decode()
    assert "100,000 of 1,000,000 rows" in fragment and "1,000 rows/s" in fragment
    assert "about 15 min left" in fragment and 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="10"' in fragment


def test_a_stalled_run_or_undo_stops_polling_and_offers_its_button(admin_client, admin):
    """A worker killed mid-run (or mid-undo) leaves the batch running (undoing); once it has
    not moved for STALE_AFTER the page stops polling and shows Resume (Undo) again."""
    from datetime import timedelta

    from django.utils import timezone

    from kontor.imports import actions

    batch = actions.create_batch(upload("leads-de-semicolon.csv"), model=Lead, actor=admin)
    url = reverse("imports:progress", args=[batch.pk])
    long_ago = timezone.now() - actions.STALE_AFTER - timedelta(seconds=1)
    for status, button in (
        ("running", reverse("imports:resume", args=[batch.pk])),
        ("undoing", reverse("imports:undo", args=[batch.pk])),
    ):
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=status, rows_total=10, progress_at=timezone.now()
        )
        fresh = admin_client.get(url).content.decode()
        assert 'hx-trigger="every 1s"' in fresh and button not in fresh
        ImportBatch.objects.filter(pk=batch.pk).update(progress_at=long_ago)
        stalled = admin_client.get(url).content.decode()
        assert 'hx-trigger="every 1s"' not in stalled and f'action="{button}"' in stalled
