"""GET /api/v1/analytics/reports/ (the reports the token's user may open) and
GET /api/v1/analytics/reports/<id>/result/ (their figures, as that user sees them).

Token authentication and the permission filter as every API endpoint: another user's report
that is not shared is a 404, and every figure counts only the records the user may list. The
result is the stored one while it is fresh (kontor.reports.results), else computed now.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.reports import results
from kontor.reports.models import Report


class ReportSerializer(serializers.ModelSerializer):
    """A report as the list of reports gives it: its definition, sharing and result address."""

    owner = serializers.CharField(source="owner.username")
    team = serializers.CharField(source="team.name", default=None)
    result_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = (
            "id",
            "name",
            "module",
            "filters",
            "group_by",
            "aggregates",
            "chart",
            "share",
            "team",
            "owner",
            "modified",
            "result_url",
        )

    def get_result_url(self, report) -> str:
        request = self.context.get("request")
        path = f"/api/v1/analytics/reports/{report.pk}/result/"
        return request.build_absolute_uri(path) if request else path


class RowSerializer(serializers.Serializer):
    """One group of a result: its keys, their labels, its figures and its list address."""

    keys = serializers.ListField(child=serializers.JSONField(), help_text="stored values")
    labels = serializers.ListField(child=serializers.CharField())
    values = serializers.ListField(
        child=serializers.JSONField(), help_text="one per figure; decimals as text"
    )
    link = serializers.CharField(help_text="the list filtered to this group, or empty")


class FigureSerializer(serializers.Serializer):
    """One figure column of a result (count, sum of a field …)."""

    key = serializers.CharField(help_text='"count", "sum:amount" …')
    label = serializers.CharField()
    decimals = serializers.BooleanField()


class ResultSerializer(serializers.Serializer):
    """A report's figures for a BI tool, with their totals, notices and age."""

    report = serializers.IntegerField()
    groups = serializers.ListField(child=serializers.CharField(), help_text="group columns")
    aggregates = FigureSerializer(many=True)
    rows = RowSerializer(many=True)
    totals = serializers.ListField(child=serializers.JSONField())
    truncated = serializers.BooleanField()
    notices = serializers.ListField(child=serializers.CharField())
    generated_at = serializers.DateTimeField()


class ReportListView(APIView):
    """GET: the reports the token's user may open."""

    @extend_schema(responses=ReportSerializer(many=True), tags=["analytics"])
    def get(self, request):
        """The reports the token's user may open: their own and those shared with them."""
        reports = (
            Report.objects.visible_to(request.user)
            .select_related("owner", "team")
            .order_by("name", "pk")[:500]
        )
        return Response(ReportSerializer(reports, many=True, context={"request": request}).data)


class ReportResultView(APIView):
    """GET: one report's figures as the token's user sees them."""

    @extend_schema(responses=ResultSerializer, tags=["analytics"])
    def get(self, request, pk):
        """The report's figures over the records the token's user may list."""
        report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
        row = results.stored(report, request.user)
        if row is not None and timezone.now() - row.generated_at <= results.FRESH_FOR:
            data = row.data
        else:
            data = results.compute(report, request.user).as_data()
        return Response(
            {
                "report": report.pk,
                "groups": data["columns"],
                "aggregates": data["figures"],
                "rows": data["rows"],
                "totals": data["totals"],
                "truncated": data["truncated"],
                "notices": data["notices"],
                "generated_at": data["generated_at"],
            }
        )
