"""The pipeline board of opportunities (/opportunities/board/), for salespeople and their
managers: a column per sales stage with its count, amount and weighted amount, the cards of
each column paged as the viewer scrolls, and moving a card to another stage.

Views bound to the opportunities module like the generic record views (added under its URLs
by this app's AppConfig.ready()). They read through the permission filter (board.select) and
move a card through the record page's stage step (`StageView.move`: `save_record` with the
same validation, version check, change log and webhooks as the edit form).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.shortcuts import render as render_page
from django.urls import reverse
from django.utils.translation import gettext as _

from kontor.core import permissions
from kontor.core.records.fragments import StageView
from kontor.core.records.tables import user_label
from kontor.core.records.views import ModuleView
from kontor.currencies import rates
from kontor.opportunities.models import Opportunity
from kontor.pipeline import board, figures, render, tabs


def chosen_currency(params) -> tuple[str, str]:
    """(currency the viewer chose, base currency): an active currency, else the base."""
    base = rates.base_currency()
    wanted = (params.get("currency") or "").strip().upper()
    return (wanted if wanted in rates.active_codes() else base), base


def header_context(stage: figures.Stage, currency: str, base: str) -> dict:
    """A column's figures as shown (`shown`) and its header's HTML (`html`)."""
    shown = stage.figures.shown_in(currency, base)
    return {"stage": stage, "shown": shown, "html": render.header(stage, shown)}


class BoardView(ModuleView):
    """The board: filters, the saved views as tabs, and a column per sales stage."""

    action = "list"

    def get(self, request):
        start = tabs.start(request, self.module)  # the bare board opens the default view
        if start:
            return HttpResponseRedirect(start)
        params = request.GET
        selection = board.select(self.module, request, params)
        currency, base = chosen_currency(params)
        columns, total = figures.columns(selection.queryset)
        # Closed stages are folded: their cards load when the viewer opens the column.
        pages = board.first_cards(
            selection.queryset, [s.key for s in columns if not s.closed and s.figures.count]
        )
        shown_cards = []
        for stage in columns:
            stage.cards, stage.more = pages.get(stage.key, ([], bool(stage.figures.count)))
            shown_cards += stage.cards
            stage.header = header_context(stage, currency, base)
        board.decorate(request.user, shown_cards)
        can_edit = permissions.can(request.user, "edit", Opportunity)
        texts = render.Texts.make(can_edit)
        query = params.urlencode()
        for stage in columns:
            # A folded column's cards load when it is opened (its button's hx-get).
            stage.html = (
                ""
                if stage.closed
                else render.cards(stage.cards, texts, more=stage.more, stage=stage.key, query=query)
            )
        return render_page(
            request,
            "pipeline/board.html",
            self.context(
                columns=columns,
                total=total.shown_in(currency, base),
                currency=currency,
                base=base,
                currencies=rates.active_codes(),
                selection=selection,
                query=query,
                params=params,
                teams=_teams(request.user),
                owners=_owners(),
                owner_ids=params.getlist("assigned_user"),
                hidden_filters=[
                    (name, params.getlist(name)) for name in params if name not in TOOLBAR
                ],
                can_edit=can_edit,
                stage_choices=figures.stages(),
                tabs=tabs.for_board(request, self.module),
                list_url=self.module.url("list"),
                board_url=reverse("opportunities:board"),
                column_url=reverse("opportunities:board-column"),
            ),
        )


#: The parameters the board's toolbar shows as inputs (others are kept as hidden inputs).
TOOLBAR = frozenset(
    ("q", "mine", "date_closed_min", "date_closed_max", "team", "assigned_user")
    + ("currency", "view")
)


def _owners() -> list[tuple[str, str]]:
    """(id, name) of the active users, for the owner filter."""
    User = Opportunity._meta.get_field("assigned_user").related_model  # noqa: N806
    rows = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    return [
        (str(pk), user_label(User(username=u, first_name=f, last_name=last)))
        for pk, u, f, last in rows.values_list("pk", "username", "first_name", "last_name")
    ]


def _teams(user):
    """The teams the team filter offers: all for an admin, else the viewer's own."""
    Team = Opportunity.teams.rel.model  # noqa: N806 - core reaches teams through the relation
    if permissions.is_admin(user):
        return list(Team.objects.order_by("name").values_list("pk", "name"))
    return list(user.teams.order_by("name").values_list("pk", "name"))


class ColumnView(ModuleView):
    """GET ?stage=<key>&after=<date>_<id>&<the board's filters>: the next cards of a column
    (the "more" row loads them when scrolled into view; a folded column when opened)."""

    action = "list"

    def get(self, request):
        params = request.GET
        stage = params.get("stage", "")
        after = board.parse_after(params["after"]) if params.get("after") else None
        if not stage or (params.get("after") and after is None):
            raise Http404
        selection = board.select(self.module, request, params)
        found, more = board.cards(selection.queryset, stage, after)
        found = board.decorate(request.user, found)
        query = params.copy()
        for name in ("after", "stage"):
            query.pop(name, None)
        texts = render.Texts.make(permissions.can(request.user, "edit", Opportunity))
        html = render.cards(found, texts, more=more, stage=stage, query=query.urlencode())
        return HttpResponse(html)


class MoveView(StageView):
    """POST stage=<key>&version=<shown version>&query=<the board's filters>: move a card.

    Answers JSON for the board's script: {"ok", "message", "card" (the card as stored now),
    "headers" ({stage: header html} of the card's old and new column)}. A refusal (no edit
    permission, a validation error such as a field Studio requires, someone else's save
    since the board was shown) changes nothing and says why. Without JavaScript the form
    posts and the board is shown again with the message."""

    action = "view"

    def post(self, request, pk):
        record = get_object_or_404(self.get_queryset("view"), pk=pk)
        before, stage = record.sales_stage, request.POST.get("stage", "")
        if not permissions.allows(request.user, "edit", record):
            error, status = _("You may not change this opportunity."), 403
        else:
            error = self.move(record, stage, request.POST.get("version"))
            status = 409 if error else 200
        params = _board_params(request.POST.get("query", ""))
        if "application/json" not in request.headers.get("Accept", ""):
            if error:
                messages.error(request, error)
            return HttpResponseRedirect(f"{reverse('opportunities:board')}?{params.urlencode()}")
        return JsonResponse(self.answer(pk, {before, stage}, params, error), status=status)

    def answer(self, pk, keys: set, params, error: str) -> dict:
        """The card as stored now and the headers of the columns it left and entered,
        recounted with the board's filters (a grouped query over those two stages)."""
        request = self.request
        selection = board.select(self.module, request, params)
        currency, base = chosen_currency(params)
        found = figures.by_stage(selection.queryset.filter(sales_stage__in=keys))
        headers = {}
        for stage in figures.stages():
            if stage.key in keys:
                stage.figures = found.get(stage.key, figures.Figures())
                headers[stage.key] = header_context(stage, currency, base)["html"]
        card = self.get_queryset("view").only(*board.CARD_FIELDS).annotate(**board.CARD_LINKS)
        record = board.decorate(request.user, [card.get(pk=pk)])[0]
        # A refused move answers the card as the viewer may use it: no move button without
        # the right to edit.
        may_edit = permissions.allows(request.user, "edit", record)
        html = render.card(record, render.Texts.make(can_edit=may_edit))
        return {"ok": not error, "message": error, "card": html, "headers": headers}


def _board_params(query: str):
    """The board's filters sent along with a move (a query string), as a QueryDict."""
    return QueryDict(query[:4000])


def switch_context(module, request) -> dict:
    """The list page's "List | Board" switch links to the board with the list's filters."""
    query = request.GET.copy()
    for name in ("cursor", "sort"):
        query.pop(name, None)
    return {"board_switch_url": f"{reverse('opportunities:board')}?{query.urlencode()}"}
