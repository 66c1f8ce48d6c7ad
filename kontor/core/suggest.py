"""Type-ahead of the top search: a few matches of every record type a user may see.

For the search box in the navigation (`/search/suggest/?q=`, kontor.core.views.suggest). Each
module is searched through its search index with a small cap (docs/performance.md rules 2, 3),
through the permission filter, and shows what its declaration names beside each match
(`Module.suggest_columns`: company, e-mail, owner, stage …). A module may also be found through
the name of a record it links to (`Module.suggest_via`: a contact through its account's name),
with a second capped query of the linked module's matches. The number of queries per module is
fixed: the matches, the matches through links, and the links to records the user sees only in
part (kontor.core.records.tables.hidden_links).
"""

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist

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
    out, left = [], TOTAL
    for module in registry.modules():
        if left <= 0:
            break
        if not permissions.can(user, "view", module.model):
            continue
        hits = module_hits(module, user, term, min(PER_MODULE, left))
        if hits:
            out.append(Group(module, hits))
            left -= len(hits)
    return out


def module_hits(module, user, term: str, limit: int) -> list[Hit]:
    """Up to `limit` matches of `term` in `module` that `user` may see, newest change first,
    then those found through the names of linked records (`suggest_via`)."""
    visible = module.model.objects.visible_to(user, "view")
    cols = tables.columns(module, module.suggest_columns)
    related = tables.related_fields(cols)
    # Only the shown columns and the name's fields (a record's name is built from its search
    # fields): a lead has sixty columns, and building and reading them all costs CPU per key.
    fields = {*tables.loaded_fields(module.model, cols, "-date_modified", ""), "date_modified"}
    fields.update(name for name in module.search_fields if _is_column(module.model, name))
    # The newest few of the capped matches are chosen first; only they are joined to their
    # linked records (joining all the matches before sorting reads a page per match).
    newest = search.search(visible, term, CAP).order_by("-date_modified", "-pk")
    records = list(
        module.model.objects.filter(pk__in=newest.values("pk")[:limit])
        .select_related(*related)
        .only(*fields)
        .order_by("-date_modified", "-pk")
    )
    found_via: dict = {}
    for name in module.suggest_via:
        if len(records) >= limit:
            break
        linked = module.model._meta.get_field(name).related_model
        if not permissions.can(user, "view", linked):
            continue
        targets = search.matching_ids(linked.objects.visible_to(user, "view"), term, VIA_CAP)
        seen = [r.pk for r in records]
        newest = (
            visible.filter(**{f"{name}__in": targets})
            .exclude(pk__in=seen)
            .order_by("-date_modified", "-pk")
        )
        more = list(
            module.model.objects.filter(pk__in=newest.values("pk")[: limit - len(records)])
            .select_related(*{*related, name})
            .only(*fields, name)
            .order_by("-date_modified", "-pk")
        )
        for record in more:
            found_via[record.pk] = str(getattr(record, name))
        records += more
    rows = tables.rows(module, cols, records, user)
    return [
        Hit(
            name=str(record) or "—",
            url=row["url"],
            context=[text for text, _url in row["cells"] if text],
            via=found_via.get(record.pk, ""),
        )
        for record, row in zip(records, rows, strict=True)
    ]


def _is_column(model, name: str) -> bool:
    """Is `name` a stored field of `model` (not a custom field or a property)?"""
    try:
        return model._meta.get_field(name).concrete
    except FieldDoesNotExist:
        return False
