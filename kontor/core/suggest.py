"""Type-ahead of the top search: a few matches of every record type a user may see.

For the search box in the navigation (`/search/suggest/?q=`, kontor.core.views.suggest). Each
module is searched through its search index with a small cap (docs/performance.md rules 2, 3),
through the permission filter, and shows what its declaration names beside each match
(`Module.suggest_columns`: company, e-mail, owner, stage …). A module may also be found through
the name of a record it links to (`Module.suggest_via`: a contact through its account's name),
with a second capped query of the linked module's matches. A whole e-mail address is looked up
in the exact e-mail index of the modules that have one instead of the search index.

The queries are fixed per key: on PostgreSQL one round trip for the ids of every module's newest
matches (a UNION ALL), then the rows of each module with hits, and the links to records the user
sees only in part (kontor.core.records.tables.hidden_links). Other databases run one ids query
per module and link.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import connections

from kontor.core import permissions, registry, search
from kontor.core.records import tables

#: Matches shown per record type
PER_MODULE = 4
#: Matches shown in all
TOTAL = 24
#: Matches collected through the index before sorting (small: the type-ahead runs per key)
CAP = 100
#: Matching linked records (accounts) whose records (contacts) a term also finds
VIA_CAP = 20
#: Shortest term the type-ahead answers
MIN_LENGTH = 2
#: A whole e-mail address (normalized: lower-case, no spaces)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


@dataclass
class Hit:
    """One match: its name, address and the context its module shows beside it."""

    name: str
    url: str
    context: list[str] = field(default_factory=list)
    via: str = ""  # the linked record's name the match was found through


@dataclass
class Group:
    module: object
    hits: list[Hit]


def groups(user, term: str) -> list[Group]:
    """The matches of `term` that `user` may see, grouped by record type, in navigation
    order: at most PER_MODULE per type and TOTAL in all. Empty for a term shorter than
    MIN_LENGTH or without a letter or digit."""
    term = search.normalize(term)
    if len(term) < MIN_LENGTH or not search.searchable(term):
        return []
    modules = [m for m in registry.modules() if permissions.can(user, "view", m.model)]
    # Per module its newest direct matches, then per `suggest_via` link its newest matches
    # through the linked records: (module, link name or "", ids query).
    parts = []
    for module in modules:
        visible = module.model.objects.visible_to(user, "view")
        parts.append((module, "", _newest(_matches(visible, term, CAP), PER_MODULE)))
        for name in module.suggest_via:
            linked = module.model._meta.get_field(name).related_model
            if not permissions.can(user, "view", linked):
                continue
            targets = _matches(linked.objects.visible_to(user, "view"), term, VIA_CAP, ids=True)
            through = visible.filter(**{f"{name}__in": targets})
            parts.append((module, name, _newest(through, PER_MODULE)))
    found = _ids(parts)
    out, left = [], TOTAL
    for module in modules:
        if left <= 0:
            break
        hits = _hits(module, user, found.get(module.slug, {}), min(PER_MODULE, left))
        if hits:
            out.append(Group(module, hits))
            left -= len(hits)
    return out


def _whole_email(term: str) -> bool:
    """Is the normalized term a whole e-mail address (looked up in the e-mail index)?"""
    return bool(EMAIL.fullmatch(term))


def _matches(queryset, term: str, cap: int, ids: bool = False):
    """The (capped) matches of `term` in `queryset`: a whole e-mail address through the
    exact e-mail index of a model that has one (an equality test on a b-tree instead of
    its many trigrams in the search index), anything else through the search index."""
    if _whole_email(term) and _is_column(queryset.model, "email1"):
        queryset = queryset.filter(email1=term)
        return queryset.order_by().values("pk")[:cap] if ids else queryset
    if ids:
        return search.matching_ids(queryset, term, cap)
    return search.search(queryset, term, cap)


def _newest(queryset, limit: int):
    """The ids of the newest `limit` records of `queryset`."""
    return queryset.order_by("-date_modified", "-pk").values_list("pk", flat=True)[:limit]


def _ids(parts) -> dict[str, dict[str, list]]:
    """Run the ids queries of `parts`: {module slug: {link name or "": [ids as text]}}.

    PostgreSQL answers all of them in one round trip (a UNION ALL of the capped queries,
    each keeping its own ORDER BY and LIMIT); other databases one query per part.
    """
    out: dict[str, dict[str, list]] = {}
    connection = connections[parts[0][2].db] if parts else None
    if connection is not None and connection.vendor == "postgresql":
        sqls, params = [], []
        for n, (_module, _name, ids) in enumerate(parts):
            sql, args = ids.query.get_compiler(using=ids.db).as_sql()
            sqls.append(f"SELECT {n}, q.pk::text FROM ({sql}) AS q(pk)")
            params.extend(args)
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(sqls), params)
            rows = cursor.fetchall()
        for n, pk in rows:
            module, name, _ids = parts[n]
            out.setdefault(module.slug, {}).setdefault(name, []).append(pk)
        return out
    for module, name, ids in parts:
        out.setdefault(module.slug, {})[name] = [str(pk) for pk in ids]
    return out


def _hits(module, user, found: dict[str, list], limit: int) -> list[Hit]:
    """Up to `limit` hits of `module` from the ids `found`: its direct matches newest change
    first, then those found through the names of linked records (`suggest_via`), with the
    context its `suggest_columns` name. One query for the rows (none without ids)."""
    direct = set(found.get("", []))
    via: dict[str, str] = {}  # id -> the link it was found through
    for name in module.suggest_via:
        for pk in found.get(name, []):
            if pk not in direct:
                via.setdefault(pk, name)
    if not direct and not via:
        return []
    cols = tables.columns(module, module.suggest_columns)
    related = tables.related_fields(cols)
    links = set(via.values())
    # Only the shown columns and the name's fields (a record's name is built from its search
    # fields): a lead has sixty columns, and building and reading them all costs CPU per key.
    fields = {*tables.loaded_fields(module.model, cols, "-date_modified", ""), "date_modified"}
    fields.update(name for name in module.search_fields if _is_column(module.model, name))
    # At most PER_MODULE ids per part: the few rows are sorted here, since UNION ALL keeps
    # no order. Newest change first, the direct matches before those found through a link.
    records = sorted(
        module.model.objects.filter(pk__in=[*direct, *via])
        .select_related(*related, *links)
        .only(*fields, *links),
        key=lambda r: (r.date_modified, str(r.pk)),
        reverse=True,
    )
    records.sort(key=lambda r: str(r.pk) in via)  # stable
    records = records[:limit]
    rows = tables.rows(module, cols, records, user)
    return [
        Hit(
            name=str(record) or "—",
            url=row["url"],
            context=[text for text, _url in row["cells"] if text],
            via=str(getattr(record, via[str(record.pk)])) if str(record.pk) in via else "",
        )
        for record, row in zip(records, rows, strict=True)
    ]


def _is_column(model, name: str) -> bool:
    """Is `name` a stored field of `model` (not a custom field or a property)?"""
    try:
        return model._meta.get_field(name).concrete
    except FieldDoesNotExist:
        return False
