"""An import waiting in the queue with no task worker to run it says so on its page, with what
to do (for whoever started it); quiet as soon as a worker beats."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kontor.imports import actions
from kontor.imports.models import ImportBatch
from kontor.imports.tests.helpers import upload
from kontor.leads.models import Lead
from kontor.ops import workers
from kontor.ops.models import Heartbeat, WorkerBeat
from kontor.users.actions import update_profile

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def queued(admin):
    batch = actions.create_batch(upload("leads-de-semicolon.csv"), model=Lead, actor=admin)
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued", rows_total=10)
    return reverse("imports:progress", args=[batch.pk])


def test_a_waiting_import_without_a_worker_says_so(admin_client, queued):
    WorkerBeat.objects.create(  # one that stopped long ago
        worker_id="gone",
        seen_at=timezone.now() - timedelta(hours=1),
        started_at=timezone.now() - timedelta(hours=2),
        pid=1,
        host="app1",
    )
    page = admin_client.get(queued).content.decode()
    assert 'id="no-worker"' in page and "kontor worker" in page
    assert 'hx-trigger="every 1s"' in page  # it keeps looking: a worker may start


def test_a_worker_that_beat_lately_silences_it(admin_client, queued):
    workers.beat("w1")
    assert 'id="no-worker"' not in admin_client.get(queued).content.decode()
    WorkerBeat.objects.all().delete()
    Heartbeat.objects.create(name="worker", seen_at=timezone.now())  # e.g. an RQ worker
    assert 'id="no-worker"' not in admin_client.get(queued).content.decode()


@override_settings(TASKS=IMMEDIATE)
def test_no_warning_when_tasks_run_without_a_worker(admin_client, queued):
    assert 'id="no-worker"' not in admin_client.get(queued).content.decode()


def test_the_warning_speaks_german(admin_client, admin, queued):
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    page = admin_client.get(queued).content.decode()
    translation.activate("en")
    assert "Es läuft kein Hintergrundprozess" in page
