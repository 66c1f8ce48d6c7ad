from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    """Studio: admins configure dropdowns, required fields, custom fields and layouts."""

    name = "kontor.studio"
    label = "studio"
    verbose_name = _("Studio")

    def ready(self):
        from kontor.core import config
        from kontor.core.admin_area import register_page
        from kontor.studio import configuration

        config.provide(configuration.load)  # core reads the definitions through this

        group = _("Studio")
        register_page(
            "studio:dropdowns", _("Dropdown lists"), icon="list-ul", group=group, order=40
        )
        register_page(
            "studio:fields",
            _("Fields and layouts"),
            icon="input-cursor-text",
            group=group,
            order=41,
        )
        register_page(
            "studio:settings", _("Installation settings"), icon="toggles", group=group, order=39
        )
        register_page(
            "studio:changes",
            _("Configuration changes"),
            icon="clock-history",
            group=group,
            order=42,
        )
