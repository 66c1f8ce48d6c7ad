"""Capped substring search over a record table's `search_text` (PERFORMANCE.md rules 2 and 3).

At most `KONTOR_SEARCH_CAP` matches are collected through the search index first, and only those
are sorted and paged, so a rare term and a common one cost about the same. The list tells the
user to refine the search when the cap is reached.
"""

from django.conf import settings


def normalize(term: str) -> str:
    return " ".join(term.lower().split())


def matching_ids(queryset, term: str, cap: int | None = None):
    """A subquery of at most `cap` ids of rows in `queryset` whose search text contains `term`."""
    cap = cap or settings.KONTOR_SEARCH_CAP
    return queryset.filter(search_text__contains=normalize(term)).values("pk")[:cap]


def search(queryset, term: str, cap: int | None = None):
    """`queryset` narrowed to the (capped) matches of `term`; unchanged when `term` is blank."""
    term = normalize(term)
    if not term:
        return queryset
    return queryset.filter(pk__in=matching_ids(queryset.model.objects.all(), term, cap))
