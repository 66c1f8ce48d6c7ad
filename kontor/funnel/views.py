"""The funnel page (/funnel/) and its drill-down (/funnel/records/): for sales and marketing
managers who ask where journeys stop and how long each step takes.

Both read only the user's visible journeys (`figures.visible_journeys`, the leads' and targets'
permission filter); the drill-down pages by keyset and links each journey's records, which
open only when the user may see them.
"""

import uuid
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kontor.core import dropdowns, permissions
from kontor.funnel import figures, results
from kontor.funnel.forms import FIRST_YEAR, LAST_YEAR, CohortForm
from kontor.funnel.models import STAGES
from kontor.leads.models import Lead
from kontor.targets.models import Target

PAGE = 50


def may_open(user) -> bool:
    """The funnel is for those who may list leads or targets."""
    return permissions.can(user, "list", Lead) or permissions.can(user, "list", Target)


def _form(request, *, choices: bool = True) -> CohortForm:
    form = CohortForm(request.GET, choices=choices)
    if not form.is_valid():
        # A broken filter shows its error beside the last twelve months, never a 500.
        form.cleaned_data = {}
    return form


@login_required
def funnel_page(request):
    if not may_open(request.user):
        raise Http404
    form = _form(request)
    cohort = form.cohort()
    result = results.funnel(request.user, cohort)
    drill = reverse("funnel:drill")
    stages = [
        {
            "stage": s,
            "url": f"{drill}?{form.query(stage=s.key)}",
            "previous": _percent(s.rate_previous),
            "start": _percent(s.rate_start),
            "median": duration(s.median),
            "p90": duration(s.p90),
        }
        for s in result.stages
    ]
    trend = [
        {
            "month": month,
            "cells": [
                {
                    "count": counts[s],
                    "url": f"{drill}?{form.query(stage=s, month=month.strftime('%Y-%m'))}",
                }
                for s in STAGES
            ],
        }
        for month, counts in result.trend
    ]
    chart = {
        "labels": [m.strftime("%Y-%m") for m, _c in result.trend],
        "series": [
            {"label": str(figures.LABELS[s]), "data": [c[s] for _m, c in result.trend]}
            for s in STAGES
        ],
    }
    return render(
        request,
        "funnel/funnel.html",
        {
            "form": form,
            "cohort": cohort,
            "funnel": result,
            "stages": stages,
            "trend": trend,
            "chart": chart,
            "stage_labels": [figures.LABELS[s] for s in STAGES],
        },
    )


def _percent(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


def duration(seconds: float | None) -> str:
    """A time span as the funnel shows it: days, or hours when under a day."""
    if seconds is None:
        return "–"
    if seconds < 86400:
        return _("%(hours)s h") % {"hours": number_format(seconds / 3600, 1)}
    return _("%(days)s d") % {"days": number_format(seconds / 86400, 1)}


def _cursor(value: str):
    """(cohort time, id) of the last row of the page before, from the `after` parameter."""
    stamp, _sep, pk = value.partition("|")
    try:
        return parse_datetime(stamp), uuid.UUID(pk)
    except (TypeError, ValueError):
        return None


@login_required
def drill(request):
    """The journeys behind one count of the page: a stage (and a cohort month), newest first,
    50 at a time, each with its target, lead and opportunity where the user may open them."""
    if not may_open(request.user):
        raise Http404
    form = _form(request, choices=False)
    stage = request.GET.get("stage", "lead")
    if stage not in STAGES:
        stage = "lead"
    journeys = figures.journeys_of(request.user, form.cohort()).filter(figures.reached(stage))
    month = request.GET.get("month", "")
    try:
        first = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.get_current_timezone())
    except ValueError:
        month = ""
    if month and not FIRST_YEAR <= first.year <= LAST_YEAR:
        month = ""  # the month after December 9999 is none
    if month:
        following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
        journeys = journeys.filter(cohort_at__gte=first, cohort_at__lt=following)
    after = _cursor(request.GET.get("after", ""))
    if after and after[0]:
        journeys = journeys.filter(cohort_at__lte=after[0]).exclude(
            cohort_at=after[0], id__gte=after[1]
        )
    page = list(journeys.select_related("owner").order_by("-cohort_at", "-id")[: PAGE + 1])
    more, page = len(page) > PAGE, page[:PAGE]
    user = request.user
    leads = {
        r.pk: r
        for r in Lead.objects.visible_to(user, "view")
        .filter(pk__in=[j.lead_id for j in page if j.lead_id])
        .only("first_name", "last_name")
    }
    targets = {
        r.pk: r
        for r in Target.objects.visible_to(user, "view")
        .filter(pk__in=[j.target_id for j in page if j.target_id])
        .only("first_name", "last_name")
    }
    rows = [
        {
            "journey": j,
            "lead": leads.get(j.lead_id),
            "target": targets.get(j.target_id),
            "reached_at": getattr(j, f"{stage}_at") or _first_after(j, stage),
            "lead_source": dropdowns.label("lead_source_dom", j.lead_source),
        }
        for j in page
    ]
    next_url = ""
    if more:
        last = page[-1]
        after = f"{last.cohort_at.isoformat()}|{last.pk}"
        next_url = f"?{form.query(stage=stage, month=month, after=after)}"
    return render(
        request,
        "funnel/drill.html",
        {
            "form": form,
            "stage": stage,
            "stage_label": figures.LABELS[stage],
            "month": first if month else None,
            "rows": rows,
            "next_url": next_url,
            "back_url": f"{reverse('funnel:page')}?{form.query()}",
        },
    )


def _first_after(journey, stage: str):
    """When a journey that skipped `stage` passed it: the time of the next stage it reached."""
    for later in STAGES[STAGES.index(stage) + 1 :]:
        value = getattr(journey, f"{later}_at")
        if value is not None:
            return value
    return None
