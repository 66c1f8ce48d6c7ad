"""The pipeline's API route; the board's pages are added under /opportunities/ by apps.py."""

from django.urls import path

from kontor.pipeline.api import PipelineView

urlpatterns = [
    path("api/v1/analytics/pipeline/", PipelineView.as_view(), name="api-pipeline"),
]
