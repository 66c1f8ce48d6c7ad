from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kontor.imports"
    label = "imports"
    verbose_name = _("Import")

    def ready(self):
        from kontor.core import origins
        from kontor.imports.models import describe_origin

        origins.register("job:import-", describe_origin)
        origins.register("job:undo-", lambda rest: describe_origin(rest, undo=True))
