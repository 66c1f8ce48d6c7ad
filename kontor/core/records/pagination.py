"""Keyset (seek) pagination: any page of a million-row list costs the same.

See docs/performance.md rule 1.

A page is addressed by a cursor holding the sort value and id of the row it starts after (or
before, going back). Rows are ordered by (sort column, id) in the database's natural NULL order
(PostgreSQL sorts NULL last ascending, SQLite first), so the (column, id) indexes of each record
table serve both directions without a sort, and the seek condition starts the index scan at the
cursor instead of walking from the top.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, time

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from kontor.core import search


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None


class _Encoder(DjangoJSONEncoder):
    """Full precision: Django's encoder cuts datetimes to milliseconds, which would make the
    cursor land between rows created in the same millisecond."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def encode(direction: str, value, pk) -> str:
    raw = json.dumps([direction, value, str(pk)], cls=_Encoder)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, field, pk_field) -> tuple[str, object, object] | None:
    """(direction, value, pk) of a cursor, or None when it is damaged (then: first page)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, value, pk = json.loads(raw)
        if direction not in ("next", "prev"):
            return None
        value = None if value is None else field.to_python(value)
        return direction, value, pk_field.to_python(pk)
    except Exception:  # noqa: BLE001 - any damaged cursor means "start over"
        return None


def resolve(model, path: str) -> tuple:
    """(field at the end of a lookup path such as "account__name", whether it can be NULL)."""
    field, nullable = None, False
    for part in path.split("__"):
        field = model._meta.get_field(part)
        nullable = nullable or field.null
        model = field.related_model
    return field, nullable


def value_at(row, path: str):
    """The value of a lookup path on a loaded row (related rows come from select_related)."""
    for part in path.split("__"):
        if row is None:
            return None
        row = getattr(row, part)
    return row


@dataclass(frozen=True)
class Order:
    """One direction of (name, pk) with where the NULLs of `name` fall in it."""

    name: str
    descending: bool
    nullable: bool
    nulls_largest: bool

    @property
    def nulls_last(self) -> bool:
        return self.nulls_largest != self.descending

    def reversed(self) -> "Order":
        return Order(self.name, not self.descending, self.nullable, self.nulls_largest)

    def order_by(self) -> list:
        col, pk = F(self.name), F("pk")
        return [col.desc(), pk.desc()] if self.descending else [col.asc(), pk.asc()]

    def after(self, value, pk) -> Q:
        """Rows after (value, pk) in this order."""
        op = "lt" if self.descending else "gt"
        bound = "lte" if self.descending else "gte"
        is_null = Q(**{f"{self.name}__isnull": True})
        if value is None:
            rest = is_null & Q(**{f"pk__{op}": pk})
            return rest if self.nulls_last else rest | ~is_null
        # A row-value comparison, (name, pk) > (value, pk), starts PostgreSQL's index scan
        # exactly at the cursor, even inside 19,000 "Müller"s; Django writes it out as
        # ORs where the database has no row values, and the redundant bound lets that start
        # the scan at the cursor's value.
        compare = TupleLessThan if self.descending else TupleGreaterThan
        seek = Q(**{f"{self.name}__{bound}": value}) & Q(
            compare(Tuple(F(self.name), F("pk")), (value, pk))
        )
        return seek | is_null if self.nullable and self.nulls_last else seek


def paginate(queryset, sort: str, cursor: str | None, size: int) -> Page:
    """One page of `queryset` sorted by `sort` ("name", "-name", "account__name"), from `cursor`.

    Foreign keys are sorted by a field of the related row (given as a path).
    """
    name = sort.lstrip("-")
    annotation = queryset.query.annotations.get(name)  # e.g. a custom field's typed value
    field, nullable = (
        (annotation.output_field, True) if annotation is not None else resolve(queryset.model, name)
    )
    attname = name if "__" in name or annotation is not None else field.attname
    vendor = connections[queryset.db].vendor
    order = Order(attname, sort.startswith("-"), nullable, nulls_largest=vendor != "sqlite")
    state = decode(cursor, field, queryset.model._meta.pk) if cursor else None
    # A search's capped matches are cut to this page's rows before they are read (PostgreSQL):
    # for a sort by a NOT NULL column of the record itself, which a row value can seek.
    within = (
        annotation is None
        and "__" not in name
        and not nullable
        and (state is None or state[1] is not None)  # a damaged cursor pages as before
    )
    keys = [attname, queryset.model._meta.pk.attname]
    if state and state[0] == "prev":
        _, value, pk = state
        back = order.reversed()
        if within:
            queryset = search.page_within_cap(
                queryset, keys, back.descending, (value, pk), size + 1
            )
        rows = list(queryset.filter(back.after(value, pk)).order_by(*back.order_by())[: size + 1])
        has_prev, has_next = len(rows) > size, True
        rows = rows[:size][::-1]
    else:
        if within:
            after = (state[1], state[2]) if state else None
            queryset = search.page_within_cap(queryset, keys, order.descending, after, size + 1)
        if state:
            queryset = queryset.filter(order.after(state[1], state[2]))
        rows = list(queryset.order_by(*order.order_by())[: size + 1])
        has_next, has_prev = len(rows) > size, state is not None
        rows = rows[:size]
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    return Page(
        rows=rows,
        next_cursor=encode("next", value_at(last, attname), last.pk) if has_next and last else None,
        prev_cursor=encode("prev", value_at(first, attname), first.pk)
        if has_prev and first
        else None,
    )
