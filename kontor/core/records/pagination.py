"""Keyset (seek) pagination: any page of a million-row list costs the same (PERFORMANCE.md 1).

A page is addressed by a cursor holding the sort value and id of the row it starts after (or
before, going back). Rows are ordered by (sort column, id) with NULLs last, which the
(column, id) indexes of each record table serve.
"""

import base64
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q


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


def encode(direction: str, value, pk) -> str:
    raw = json.dumps([direction, value, str(pk)], cls=DjangoJSONEncoder)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, field) -> tuple[str, object, str] | None:
    """(direction, value, pk) of a cursor, or None when it is damaged (then: first page)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, value, pk = json.loads(raw)
        if direction not in ("next", "prev"):
            return None
        return direction, (None if value is None else field.to_python(value)), pk
    except Exception:  # noqa: BLE001 - any damaged cursor means "start over"
        return None


def _ordering(name: str, descending: bool):
    col, pk = F(name), F("pk")
    if descending:
        return [col.desc(nulls_last=True), pk.desc()]
    return [col.asc(nulls_last=True), pk.asc()]


def _after(name: str, value, pk, descending: bool) -> Q:
    """Rows after (value, pk) in the order (name, pk), NULLs last."""
    if value is None:
        return Q(**{f"{name}__isnull": True}) & Q(**{"pk__lt" if descending else "pk__gt": pk})
    op = "lt" if descending else "gt"
    return (
        Q(**{f"{name}__{op}": value})
        | Q(**{name: value, f"pk__{op}": pk})
        | Q(**{f"{name}__isnull": True})
    )


def _before(name: str, value, pk, descending: bool) -> Q:
    """Rows before (value, pk) in the order (name, pk), NULLs last."""
    op = "gt" if descending else "lt"
    if value is None:
        return Q(**{f"{name}__isnull": False}) | Q(**{f"{name}__isnull": True,
                                                       f"pk__{op}": pk})
    return Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"pk__{op}": pk})


def resolve(model, path: str):
    """The field at the end of a lookup path such as "account__name"."""
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return field


def value_at(row, path: str):
    """The value of a lookup path on a loaded row (related rows come from select_related)."""
    for part in path.split("__"):
        if row is None:
            return None
        row = getattr(row, part)
    return row


def paginate(queryset, sort: str, cursor: str | None, size: int) -> Page:
    """One page of `queryset` sorted by `sort` ("name", "-name", "account__name"), from `cursor`.

    Foreign keys are sorted by a field of the related row (given as a path).
    """
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    field = resolve(queryset.model, name)
    attname = name if "__" in name else field.attname
    state = decode(cursor, field) if cursor else None
    if state and state[0] == "prev":
        _, value, pk = state
        rows = list(queryset.filter(_before(attname, value, pk, descending))
                    .order_by(*_ordering(attname, not descending))[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        has_prev, has_next = more_before, True
    else:
        if state:
            _, value, pk = state
            queryset = queryset.filter(_after(attname, value, pk, descending))
        rows = list(queryset.order_by(*_ordering(attname, descending))[: size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        has_prev = state is not None
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    return Page(
        rows=rows,
        next_cursor=encode("next", value_at(last, attname), last.pk)
        if has_next and last else None,
        prev_cursor=encode("prev", value_at(first, attname), first.pk)
        if has_prev and first else None,
    )
