"""GET /api/v1/analytics/pipeline/: the pipeline's figures per sales stage, for reporting
tools and dashboards outside Kontor.

Same filters as the opportunities' list endpoint (the module's FilterSet: `assigned_user`,
`mine`, `date_closed_min`/`_max`, `sales_stage` …) plus `q`, `team` and `currency`;
token auth, throttling and errors as every endpoint (docs/api.md); the caller's opportunities
through the permission filter, so a rep and a manager get different sums. Sums are made as on
the board (kontor/pipeline/figures.py): base amounts only, opportunities without a base
amount counted as `without_rate`.
"""

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.api.errors import ErrorSerializer
from kontor.core import permissions, registry
from kontor.currencies import rates
from kontor.opportunities.models import Opportunity
from kontor.pipeline import board, figures


def _figures_fields() -> dict:
    return {
        "count": serializers.IntegerField(),
        "amount": serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True),
        "weighted_amount": serializers.DecimalField(
            max_digits=24, decimal_places=2, allow_null=True
        ),
        "without_rate": serializers.IntegerField(
            help_text="Opportunities without a base amount (no exchange rate): counted, not summed."
        ),
    }


STAGE = inline_serializer(
    "PipelineStage",
    {
        "stage": serializers.CharField(),
        "label": serializers.CharField(),
        "closed": serializers.BooleanField(),
        **_figures_fields(),
    },
    many=True,
)
ANSWER = inline_serializer(
    "Pipeline",
    {
        "currency": serializers.CharField(help_text="The currency of every sum."),
        "base_currency": serializers.CharField(),
        "stages": STAGE,
        "open": inline_serializer("PipelineOpen", _figures_fields()),
    },
)


def _shown(shown: figures.Shown) -> dict:
    return {
        "count": shown.count,
        "amount": None if shown.amount is None else str(shown.amount),
        "weighted_amount": None if shown.weighted is None else str(shown.weighted),
        "without_rate": shown.without_rate,
    }


class PipelineView(APIView):
    """The pipeline per sales stage: count, amount and weighted amount."""

    @extend_schema(
        operation_id="analytics_pipeline",
        tags=["analytics"],
        summary="Pipeline figures per sales stage",
        description=(
            "Per active sales stage (in the dropdown's order): the number of the caller's "
            "visible opportunities, their amount and weighted amount (amount × probability / "
            "100) in the base currency, or in `currency` at today's rate. Opportunities "
            "without an exchange rate are counted in `without_rate` and not summed. `open` "
            "adds up the stages that are not closed. Filters as on the opportunities list."
        ),
        parameters=[
            OpenApiParameter("currency", str, description="Show sums in this active currency."),
            OpenApiParameter("team", int, description="Only opportunities of this team."),
            OpenApiParameter("q", str, description="Search as the opportunities list does."),
            OpenApiParameter("mine", bool, description="Only the caller's opportunities."),
            OpenApiParameter("assigned_user", int, many=True),
            OpenApiParameter("date_closed_min", str, description="Expected close from (date)."),
            OpenApiParameter("date_closed_max", str, description="Expected close to (date)."),
        ],
        responses={200: ANSWER, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request):
        if not permissions.can(request.user, "list", Opportunity):
            raise exceptions.NotFound(_("Not found."))
        params: QueryDict = request.query_params
        selection = board.select(registry.get("opportunities"), request, params)
        if not selection.valid:
            raise exceptions.ValidationError(selection.errors)
        base = rates.base_currency()
        currency = (params.get("currency") or base).strip().upper()
        if currency != base and (
            currency not in rates.active_codes() or rates.from_base(1, currency) is None
        ):
            message = _("No active currency with a rate today: %(code)s.") % {"code": currency}
            raise exceptions.ValidationError({"currency": [message]})
        columns, total = figures.columns(selection.queryset)
        return Response(
            {
                "currency": currency,
                "base_currency": base,
                "stages": [
                    {
                        "stage": stage.key,
                        "label": stage.label,
                        "closed": stage.closed,
                        **_shown(stage.figures.shown_in(currency, base)),
                    }
                    for stage in columns
                ],
                "open": _shown(total.shown_in(currency, base)),
            }
        )
