from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: /readyz, the worker's heartbeat and /metrics (docs/operations.md)."""

    name = "kontor.ops"
    label = "ops"
    default_auto_field = "django.db.models.BigAutoField"
