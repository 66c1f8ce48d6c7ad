"""The forecast of one viewer: whose rows, grouped by team, with their figures and drills.

Scopes: "me", "user:<id>", "team:<id>" (its members) and "all" (everyone whose opportunities
the viewer may list, plus the people whose quotas they may read). In "all" a user stands in
each of their teams; a team's subtotal adds its members, the total adds every user once.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from kontor.core import permissions
from kontor.currencies import rates
from kontor.forecasts import access, drill
from kontor.forecasts.figures import AMOUNTS, Cell, Row, quotas, rows_of_query
from kontor.forecasts.periods import Period
from kontor.opportunities.models import Opportunity
from kontor.users.models import Team


@dataclass(frozen=True)
class Scope:
    """Whose figures a viewer asked for: their own, one user's, a team's or everyone's they
    may see (`parse_scope` reads the page's and the API's "team:3")."""

    kind: str  # me | user | team | all
    id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}" if self.id is not None else self.kind


def parse_scope(text: str) -> Scope | None:
    kind, _sep, raw = (text or "me").partition(":")
    if kind in {"me", "all"} and not raw:
        return Scope(kind)
    if kind in {"user", "team"} and raw.isascii() and raw.isdigit() and len(raw) < 10:
        return Scope(kind, int(raw))
    return None


def sees_all(viewer) -> bool:
    return permissions.scope(viewer, "list", Opportunity) == "all"


def team_choices(viewer) -> list[Team]:
    """The teams `viewer` may choose: all of them for whoever lists every opportunity, else
    their own."""
    teams = Team.objects.order_by("name")
    return list(
        teams if sees_all(viewer) else teams.filter(pk__in=permissions.user_team_ids(viewer))
    )


def user_choices(viewer) -> list:
    """The people `viewer` may choose: all active users for whoever lists every opportunity,
    else themselves and the members of their teams."""
    users = get_user_model().objects.filter(is_active=True)
    if not sees_all(viewer):
        users = users.filter(
            pk__in=Team.members.through.objects.filter(
                team_id__in=permissions.user_team_ids(viewer)
            ).values("user_id")
        ) | users.filter(pk=viewer.pk)
    return list(users.order_by("first_name", "last_name", "username"))


def name_of(user) -> str:
    return user.get_full_name() or user.username


@dataclass
class Figure:
    """One number of the page: its value in the shown currency and its list address."""

    name: str
    value: Decimal | None
    url: str | None = None
    count: int = 0
    #: opportunities counted here without a base amount (no exchange rate): not added
    missing: int = 0


@dataclass
class Line:
    """A row as the page and the API show it: per period and for the range."""

    row: Row
    periods: list[list[Figure]]
    total: list[Figure]


@dataclass
class Section:
    """A team's lines and subtotal in the page and the API; a scope of one person has one
    section without label or subtotal, and "all" puts people in no team under "No team"."""

    label: str
    team_id: int | None
    lines: list[Line]
    subtotal: Line | None = None


@dataclass
class Forecast:
    """What `build` gives the page and the API: the periods, the sections, the total and the
    notes on opportunities counted but not added."""

    periods: list[Period]
    sections: list[Section]
    total: Line | None
    currency: str
    base: str
    #: visible opportunities of the range without an assigned user (in no row)
    unassigned: int = 0
    without_rate: int = 0
    converted: bool = field(default=False)


def chosen_users(viewer, scope: Scope) -> list[int] | None:
    """The ids of the users `scope` names; None for everyone."""
    if scope.kind == "me":
        return [viewer.pk]
    if scope.kind == "user":
        return [scope.id]
    if scope.kind == "team":
        members = Team.members.through.objects.filter(team_id=scope.id)
        return list(members.values_list("user_id", flat=True))
    return None


def build(viewer, periods: list[Period], scope: Scope, currency: str = "") -> Forecast:
    base = rates.base_currency()
    currency = currency or base
    chosen = chosen_users(viewer, scope)
    data = rows_of_query(viewer, periods, chosen)
    unassigned = sum(
        s.count for (u, _p), groups in data.items() if u is None for s in groups.values()
    )
    found_quotas = quotas(chosen, periods)
    ids = set(chosen) if chosen is not None else {u for u, _p in data if u is not None}
    readable = access.readable_ids(viewer, ids | {u for u, _p in found_quotas})
    if chosen is None:
        ids |= {u for u, _p in found_quotas if u in readable}
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    ids &= set(people)
    active = {pk for pk, u in people.items() if u.is_active}
    rows = {}
    for pk in ids:
        cells = []
        for period in periods:
            cell = Cell(dict(data.get((pk, period.start), {})))
            if pk in readable:
                cell.quota = found_quotas.get((pk, period.start))
            cells.append(cell)
        rows[pk] = Row(name_of(people[pk]), (pk,), cells, _merged(cells))
    sections = _sections(scope, rows)
    shown = Shown(periods, currency, base, active, reverse("opportunities:list"))
    result = Forecast(periods, [], None, currency, base, unassigned, converted=currency != base)
    for label, team_id, members in sections:
        lines = [shown.line(row) for row in members]
        subtotal = None
        if scope.kind in {"team", "all"} and members:
            subtotal = shown.line(_added(members, _("Subtotal %(team)s") % {"team": label}, "team"))
        result.sections.append(Section(label, team_id, lines, subtotal))
    if rows:
        total = _added(sorted(rows.values(), key=lambda r: r.label.lower()), _("Total"), "total")
        result.total = shown.line(total)
        result.without_rate = total.total.without_rate
    return result


def _merged(cells: list[Cell]) -> Cell:
    total = Cell()
    for cell in cells:
        total.add(cell)
    return total


def _added(rows: list[Row], label: str, kind: str) -> Row:
    count = len(rows[0].cells) if rows else 0
    cells = [_merged([r.cells[i] for r in rows]) for i in range(count)]
    ids = tuple(sorted({pk for r in rows for pk in r.user_ids}))
    return Row(label, ids, cells, _merged(cells), kind)


def _sections(scope: Scope, rows: dict[int, Row]) -> list[tuple[str, int | None, list[Row]]]:
    ordered = sorted(rows.values(), key=lambda r: r.label.lower())
    if scope.kind == "team":
        team = Team.objects.filter(pk=scope.id).values_list("name", flat=True).first()
        return [(team or "", scope.id, ordered)]
    if scope.kind != "all":
        return [("", None, ordered)]
    memberships = Team.members.through.objects.filter(user_id__in=list(rows)).values_list(
        "team_id", "team__name", "user_id"
    )
    teams: dict = {}
    placed = set()
    for team_id, team_name, user_id in memberships:
        teams.setdefault((team_name, team_id), []).append(rows[user_id])
        placed.add(user_id)
    out = [
        (name, team_id, sorted(members, key=lambda r: r.label.lower()))
        for (name, team_id), members in sorted(teams.items(), key=lambda t: t[0][0].lower())
    ]
    alone = [r for r in ordered if r.user_ids[0] not in placed]
    if alone:
        out.append((_("No team"), None, alone))
    return out


@dataclass
class Shown:
    """Turns rows into figures in the viewer's currency with their list addresses."""

    periods: list[Period]
    currency: str
    base: str
    active: set[int]
    list_url: str

    def money(self, value: Decimal | None) -> Decimal | None:
        if value is None or self.currency == self.base:
            return value
        return rates.from_base(value, self.currency)

    def figures(self, row: Row, cell: Cell, first, last) -> list[Figure]:
        out = []
        for name in AMOUNTS:
            groups = cell.groups_of(name)
            url = drill.url(
                self.list_url,
                user_ids=row.user_ids,
                first=first,
                last=last,
                figure=groups,
                others=cell.groups,
                active_users=self.active,
            )
            sums = cell.sums(name)
            value = self.money(cell.amount(name))
            out.append(Figure(name, value, url, sums.count, sums.without_rate))
        won_url = out[-1].url
        out.append(Figure("quota", self.money(cell.quota)))
        out.append(Figure("attainment", cell.attainment, won_url if cell.quota else None))
        out.append(Figure("gap", self.money(cell.gap)))
        return out

    def line(self, row: Row) -> Line:
        periods = [
            self.figures(row, cell, period.start, period.end)
            for period, cell in zip(self.periods, row.cells, strict=True)
        ]
        total = self.figures(row, row.total, self.periods[0].start, self.periods[-1].end)
        return Line(row, periods, total)
