"""Capped substring search over a record table's `search_text` (docs/performance.md rules 2, 3).

For the list views, the global search, relate pickers and anything else that filters records by
a typed term. At most `KONTOR_SEARCH_CAP` matches are collected through the search index first
(`kontor.core.search_index`: pg_trgm on PostgreSQL, FTS5 trigram on SQLite), and only those are
sorted and paged, so a rare term and a common one cost about the same. The list tells the user
to refine the search when the cap is reached.

Matching is case-insensitive: `search_text` is stored lower-cased and the term is lower-cased
here. A term of three or more characters matches any substring ("schm", "anna.schmidt@web",
"+49 30"); a shorter one matches records with a word (space-separated) starting with it, since
a trigram index cannot answer shorter substrings. A term without any letter or digit matches
nothing. A long term with a digit (an e-mail address, a phone number) asks the index for its
rarest-looking part only and is tested whole on the rows found (`index_window`).
"""

import functools
import itertools

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Expression, F, Lookup, TextField, Value

from kontor.core.search_index import (
    MIN_SUBSTRING,
    PG_MAP,
    PG_PUNCTUATION,
    fts_phrase,
    fts_table,
    pg_expression,
    quote,
)


def normalize(term: str) -> str:
    """The term as it is matched: lower-cased, whitespace runs collapsed, trimmed, without
    control characters (a NUL would end the FTS5 query string early on SQLite)."""
    visible = "".join(ch for ch in term if ch.isprintable() or ch.isspace())
    return " ".join(visible.lower().split())


def searchable(term: str) -> bool:
    """Can a normalized term match anything? (It needs a letter or a digit.)"""
    return any(ch.isalnum() for ch in term)


#: Characters of a long term with a digit that the search index is asked for (five trigrams)
WINDOW = 7


@functools.lru_cache(maxsize=256)
def index_window(term: str) -> str:
    """The part of a normalized term the search index is asked for; rows it finds are then
    tested for the whole term, so the matches are the same.

    For PostgreSQL and SQLite alike: the index's cost grows with the number of trigrams times
    the rows of the rarest one. A whole e-mail address has 25 trigrams, most of them as common
    as "com" or "mai" (8-13 ms on pg_trgm at a million leads, against 1-2 ms for seven of its
    characters). The seven characters without a space chosen have the most digits and
    punctuation and changes between letters, digits and punctuation, the parts that few
    records share ("nn267@g" of "maria.herrmann267@gmail.com"). A term without a digit is
    asked for whole: its letters alone do not tell which part is rare, and a common window
    of a rare term would make the index return thousands of rows to test.
    """
    if len(term) <= WINDOW or not any(ch.isdigit() for ch in term):
        return term
    kinds = "".join(
        "d" if ch.isdigit() else "p" if ch in PG_PUNCTUATION else "a" if ch.isalnum() else " "
        for ch in term
    )
    # Running counts: digits and punctuation up to i, and changes of kind up to i.
    rare = list(itertools.accumulate((k != "a" for k in kinds), initial=0))
    changes = list(itertools.accumulate((a != b for a, b in itertools.pairwise(kinds)), initial=0))
    best, best_score = term, 0
    for start in range(len(term) - WINDOW + 1):
        end = start + WINDOW
        if " " in kinds[start:end]:  # stay inside one word: every character counts in trigrams
            continue
        score = rare[end] - rare[start] + changes[end - 1] - changes[start]
        if score > best_score:
            best, best_score = term[start:end], score
    return best


def matching_ids(queryset, term: str, cap: int | None = None):
    """A subquery of at most `cap` ids of rows in `queryset` whose search text contains `term`.

    Any ordering of `queryset` is dropped: the ids come straight from the search index
    (sorting first would walk the sort index instead, docs/performance.md rule 2).
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
        rowids = sqlite_capped_rowids(queryset, term, cap)
        return queryset.filter(RowidIn(F("search_text"), rowids))
    ctids = (
        queryset.order_by()
        .filter(SearchMatch(F("search_text"), term))
        .annotate(_kontor_ctid=Ctid(F("search_text")))
        .values("_kontor_ctid")[:cap]
    )
    found = queryset.filter(CtidIn(F("search_text"), ctids))
    lookup = _capped_lookup(found)
    if lookup is not None:  # what `page_within_cap` checks
        lookup.conditions = len(found.query.where.children)
    return found


def page_within_cap(queryset, keys: list[str], descending: bool, after: tuple | None, size: int):
    """PostgreSQL: `queryset` from `search`, its capped matches cut to the first `size` in the
    order of the columns `keys` (the last one unique, each NOT NULL), after the row values
    `after` when given; unchanged when it holds no capped search or other conditions were added.

    For a list page (kontor.core.records.pagination), which still sorts, seeks and cuts the
    rows it gets, so the page is the same: only the page's rows are then read by address
    instead of all of the up to 1,000 capped matches (half the database time of a common term).
    """
    lookup = _capped_lookup(queryset)
    if lookup is None or len(queryset.query.where.children) != lookup.conditions:
        return queryset
    inner = lookup.rhs.clone()  # the capped subquery, already resolved
    for n, key in enumerate(keys):
        inner.add_annotation(F(key), f"_kontor_k{n}")
    fields = [queryset.model._meta.get_field(key) for key in keys]
    page = CtidPage(lookup.lhs, inner, fields, descending, after, size)
    paged = queryset.all()
    paged.query.where = paged.query.where.clone()
    paged.query.where.children = [
        page if child is lookup else child for child in paged.query.where.children
    ]
    return paged


def count_within_cap(queryset) -> int | None:
    """PostgreSQL: how many rows `queryset` from `search` holds, counted on its capped
    subquery alone (the list's count needs no row of the table itself); None when it holds
    no capped search or other conditions were added after it (count the queryset then)."""
    lookup = _capped_lookup(queryset)
    if lookup is None or len(queryset.query.where.children) != lookup.conditions:
        return None
    return lookup.rhs.clone().get_count(using=queryset.db)


def _capped_lookup(queryset):
    """The CtidIn condition `search` added to `queryset` (top level, AND), or None."""
    where = queryset.query.where
    if where.connector != "AND" or where.negated:
        return None
    return next((c for c in where.children if isinstance(c, CtidIn)), None)


# --- the query condition --------------------------------------------------------------------


class SearchMatch(Lookup):
    """Query condition: `search_text` contains `term`, answered by the search index.

    `term` must already be normalized (`kontor.core.search.normalize`). Terms shorter than
    `MIN_SUBSTRING` mean "some word starts with term". Use as
    `queryset.filter(SearchMatch(F("search_text"), term))`; as a Lookup, it keeps the right
    table alias when the queryset becomes a subquery.
    """

    lookup_name = "kontor_search"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        term = self.rhs
        col, params = compiler.compile(self.lhs)
        window = index_window(term)
        if connection.vendor == "sqlite":
            alias = compiler.quote_name_unless_alias(self.lhs.alias)
            fts = quote(fts_table(self.lhs.target.model._meta.db_table))
            sql = f"{alias}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
            if window == term:
                return sql, [fts_phrase(term)]
            return f"{sql} AND instr({col}, %s) > 0", [fts_phrase(window), *params, term]
        like = connection.ops.prep_for_like_query(term)
        # pg_trgm knows word boundaries in patterns: "x%" and "% x%" use its "  x" trigrams.
        patterns = [f"%{like}%"] if len(term) >= MIN_SUBSTRING else [f"{like}%", f"% {like}%"]

        def matches(expr: str, values: list[str]) -> tuple[str, list]:
            sql = " OR ".join(f"{expr} LIKE %s" for _ in values)
            return f"({sql})", [arg for value in values for arg in (*params, value)]

        if connection.vendor != "postgresql":
            return matches(col, patterns)  # no index: a scan
        # The index is asked for the window; the exact test below checks the whole term.
        asked = [f"%{connection.ops.prep_for_like_query(window)}%"] if window != term else patterns
        # The LIKE escape character "\\" is not translated.
        indexed = matches(pg_expression(col), [p.translate(PG_MAP) for p in asked])
        # Also test the plain column: exact, and cheaper than the replace()s, so PostgreSQL runs
        # it first and a sequential scan (its choice for common terms, which fill the cap
        # early) runs them only on the rows that match. strpos rather than a second LIKE: the
        # planner would square the estimate of two LIKEs and pick the index for common terms.
        exact = (
            (f"strpos({col}, %s) > 0", [*params, term])
            if len(term) >= MIN_SUBSTRING
            else matches(col, patterns)
        )
        return f"{exact[0]} AND {indexed[0]}", [*exact[1], *indexed[1]]


def sqlite_capped_rowids(queryset, term: str, cap: int) -> list[int]:
    """SQLite: rowids of at most `cap` rows of `queryset` that match the normalized `term`.

    As a join driven by the FTS table, matches stream out of the index and the scan stops at
    the cap; as an `IN (SELECT …)` subquery, SQLite would first collect every match (150,000
    for "@outlook.com" at a million rows). `extra()` is the ORM's only way to join a table
    that has no model; the query runs on its own, so the table name is the row's alias.
    """
    table = queryset.model._meta.db_table
    fts, row = quote(fts_table(table)), quote(table)
    # "+" hides the FTS rowid from the planner, which so cannot probe the index once per row.
    where, params = [f"+{fts}.rowid = {row}.rowid", f"{fts} MATCH %s"], [fts_phrase(term)]
    window = index_window(term)
    if window != term:
        where.append(f"instr({row}.search_text, %s) > 0")
        params = [fts_phrase(window), term]
    rows = (
        queryset.order_by()
        .extra(
            tables=[fts_table(table)],
            select={"_rowid": f"{row}.rowid"},
            where=where,
            params=params,
        )
        .values_list("_rowid", flat=True)[:cap]
    )
    return list(rows)


class RowidIn(Lookup):
    """SQLite query condition: the row's rowid is one of `rowids` (a list of ints).

    One b-tree search per row, against two for the UUID primary key (its index, then the
    table). Use as `queryset.filter(RowidIn(F("search_text"), rowids))`. A row hard-deleted
    and replaced between the two queries could pass its rowid on; Kontor deletes softly.
    """

    lookup_name = "kontor_rowid_in"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        return f"{alias}.rowid IN ({', '.join(['%s'] * len(self.rhs))})", list(self.rhs)


class Ctid(Expression):
    """PostgreSQL: the physical address (ctid) of the row that `column` belongs to."""

    output_field = TextField()

    def __init__(self, column):
        super().__init__()
        self.column = column

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.column.alias)}.ctid", []


class CtidIn(Lookup):
    """PostgreSQL query condition: the row's ctid is one that the subquery `rhs` selects.

    A TID scan reads each of the capped matches straight from its heap page, with no descent
    through the primary key index: a thousand fewer index searches per search page. A ctid
    is only valid within one statement's snapshot, which the subquery shares.
    """

    lookup_name = "kontor_ctid_in"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        sql, params = self.process_rhs(compiler, connection)
        return f"{alias}.ctid = ANY(ARRAY{sql})", params


class CtidPage(CtidIn):
    """PostgreSQL query condition: the row's ctid is one of the first `size` rows, after the
    values `after` of `fields`, of the capped matches `rhs` (a subquery of `_kontor_ctid` and
    the sort keys `_kontor_k0`, … of `fields`, the last one unique) sorted by those keys.

    `page_within_cap` puts it in place of `search`'s CtidIn. The row-value comparison seeks
    as `pagination.Order.after` does for NOT NULL columns.
    """

    def __init__(self, lhs, rhs, fields, descending: bool, after: tuple | None, size: int):
        super().__init__(lhs, rhs)
        self.fields, self.descending, self.after, self.size = fields, descending, after, size

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        sql, params = self.process_rhs(compiler, connection)
        keys = [quote(f"_kontor_k{n}") for n in range(len(self.fields))]
        seek = ""
        if self.after is not None:
            values = [
                compiler.compile(Value(value, output_field=field))
                for value, field in zip(self.after, self.fields, strict=True)
            ]
            op = "<" if self.descending else ">"
            seek = f" WHERE ({', '.join(keys)}) {op} ({', '.join(v[0] for v in values)})"
            params = (*params, *(p for v in values for p in v[1]))
        order = ", ".join(f"{k} DESC" if self.descending else k for k in keys)
        return (
            f'{alias}.ctid = ANY(ARRAY(SELECT s."_kontor_ctid" FROM {sql} AS s{seek} '
            f"ORDER BY {order} LIMIT {int(self.size)}))",
            params,
        )
