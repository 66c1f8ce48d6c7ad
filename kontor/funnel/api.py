"""GET /api/v1/analytics/funnel/: the funnel's figures, for reporting tools outside Kontor.

The numbers of the funnel page (kontor/funnel/figures.py) for the same filters: `from`, `to`
(dates the journeys began, both included; the last twelve months by default), `lead_source`,
`campaign`, `owner` (user id) and `team` (team id: journeys owned by its members). Token auth,
throttling and errors as every endpoint (docs/api.md); the caller's journeys through the leads'
and targets' permission filter, so a rep and a manager get different counts.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.api.errors import ErrorSerializer
from kontor.funnel import results
from kontor.funnel.forms import CohortForm
from kontor.funnel.models import STAGES
from kontor.funnel.views import may_open

STAGE = inline_serializer(
    "FunnelStage",
    {
        "stage": serializers.ChoiceField(choices=STAGES),
        "label": serializers.CharField(),
        "reached": serializers.IntegerField(help_text="Journeys that reached the stage."),
        "rate_from_previous": serializers.FloatField(
            allow_null=True, help_text="Share (0–1) of the journeys that reached the stage before."
        ),
        "rate_from_start": serializers.FloatField(
            allow_null=True, help_text="Share (0–1) of all journeys of the cohort."
        ),
        "median_seconds": serializers.FloatField(
            allow_null=True, help_text="Median time from the stage reached before."
        ),
        "p90_seconds": serializers.FloatField(allow_null=True),
    },
    many=True,
)
TREND = inline_serializer(
    "FunnelMonth",
    {
        "month": serializers.CharField(help_text="The cohort month, YYYY-MM."),
        **{stage: serializers.IntegerField() for stage in STAGES},
    },
    many=True,
)
ANSWER = inline_serializer(
    "Funnel",
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "journeys": serializers.IntegerField(help_text="Journeys that began in the period."),
        "stages": STAGE,
        "trend": TREND,
    },
)


class FunnelView(APIView):
    """The funnel Target → Lead → MQL → SQL → Opportunity → Won of a cohort."""

    @extend_schema(
        operation_id="analytics_funnel",
        tags=["analytics"],
        summary="Funnel of a cohort: reached, conversion rates, time per stage, trend",
        description=(
            "Journeys (a target, or a lead without one, and what it became) that began in "
            "the period and that the caller may see. A stage counts as reached once entered, "
            "even when the lead moved back; a later stage implies the earlier ones. Trashed "
            "leads are left out."
        ),
        parameters=[
            OpenApiParameter("from", str, description="First day (YYYY-MM-DD) of the cohort."),
            OpenApiParameter("to", str, description="Last day (YYYY-MM-DD) of the cohort."),
            OpenApiParameter("lead_source", str, description="A key of lead_source_dom."),
            OpenApiParameter("campaign", str, description="The campaign name, exactly."),
            OpenApiParameter("owner", int, description="Only journeys assigned to this user."),
            OpenApiParameter("team", int, description="Only journeys of this team's members."),
        ],
        responses={200: ANSWER, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request):
        if not may_open(request.user):
            raise exceptions.NotFound(_("Not found."))
        form = CohortForm(request.query_params.dict(), choices=False)
        if not form.is_valid():
            names = {field: param for param, field in CohortForm.PARAMS.items()}
            raise exceptions.ValidationError(
                {
                    names.get(field, field): [e["message"] for e in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        cohort = form.cohort()
        result = results.funnel(request.user, cohort)
        return Response(
            {
                "from": cohort.start,
                "to": cohort.end,
                "journeys": result.total,
                "stages": [
                    {
                        "stage": s.key,
                        "label": s.label,
                        "reached": s.reached,
                        "rate_from_previous": s.rate_previous,
                        "rate_from_start": s.rate_start,
                        "median_seconds": s.median,
                        "p90_seconds": s.p90,
                    }
                    for s in result.stages
                ],
                "trend": [
                    {"month": month.strftime("%Y-%m"), **counts} for month, counts in result.trend
                ],
            }
        )
