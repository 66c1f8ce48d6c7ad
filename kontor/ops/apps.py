from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: /readyz, the worker's heartbeat, /metrics (docs/operations.md) and the
    periodic jobs the workers queue (docs/scheduling.md)."""

    name = "kontor.ops"
    label = "ops"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from kontor.core import schedule
        from kontor.ops import schedule_views
        from kontor.ops.tasks import prune_task_results

        schedule_views.register_page()

        # Only the database backend keeps results in Kontor's database.
        if settings.TASKS["default"]["BACKEND"].endswith("DatabaseBackend"):
            schedule.register(
                schedule.Job(
                    "ops.prune_task_results",
                    schedule.Daily("03:40"),
                    prune_task_results,
                    title=_("Finished background tasks older than two weeks removed"),
                )
            )
