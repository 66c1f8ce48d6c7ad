"""Running a report: one grouped query over the records its viewer may list.

`run(report, user) -> Result` is what the report page, its exports, the API and dashboards
call. The records are read through the permission filter (`visible_to(user, "list")`),
filtered and searched exactly as the list does (the module's FilterSet and `search`), then
grouped in SQL (dates truncated to the period in the viewer's time zone) with every figure
computed in the same statement; at most MAX_GROUPS groups are read. Names of the users and
linked records in the keys come in one query each afterwards, never one per group.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Avg, Count, Max, Min, Q, Sum
from django.db.models.functions import Trunc
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core import search
from kontor.core.records.filters import filterset_for
from kontor.reports import groups, spec

_FUNCTIONS = {"sum": Sum, "min": Min, "max": Max, "avg": Avg}


@dataclass
class Row:
    """One group of a result: its keys (stored values), their labels and its figures."""

    keys: list  # stored values (JSON-able: str, int, bool, ISO date, None)
    labels: list[str]
    values: list  # one per figure: int, Decimal or None
    link: str = ""  # the list filtered to this group ("" when the list cannot filter so)


@dataclass
class Result:
    """A report's figures for one viewer: group columns, figure columns, rows, totals."""

    columns: list[str]
    figures: list[dict]  # {"key", "label", "decimals"}
    rows: list[Row]
    totals: list
    truncated: bool = False
    notices: list[str] = field(default_factory=list)
    generated_at: datetime | None = None

    def as_data(self) -> dict:
        """The result as JSON-able data (decimals as text), for the cache and the API."""
        return {
            "columns": self.columns,
            "figures": self.figures,
            "rows": [
                {
                    "keys": r.keys,
                    "labels": r.labels,
                    "values": [_plain(v) for v in r.values],
                    "link": r.link,
                }
                for r in self.rows
            ],
            "totals": [_plain(v) for v in self.totals],
            "truncated": self.truncated,
            "notices": self.notices,
            "generated_at": self.generated_at.isoformat() if self.generated_at else None,
        }

    @classmethod
    def from_data(cls, data: dict) -> "Result":
        figures = data["figures"]

        def typed(values):
            return [_typed(v, f["decimals"]) for v, f in zip(values, figures, strict=True)]

        return cls(
            columns=data["columns"],
            figures=figures,
            rows=[Row(r["keys"], r["labels"], typed(r["values"]), r["link"]) for r in data["rows"]],
            totals=typed(data["totals"]),
            truncated=data["truncated"],
            notices=data["notices"],
            generated_at=datetime.fromisoformat(data["generated_at"])
            if data.get("generated_at")
            else None,
        )


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _typed(value, decimals: bool):
    if value is None:
        return None
    return Decimal(str(value)) if decimals else int(value)


def filter_params(module) -> list[str]:
    """The query parameter names the list of `module` filters by (its FilterSet's, range
    fields with their suffixes), plus the search `q`."""
    filterset = filterset_for(module)(None, queryset=module.model.objects.none())
    names = ["q"]
    for name, bound in filterset.form.fields.items():
        suffixes = getattr(bound.widget, "suffixes", None)
        names += [f"{name}_{s}" for s in suffixes] if suffixes else [name]
    return names


def normalise(module, params) -> str:
    """The filter query string of `params` (a QueryDict): only the list's filter and search
    parameters, without empty values, sorted, so equal filters are equal text."""
    known = set(filter_params(module))
    kept = QueryDict(mutable=True)
    for name in sorted(known & set(params)):
        values = [v for v in params.getlist(name) if v.strip()]
        if values:
            kept.setlist(name, sorted(values))
    return kept.urlencode()


def filter_errors(module, filters: str, user) -> list[str]:
    """What is wrong with the filter values of `filters` ([] when they are valid)."""
    params = QueryDict(filters)
    filterset = filterset_for(module)(
        params, queryset=module.model.objects.none(), request=SimpleNamespace(user=user)
    )
    if filterset.is_valid():
        return []
    return [
        f"{filterset.form.fields[name].label}: {' '.join(messages)}"
        if name in filterset.form.fields
        else " ".join(messages)
        for name, messages in filterset.form.errors.items()
    ]


def records(module, filters: str, user):
    """(queryset, notices): the records of `module` that `user` may list, filtered and
    searched as the list with the query string `filters` shows them."""
    queryset = module.model.objects.visible_to(user, "list")
    params = QueryDict(filters)
    notices = []
    filterset = filterset_for(module)(params, queryset=queryset, request=SimpleNamespace(user=user))
    if filterset.is_valid():
        queryset = filterset.qs
    else:
        notices.append(_("Some filters are no longer valid and were left out."))
    term = params.get("q", "")
    if search.normalize(term):
        queryset = search.search(queryset, term)
        notices.append(
            _("A search counts at most the first %(cap)s matches, as the list does.")
            % {"cap": formats.number_format(settings.KONTOR_SEARCH_CAP, force_grouping=True)}
        )
    return queryset, notices


def run(report, user) -> Result:
    """The figures of `report` as `user` sees them, now, in their language and time zone."""
    module = spec.module_for(report.module)
    spec.validate(report.module, report.group_by, report.aggregates)
    groupable = spec.group_fields(module)
    numbers = spec.number_fields(module)
    queryset, notices = records(module, report.filters, user)
    tz = timezone.get_current_timezone()

    keys = {}
    parts = []
    for i, value in enumerate(report.group_by):
        name, period = spec.parse_group(value)
        group = groupable[name]
        if period:
            keys[f"g{i}"] = Trunc(
                group.expression, period, tzinfo=tz if group.kind == "datetime" else None
            )
        else:
            keys[f"g{i}"] = group.expression
        parts.append((group, period))

    figures, aggregates = [], {}
    for i, value in enumerate(report.aggregates):
        operation, name = spec.parse_figure(value)
        if operation == "count":
            aggregates[f"a{i}"] = Count("*")
            figures.append(
                {"key": value, "label": spec.figure_label(module, value), "decimals": False}
            )
            continue
        number = numbers[name]
        if operation == "avg":  # summed and counted: the totals row averages them exactly
            aggregates[f"a{i}"] = Sum(number.column)
            aggregates[f"n{i}"] = Count(number.column)
        else:
            aggregates[f"a{i}"] = _FUNCTIONS[operation](number.column)
        if number.in_base:  # an amount without an exchange rate has no base value: named
            aggregates["unconverted"] = Count("pk", filter=Q(**{f"{number.column}__isnull": True}))
        decimals = number.decimals or operation == "avg"
        figures.append(
            {"key": value, "label": spec.figure_label(module, value), "decimals": decimals}
        )

    grouped = (
        queryset.order_by()
        .annotate(**keys)
        .values(*keys)
        .annotate(**aggregates)
        .order_by(*keys)[: spec.MAX_GROUPS + 1]
    )
    found = list(grouped)
    truncated = len(found) > spec.MAX_GROUPS
    found = found[: spec.MAX_GROUPS]
    if truncated:
        notices.append(
            _("Only the first %(count)d groups are shown: filter the report to see the rest.")
            % {"count": spec.MAX_GROUPS}
        )

    unconverted = sum(item.get("unconverted", 0) for item in found)
    if unconverted:
        notices.append(
            ngettext(
                "%(n)s without exchange rate, not summed",
                "%(n)s without exchange rate, not summed",
                unconverted,
            )
            % {"n": unconverted}
        )
    labels = groups.labels_of(parts, found, user)
    rows = []
    for item in found:
        key_values = [groups.key_of(item[f"g{i}"], tz, part) for i, part in enumerate(parts)]
        values = [_figure(item, i, f) for i, f in enumerate(report.aggregates)]
        rows.append(
            Row(
                keys=[groups.json_key(k) for k in key_values],
                labels=[labels[i](k) for i, k in enumerate(key_values)],
                values=[_round(v, f) for v, f in zip(values, figures, strict=True)],
                link=groups.link_of(module, report.filters, parts, key_values),
            )
        )
    orders = [groups.order_of(group) for group, _period in parts]
    rows.sort(key=lambda r: tuple(orders[i](k, r.labels[i]) for i, k in enumerate(r.keys)))
    return Result(
        columns=[spec.group_label(module, v) for v in report.group_by],
        figures=figures,
        rows=rows,
        totals=_totals(report.aggregates, figures, found),
        truncated=truncated,
        notices=notices,
        generated_at=timezone.now(),
    )


def _figure(item: dict, i: int, value: str):
    operation, _name = spec.parse_figure(value)
    if operation == "avg":
        total, counted = item[f"a{i}"], item[f"n{i}"]
        return Decimal(str(total)) / counted if counted else None
    return item[f"a{i}"]


def _round(value, figure: dict):
    if value is None:
        return None
    if figure["decimals"]:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return int(value)


def _totals(aggregates: list, figures: list, found: list) -> list:
    """The totals row: counts and sums added, the extremes of the extremes, and averages
    over every value (their sums and counts), not the average of the groups' averages."""
    totals = []
    for i, (value, figure) in enumerate(zip(aggregates, figures, strict=True)):
        operation, _name = spec.parse_figure(value)
        present = [item[f"a{i}"] for item in found if item[f"a{i}"] is not None]
        if operation in ("count", "sum"):
            total = sum((Decimal(str(v)) for v in present), Decimal(0)) if present else None
            total = total if operation == "sum" else int(total or 0)
        elif operation == "avg":
            counted = sum(item[f"n{i}"] for item in found)
            summed = sum(Decimal(str(v)) for v in present)
            total = summed / counted if counted else None
        elif operation == "min":
            total = min(present) if present else None
        else:
            total = max(present) if present else None
        totals.append(_round(total, figure))
    return totals
