"""The forecast page and the Quotas page (Prognose, Vorgaben)."""

import html

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core import permissions
from kontor.currencies import rates
from kontor.forecasts import access, report
from kontor.forecasts.actions import cell_name, check_quotas, save_quotas
from kontor.forecasts.forms import ForecastForm, RangeForm, quota_cells
from kontor.forecasts.models import Quota
from kontor.opportunities.models import Opportunity


@login_required
def forecast(request):
    """Open pipeline, weighted, best case, commit, closed won against quota, per period and
    person, for whoever may list opportunities (each figure over the opportunities they
    may list)."""
    if not permissions.can(request.user, "list", Opportunity):
        raise Http404
    form = ForecastForm(request.GET, viewer=request.user)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = report.build(request.user, form.periods, data["scope"], data["currency"])
    return render(
        request,
        "forecasts/forecast.html",
        {
            "form": form,
            "forecast": result,
            "tables": tables(result) if result is not None else [],
            "can_keep": access.can_keep(request.user),
            "query": request.GET.urlencode(),
        },
        status=200 if result is not None else 400,
    )


@login_required
def quotas(request):
    """The quotas of the people the viewer keeps them for, one row each, a column per period;
    admins and sales managers only (everyone else: 404)."""
    if not access.can_keep(request.user):
        raise Http404
    form = RangeForm(request.GET)
    if not form.is_valid():
        # The range's errors, and no grid to save into: nothing else than what was asked for.
        return render(
            request,
            "forecasts/quotas.html",
            {
                "form": form,
                "rows": [],
                "errors": {},
                "base": rates.base_currency(),
                "query": request.GET.urlencode(),
            },
            status=400,
        )
    periods = form.periods
    people = list(access.keepable(request.user))
    cells = {cell_name(u.pk, period): (u.pk, period) for u in people for period in periods}
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        amounts, errors = quota_cells(cells, request.POST)
        changes = {cells[name]: amount for name, amount in amounts.items()}
        # Every bad cell at once: those that are no number and those the action refuses.
        errors.update(check_quotas(changes, actor=request.user))
        if not errors:
            try:
                changed = save_quotas(changes, actor=request.user)
            except ValidationError as refused:
                errors = refused.message_dict
            else:
                messages.success(
                    request,
                    ngettext("%(count)d quota saved.", "%(count)d quotas saved.", changed)
                    % {"count": changed}
                    if changed
                    else _("No quota changed."),
                )
                return HttpResponseRedirect(request.get_full_path())
    stored = {
        (q.user_id, q.period_start): q.amount
        for q in Quota.objects.filter(
            user__in=people,
            period_kind=form.kind,
            period_start__gte=periods[0].start,
            period_start__lte=periods[-1].start,
        )
    }
    rows = [
        {
            "user": user,
            "name": report.name_of(user),
            "cells": [
                {
                    "name": cell_name(user.pk, period),
                    "label": f"{report.name_of(user)}, {period.label}",
                    "value": posted.get(cell_name(user.pk, period))
                    if cell_name(user.pk, period) in posted
                    else _localized(stored.get((user.pk, period.start))),
                    "errors": errors.get(cell_name(user.pk, period), ()),
                }
                for period in periods
            ],
        }
        for user in people
    ]
    return render(
        request,
        "forecasts/quotas.html",
        {
            "form": form,
            "periods": periods,
            "rows": rows,
            "errors": errors,
            "base": rates.base_currency(),
            "query": request.GET.urlencode(),
        },
        status=400 if errors else 200,
    )


def _localized(amount) -> str:
    return "" if amount is None else formats.localize_input(amount)


def tables(result: report.Forecast) -> list[dict]:
    """One table per period and one for the whole range: its lines in the page's order
    (each section's team heading, its people, its subtotal; then the total)."""
    out = []
    spans = [(period.label, i) for i, period in enumerate(result.periods)]
    if len(result.periods) > 1:
        spans.append(
            (
                _("%(first)s to %(last)s")
                % {"first": result.periods[0].label, "last": result.periods[-1].label},
                None,
            )
        )
    for label, index in spans:
        lines = []
        for section in result.sections:
            if section.label:
                lines.append({"kind": "heading", "label": section.label})
            for line in [*section.lines, *([section.subtotal] if section.subtotal else [])]:
                figures = line.total if index is None else line.periods[index]
                lines.append(_line(line.row.kind, line.row.label, figures))
        # One team's subtotal is its total already.
        if result.total is not None and len(result.sections) > 1:
            figures = result.total.total if index is None else result.total.periods[index]
            lines.append(_line("total", result.total.row.label, figures))
        out.append({"label": label, "whole": index is None, "lines": lines})
    return out


def _line(kind: str, label: str, figures: list[report.Figure]) -> dict:
    """A line of a table with its cells rendered here: a page of 12 periods has thousands of
    figures, and a template tag per figure cost most of the page's time."""
    return {
        "kind": kind,
        "label": label,
        "figures": figures,
        "cells": mark_safe("".join(_cell(f) for f in figures)),  # noqa: S308 - escaped in _cell
    }


def _cell(figure: report.Figure) -> str:
    # Plain strings and html.escape: Django's lazy-aware helpers cost more than the figures.
    if figure.value is None:
        shown = '<span class="text-body-secondary">—</span>'
    else:
        attainment = figure.name == "attainment"
        text = formats.number_format(
            figure.value, 1 if attainment else 2, use_l10n=True, force_grouping=not attainment
        )
        text = html.escape(f"{text} %" if attainment else text)
        if figure.url:
            title = ngettext("%(count)s opportunity", "%(count)s opportunities", figure.count)
            title = html.escape(title % {"count": figure.count})
            shown = f'<a href="{html.escape(figure.url)}" title="{title}">{text}</a>'
        else:
            shown = text
    if figure.missing:
        note = ngettext(
            "%(count)s without exchange rate", "%(count)s without exchange rate", figure.missing
        )
        note = html.escape(note % {"count": figure.missing})
        shown += (
            f' <i class="bi bi-exclamation-triangle text-warning" role="img" '
            f'aria-label="{note}" title="{note}"></i>'
        )
    return f'<td class="text-end text-nowrap" data-figure="{figure.name}">{shown}</td>'
