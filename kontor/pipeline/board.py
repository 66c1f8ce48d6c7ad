"""What the board reads: the opportunities a viewer's filters select and the cards of a column.

For the board's pages (views.py) and the analytics API (api.py), which filter alike: the
opportunities list's FilterSet (owner, "only mine", close period as `date_closed_min` /
`date_closed_max`, stage, type …), its search `q`, and `team` (records of one team). All
reads start from the one permission filter, `Opportunity.objects.visible_to(user, "list")`.

A column's cards are ordered by expected close date (soonest first), then id, and paged by
keyset (`after` = the last card's date and id), so "more" costs what the first page costs.
"""

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core import permissions, search
from kontor.core.records.filters import filterset_for
from kontor.core.records.tables import name_label, not_available
from kontor.opportunities.models import Opportunity
from kontor.pipeline.templatetags.pipeline import money_formatter

#: Cards per column and per "more".
PAGE = 20
#: The parameters of the board that are no filter of the FilterSet.
OWN_PARAMS = frozenset({"q", "currency", "team", "view", "stage", "after"})
#: What a card shows (and nothing else is loaded).
CARD_FIELDS = (
    "name",
    "amount",
    "currency",
    "date_closed",
    "sales_stage",
    "stage_entered",
    "probability",
    "date_modified",
    "assigned_user_id",
    "created_by_id",
    "account_id",
)
#: The linked account's and owner's columns a card shows, joined into the card's row (no
#: account or user instance is built: a board builds up to 200 cards).
CARD_LINKS = {
    "account_name": F("account__name"),
    "account_deleted": F("account__deleted"),
    "owner_username": F("assigned_user__username"),
    "owner_first_name": F("assigned_user__first_name"),
    "owner_last_name": F("assigned_user__last_name"),
}


@dataclass
class Selection:
    """The opportunities a viewer's parameters select: the queryset, the bound FilterSet
    (None when no filter was given) and whether the parameters were valid."""

    queryset: object
    filterset: object
    valid: bool
    term: str
    team: int | None
    #: what is wrong with parameters the FilterSet does not read (the team), by name
    own_errors: dict = field(default_factory=dict)

    @property
    def errors(self) -> dict:
        """Every invalid parameter's messages, by name (the board shows them, the API
        answers them with a 400)."""
        found = dict(self.filterset.errors) if self.filterset is not None else {}
        return {**found, **self.own_errors}


def select(module, request, params) -> Selection:
    """The opportunities `request.user` may list that `params` (a QueryDict) select."""
    queryset = Opportunity.objects.visible_to(request.user, "list")
    filterset, valid = None, True
    if any(name not in OWN_PARAMS for name in params):
        filterset = filterset_for(module)(params, queryset=queryset, request=request)
        valid = filterset.is_valid()
        if valid:
            queryset = filterset.qs
            # Filters on the record's own columns: no join that could repeat a row, and
            # DISTINCT would sort every match (kontor.api.viewsets explains the cost).
            queryset.query.distinct = False
    own_errors = {}
    raw_team = (params.get("team") or "").strip()
    team = _team_id(raw_team)
    if raw_team and team is None:
        # Dropped silently, the figures would be everyone's under the team's name.
        own_errors["team"] = [_("Choose a team from the list.")]
        valid = False
    if team is not None:
        members = Opportunity.teams.through.objects.filter(
            opportunity_id=OuterRef("pk"), team_id=team
        )
        queryset = queryset.filter(Exists(members))
    term = params.get("q", "").strip()
    return Selection(search.search(queryset, term), filterset, valid, term, team, own_errors)


def _team_id(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text)


class Card:
    """A card's row: its columns and links as attributes (`pk` too). No model instance: a
    board builds up to 160 cards, and building each as an Opportunity cost more than
    rendering it."""

    def __init__(self, row: dict):
        self.__dict__.update(row)
        self.pk = row["id"]


def _rows(queryset):
    return queryset.values("id", *CARD_FIELDS, **CARD_LINKS)


def _page(queryset, stage: str, after: tuple[date, UUID] | None = None):
    rows = _rows(queryset.filter(sales_stage=stage).order_by("date_closed", "pk"))
    if after is not None:
        day, pk = after
        rows = rows.filter(Q(date_closed__gt=day) | Q(date_closed=day, pk__gt=pk))
    return rows[: PAGE + 1]


def cards(queryset, stage: str, after: tuple[date, UUID] | None = None) -> tuple[list, bool]:
    """The cards of `stage` after the card `after` (date_closed, id): (records, more?)."""
    found = [Card(row) for row in _page(queryset, stage, after)]
    return found[:PAGE], len(found) > PAGE


def first_cards(queryset, stages: list[str]) -> dict[str, tuple[list, bool]]:
    """The first cards of each of `stages`: {stage: (records, more?)}, in one query (a UNION
    ALL of each stage's first page, each along the board's index)."""
    if not stages:
        return {}
    parts = [_page(queryset, stage) for stage in stages]
    if (
        len(parts) > 1
        and not connections[queryset.db].features.supports_slicing_ordering_in_compound
    ):
        # SQLite takes no LIMIT in a part of a UNION; it does in a subquery.
        parts = [_rows(Opportunity.objects.filter(pk__in=part.values("pk"))) for part in parts]
    found: dict[str, list] = {stage: [] for stage in stages}
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for row in combined:
        found[row["sales_stage"]].append(Card(row))
    for rows in found.values():
        rows.sort(key=lambda r: (r.date_closed, r.pk))
    return {stage: (rows[:PAGE], len(rows) > PAGE) for stage, rows in found.items()}


def decorate(user, records: list) -> list:
    """Give each card its texts: account (never the name of one the viewer may not see or
    one in the trash, as `tables.link_texts` says; one query at most for all cards), owner,
    amount with its currency, close date, days in stage. The formats are read once and
    each distinct date or number of days is formatted once per request (a board has up to
    160 cards and a few dozen distinct dates)."""
    Account = Opportunity._meta.get_field("account").related_model  # noqa: N806
    visible = permissions.visible_ids(user, Account, {r.account_id for r in records})
    now = timezone.now()
    money = money_formatter()
    dates: dict[date, str] = {}
    days: dict[int, str] = {}
    for record in records:
        if not record.account_id:
            record.account_text = ""
        elif record.account_id in visible and not record.account_deleted:
            record.account_text = record.account_name
        else:
            record.account_text = not_available()
        record.owner_text = name_label(
            record.owner_username, record.owner_first_name, record.owner_last_name
        )
        record.amount_text = money(record.amount, record.currency)
        day = record.date_closed
        if day not in dates:
            dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        record.date_text = dates[day]
        record.days_in_stage = (now - record.stage_entered).days if record.stage_entered else None
        if record.days_in_stage is None:
            record.days_text = ""
        else:
            n = record.days_in_stage
            if n not in days:
                days[n] = ngettext("%(n)s day", "%(n)s days", n) % {"n": n}
            record.days_text = days[n]
        record.version = record.date_modified.isoformat() if record.date_modified else ""
        record.after = f"{record.date_closed.isoformat()}_{record.pk}"
    return records


def parse_after(raw: str) -> tuple[date, UUID] | None:
    """The keyset `after` of a "more" request ("<date>_<uuid>"); None when malformed."""
    day, _sep, pk = (raw or "").partition("_")
    try:
        return date.fromisoformat(day), UUID(pk)
    except ValueError:
        return None
