from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebformsConfig(AppConfig):
    name = "kontor.webforms"
    label = "webforms"
    verbose_name = _("Web forms")

    def ready(self):
        from kontor.core import admin_area, origins

        admin_area.register_page(
            "webforms:admin-list",
            _("Web forms"),
            icon="ui-checks",
            group=_("Lead intake"),
            order=40,
        )
        origins.register("webform:", lambda name: (_("web form %(name)s") % {"name": name}, ""))
