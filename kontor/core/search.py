"""Capped substring search over a record table's `search_text` (PERFORMANCE.md rules 2 and 3).

For the list views, the global search, relate pickers and anything else that filters records by
a typed term. At most `KONTOR_SEARCH_CAP` matches are collected through the search index first
(`kontor.core.search_index`: pg_trgm on PostgreSQL, FTS5 trigram on SQLite), and only those are
sorted and paged, so a rare term and a common one cost about the same. The list tells the user
to refine the search when the cap is reached.

Matching is case-insensitive: `search_text` is stored lower-cased and the term is lower-cased
here. A term of three or more characters matches any substring ("schm", "anna.schmidt@web",
"+49 30"); a shorter one matches records with a word (space-separated) starting with it, since
a trigram index cannot answer shorter substrings. A term without any letter or digit matches
nothing.
"""

from django.conf import settings
from django.db import connections
from django.db.models import F

from kontor.core import search_index
from kontor.core.search_index import SearchMatch


def normalize(term: str) -> str:
    """The term as it is matched: lower-cased, whitespace runs collapsed, trimmed."""
    return " ".join(term.lower().split())


def searchable(term: str) -> bool:
    """Can a normalized term match anything? (It needs a letter or a digit.)"""
    return any(ch.isalnum() for ch in term)


def matching_ids(queryset, term: str, cap: int | None = None):
    """A subquery of at most `cap` ids of rows in `queryset` whose search text contains `term`.

    Any ordering of `queryset` is dropped: the ids come straight from the search index
    (sorting first would walk the sort index instead, PERFORMANCE.md rule 2).
    """
    cap = cap or settings.KONTOR_SEARCH_CAP
    term = normalize(term)
    if not searchable(term):
        return queryset.none().values("pk")
    return queryset.order_by().filter(SearchMatch(F("search_text"), term)).values("pk")[:cap]


def search(queryset, term: str, cap: int | None = None):
    """`queryset` narrowed to the (capped) matches of `term`; unchanged when `term` is blank.

    The cap counts matches within `queryset`, so filters and the trash (`objects` leaves out
    deleted records) apply before it. The rows are then found by their physical address
    instead of the primary key index. On SQLite the capped matches are looked up right away
    (one query, a few milliseconds): FTS5 stops at the cap only when it drives a join, which
    a subquery cannot express. PostgreSQL gets one query with the capped subquery.
    """
    term = normalize(term)
    if not term:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor not in ("sqlite", "postgresql"):
        return queryset.filter(pk__in=matching_ids(queryset, term, cap))
    if not searchable(term):
        return queryset.none()
    cap = cap or settings.KONTOR_SEARCH_CAP
    if vendor == "sqlite":
        rowids = search_index.sqlite_capped_rowids(queryset, term, cap)
        return queryset.filter(search_index.RowidIn(F("search_text"), rowids))
    ctids = (queryset.order_by().filter(SearchMatch(F("search_text"), term))
             .annotate(_kontor_ctid=search_index.Ctid(F("search_text")))
             .values("_kontor_ctid")[:cap])
    return queryset.filter(search_index.CtidIn(F("search_text"), ctids))
