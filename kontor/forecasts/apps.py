"""The forecasts app's configuration: the forecast page, the quotas and the link to them
from the opportunities list, for Django's app registry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    """The sales forecast and the quotas it measures against. The opportunities' list does not
    know this app: the link to the forecast above its filters is added here
    (docs/architecture.md, "Layers of apps")."""

    name = "kontor.forecasts"
    label = "forecasts"
    verbose_name = _("Forecast")

    def ready(self):
        from kontor.core.extensions import Extension, extend

        extend(Extension("opportunities", list_templates=("forecasts/_list_link.html",)))
