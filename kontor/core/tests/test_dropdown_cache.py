"""The per-process copy of dropdown lists: read without unpickling them per request, reloaded
as soon as any process invalidates them."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.core import dropdowns
from kontor.core.models import DropdownValue

pytestmark = pytest.mark.django_db


def test_a_warm_process_reads_only_the_version_from_the_shared_cache(monkeypatch):
    dropdowns.options("lead_status_dom")  # loads the lists and pins them in this process
    asked = []
    original = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **kw: asked.append(key) or original(key, *a, **kw)
    )
    with CaptureQueriesContext(connection) as queries, dropdowns.request_copy():
        keys = [o.key for o in dropdowns.options("lead_status_dom")]
        dropdowns.options("lead_source_dom")  # same request: no second look at the cache
    assert "New" in keys and len(queries) == 0
    assert asked == [f"{dropdowns.CACHE_KEY}:version"]


def test_invalidating_reloads_in_every_process():
    value = DropdownValue.objects.get(dropdown__name="lead_status_dom", key="New")
    assert dropdowns.label("lead_status_dom", "New") == value.label_en
    DropdownValue.objects.filter(pk=value.pk).update(label_en="Fresh")
    # Another process's change: the shared version changes, this process's copy is stale.
    cache.set(f"{dropdowns.CACHE_KEY}:version", "from-another-process", None)
    cache.delete(dropdowns.CACHE_KEY)
    assert dropdowns.label("lead_status_dom", "New") == "Fresh"
    DropdownValue.objects.filter(pk=value.pk).update(label_en="Fresher")
    dropdowns.invalidate()  # this process's own change
    assert dropdowns.label("lead_status_dom", "New") == "Fresher"


def test_a_lost_version_is_a_reload_not_a_stale_copy():
    dropdowns.options("lead_status_dom")
    DropdownValue.objects.filter(dropdown__name="lead_status_dom", key="New").update(
        label_en="After a flush"
    )
    cache.clear()  # Redis restarted or flushed: the version is gone with the lists
    assert dropdowns.label("lead_status_dom", "New") == "After a flush"
