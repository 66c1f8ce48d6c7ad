from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "kontor.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        # The kinds whose figures are kept, for the refresh task in a worker too.
        from kontor.dashboards import widgets  # noqa: F401
