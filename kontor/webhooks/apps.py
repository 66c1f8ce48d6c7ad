from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "kontor.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from kontor.core import admin_area, events
        from kontor.webhooks import actions

        events.listen(actions.on_events)
        admin_area.register_page(
            "webhooks:list", _("Webhooks"), icon="broadcast", group=_("Integration"), order=60
        )
