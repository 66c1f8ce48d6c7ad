"""The pipeline board of opportunities."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    """The pipeline board of opportunities and its figures. The opportunities' list does not
    know this app: the board's pages and the "List | Board" switch are added here
    (docs/architecture.md, "Layers of apps")."""

    name = "kontor.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        from kontor.core.extensions import Extension, extend
        from kontor.pipeline import views

        extend(
            Extension(
                "opportunities",
                urls=(
                    ("board/", views.BoardView, "board"),
                    ("board/column/", views.ColumnView, "board-column"),
                    ("board/<uuid:pk>/move/", views.MoveView, "board-move"),
                ),
                list_context=views.switch_context,
                list_templates=("pipeline/_switch.html",),
            )
        )
