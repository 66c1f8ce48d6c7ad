"""List pages of a search: the capped matches sorted and paged, forwards and back.

For developers touching kontor/core/search.py (`page_within_cap`) or the pagination: on
PostgreSQL a page of a search reads only its own rows of the capped matches; the pages must be
the same as sorting all capped matches, on SQLite and PostgreSQL.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kontor.core import search
from kontor.core.records.pagination import paginate
from kontor.core.tests.test_pagination import expected_order, flat, walk
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vogels():
    """14 leads found by "vogel" (ties on names and creation times) and 5 others."""
    base = timezone.now().replace(microsecond=0)
    for i in range(19):
        name = ("Vogel-b", "Vogel-a", "Vogelsang")[i % 3] if i < 14 else f"Fink{i}"
        lead = LeadFactory(last_name=name, status="Dead" if i % 4 == 0 else "New")
        Lead.objects.filter(pk=lead.pk).update(date_entered=base + timedelta(seconds=i % 5))
    return [lead for lead in Lead.objects.all() if lead.last_name.startswith("Vogel")]


@pytest.mark.parametrize("sort", ["-date_entered", "date_entered", "last_name", "-last_name"])
@pytest.mark.parametrize("size", [1, 4, 14, 50])
def test_search_pages_show_every_match_once(vogels, sort, size):
    pages = walk(search.search(Lead.objects.all(), "vogel"), sort, size)
    name = sort.lstrip("-")
    assert flat(pages) == expected_order(vogels, lambda r: getattr(r, name), sort[0] == "-")


@pytest.mark.parametrize("sort", ["-date_entered", "last_name"])
def test_a_capped_search_pages_through_its_capped_matches(vogels, sort):
    found = search.search(Lead.objects.all(), "vogel", cap=7)
    capped = list(found)
    assert len(capped) == 7
    name = sort.lstrip("-")
    pages = walk(found, sort, 3)
    assert flat(pages) == expected_order(capped, lambda r: getattr(r, name), sort[0] == "-")


def test_conditions_added_after_the_search_still_apply(vogels):
    dead = search.search(Lead.objects.all(), "vogel").filter(status="Dead")
    pages = walk(dead, "-date_entered", 2)
    expected = [lead for lead in vogels if lead.status == "Dead"]
    assert len(expected) == 4
    assert flat(pages) == expected_order(expected, lambda r: r.date_entered, True)


def test_a_page_of_a_search_reads_only_its_rows_of_the_capped_matches(vogels):
    found = search.search(Lead.objects.all(), "vogel")
    first = paginate(found, "-date_entered", None, 2)
    with CaptureQueriesContext(connection) as queries:
        second = paginate(found, "-date_entered", first.next_cursor, 2)
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        # The capped matches are sorted, sought after the cursor and cut to the page first.
        assert 'ORDER BY "_kontor_k0" DESC, "_kontor_k1" DESC LIMIT 3' in sql
        assert '("_kontor_k0", "_kontor_k1") <' in sql
    else:  # SQLite looked the capped rowids up before: nothing to cut
        assert "_kontor_k0" not in sql
    order = expected_order(vogels, lambda r: r.date_entered, True)
    assert [r.pk for r in first.rows + second.rows] == order[:4]


@pytest.mark.parametrize("cap", [7, 1000])
def test_the_count_of_a_search_is_its_capped_matches(vogels, rep_client, settings, cap):
    settings.KONTOR_SEARCH_CAP = cap
    with CaptureQueriesContext(connection) as queries:
        answer = rep_client.get("/leads/count/", {"q": "vogel"}).json()
    assert answer["count"] == min(cap, len(vogels)) == len(search.search(Lead.objects, "vogel"))
    assert answer["capped"] is (cap == 7)
    counted = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":  # counted inside the capped subquery: no ctid join
        assert "COUNT(*)" in counted and "ctid = ANY" not in counted


def test_a_count_with_conditions_after_the_search_counts_the_rows(vogels, rep_client):
    answer = rep_client.get("/leads/count/", {"q": "vogel", "status": "Dead"}).json()
    assert answer["count"] == len([lead for lead in vogels if lead.status == "Dead"]) == 4
