"""GET /api/v1/analytics/forecast/ and /api/v1/analytics/quotas/: the forecast's figures and
the quotas behind them, for reporting tools outside Kontor.

The same choices as the page (kontor/forecasts/forms.py): `period` (month | quarter), `from`
and `to` ("2026-11", "2026-Q4" or a day in the period), whose figures (`user`, `team` or
`scope=all`; the caller's own by default) and `currency`. Token auth, throttling and
structured errors as every endpoint (docs/api.md); the caller's opportunities through the
permission filter and only the quotas they may read (kontor/forecasts/access.py).
"""

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.api.errors import ErrorSerializer
from kontor.core import permissions
from kontor.currencies import rates
from kontor.forecasts import access, report
from kontor.forecasts.figures import quotas
from kontor.forecasts.forms import ForecastForm
from kontor.forecasts.periods import parse
from kontor.opportunities.models import Opportunity

PARAMETERS = [
    OpenApiParameter("period", str, enum=["month", "quarter"], description="Default: month."),
    OpenApiParameter(
        "from",
        str,
        description='First period: "2026-11", "2026-Q4" or a day in it. Default: this '
        "quarter (its first month).",
    ),
    OpenApiParameter(
        "to",
        str,
        description="Last period, included (at most 12 periods). Default: this quarter's last "
        "month, or the third quarter after this one.",
    ),
    OpenApiParameter("user", int, description="One user's figures."),
    OpenApiParameter("team", int, description="The figures of a team's members."),
    OpenApiParameter(
        "scope", str, enum=["me", "all"], description="me (default) or everyone visible."
    ),
    OpenApiParameter("currency", str, description="Show amounts in this currency at today's rate."),
]

_MONEY = {"max_digits": 24, "decimal_places": 2, "allow_null": True}
FIGURES = inline_serializer(
    "ForecastFigures",
    {
        "open": serializers.DecimalField(**_MONEY),
        "weighted": serializers.DecimalField(**_MONEY),
        "best_case": serializers.DecimalField(**_MONEY),
        "commit": serializers.DecimalField(**_MONEY),
        "won": serializers.DecimalField(**_MONEY),
        "quota": serializers.DecimalField(**_MONEY),
        "attainment": serializers.DecimalField(
            max_digits=12, decimal_places=1, allow_null=True, help_text="won / quota, percent"
        ),
        "gap": serializers.DecimalField(**_MONEY),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "without_rate": serializers.IntegerField(),
        "urls": serializers.DictField(
            child=serializers.CharField(allow_null=True),
            help_text="The opportunities list showing each figure's records.",
        ),
    },
)
LINE = inline_serializer(
    "ForecastLine",
    {
        "label": serializers.CharField(),
        "kind": serializers.ChoiceField(["user", "team", "total"]),
        "user_ids": serializers.ListField(child=serializers.IntegerField()),
        "periods": serializers.DictField(child=FIGURES),
        "total": FIGURES,
    },
)
ANSWER = inline_serializer(
    "Forecast",
    {
        "period": serializers.CharField(),
        "currency": serializers.CharField(),
        "base_currency": serializers.CharField(),
        "periods": serializers.ListField(child=serializers.DictField()),
        "teams": serializers.ListField(child=serializers.DictField()),
        "total": LINE,
        "unassigned": serializers.IntegerField(),
        "without_rate": serializers.IntegerField(),
    },
)
QUOTAS = inline_serializer(
    "Quotas",
    {
        "period": serializers.CharField(),
        "currency": serializers.CharField(),
        "quotas": serializers.ListField(child=serializers.DictField()),
    },
)


def _money(value) -> str | None:
    return None if value is None else str(value)


def figures_data(figures: list[report.Figure]) -> dict:
    data = {f.name: _money(f.value) for f in figures}
    amounts = figures[:5]
    data["counts"] = {f.name: f.count for f in amounts}
    data["without_rate"] = max(f.missing for f in amounts)
    data["urls"] = {f.name: f.url for f in figures if f.name != "gap"}
    return data


def line_data(line: report.Line, result: report.Forecast) -> dict:
    return {
        "label": line.row.label,
        "kind": line.row.kind,
        "user_ids": list(line.row.user_ids),
        "periods": {
            period.key: figures_data(figures)
            for period, figures in zip(result.periods, line.periods, strict=True)
        },
        "total": figures_data(line.total),
    }


def _form(request) -> ForecastForm:
    """The page's form, built from the API's parameters; 400 with their names on errors."""
    params = request.query_params
    if "user" in params and "team" in params:
        raise exceptions.ValidationError({"team": [_("Choose a user or a team, not both.")]})
    data = QueryDict(mutable=True)
    for name in ("period", "from", "to", "currency"):
        if name in params:
            data[name] = params[name]
    if "period" in params and params["period"] not in {"month", "quarter"}:
        raise exceptions.ValidationError({"period": [_("Choose month or quarter.")]})
    for name in ("from", "to"):
        kind = params.get("period", "month")
        if name in params and parse(kind, params[name]) is None:
            raise exceptions.ValidationError({name: [_("Enter a period such as 2026-11.")]})
    if "user" in params:
        data["scope"] = f"user:{params['user']}"
    elif "team" in params:
        data["scope"] = f"team:{params['team']}"
    else:
        data["scope"] = params.get("scope", "me")
    form = ForecastForm(data, viewer=request.user)
    if not form.is_valid():
        names = {"start": "from", "end": "to", "scope": "team" if "team" in params else "user"}
        raise exceptions.ValidationError({names.get(k, k): list(v) for k, v in form.errors.items()})
    return form


class ForecastView(APIView):
    """The forecast: per team, user and period, the figures of the page."""

    @extend_schema(
        operation_id="analytics_forecast",
        tags=["analytics"],
        summary="Forecast per period and user",
        parameters=PARAMETERS,
        responses={200: ANSWER, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request):
        # Opportunities hidden as a whole type look absent (docs/api.md), as in the pipeline.
        if not permissions.can(request.user, "list", Opportunity):
            raise exceptions.NotFound(_("Not found."))
        form = _form(request)
        data = form.cleaned_data
        result = report.build(request.user, form.periods, data["scope"], data["currency"])
        return Response(
            {
                "period": form.kind,
                "currency": result.currency,
                "base_currency": result.base,
                "periods": [{"key": p.key, "start": p.start, "end": p.end} for p in result.periods],
                "teams": [
                    {
                        "team_id": section.team_id,
                        "label": section.label,
                        "users": [line_data(line, result) for line in section.lines],
                        "subtotal": line_data(section.subtotal, result)
                        if section.subtotal
                        else None,
                    }
                    for section in result.sections
                ],
                "total": line_data(result.total, result) if result.total else None,
                "unassigned": result.unassigned,
                "without_rate": result.without_rate,
            }
        )


class QuotasView(APIView):
    """The quotas the caller may read, of the chosen periods and people."""

    @extend_schema(
        operation_id="analytics_quotas",
        tags=["analytics"],
        summary="Quotas per user and period",
        parameters=PARAMETERS[:6],
        responses={200: QUOTAS, 400: ErrorSerializer},
    )
    def get(self, request):
        form = _form(request)
        found = quotas(report.chosen_users(request.user, form.cleaned_data["scope"]), form.periods)
        readable = access.readable_ids(request.user, {u for u, _p in found})
        starts = {p.start: p for p in form.periods}
        return Response(
            {
                "period": form.kind,
                "currency": rates.base_currency(),
                "quotas": [
                    {"user_id": u, "period": starts[start].key, "amount": str(amount)}
                    for (u, start), amount in sorted(
                        found.items(), key=lambda i: (i[0][0], i[0][1])
                    )
                    if u in readable
                ],
            }
        )
