"""Reports: figures of any record type, grouped, charted, shared and exported."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Adds the reports page to the top bar; the record types do not know this app."""

    name = "kontor.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from kontor.core import navigation

        navigation.add_page(
            navigation.Page(
                key="reports", label=_("Reports"), url_name="reports:list", icon="bar-chart"
            )
        )
