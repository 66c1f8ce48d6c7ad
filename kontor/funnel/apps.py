"""Funnel analytics: how far the journeys of a cohort got, how fast."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FunnelConfig(AppConfig):
    """Funnel analytics. Targets, leads, opportunities and core do not know this app: it
    listens to their events and adds its page to the top bar and a link to the leads list here."""

    name = "kontor.funnel"
    label = "funnel"
    verbose_name = _("Funnel")

    def ready(self):
        from kontor.core import events, navigation
        from kontor.core.extensions import Extension, extend
        from kontor.funnel import maintain, views

        events.listen(maintain.on_events)
        extend(Extension("leads", list_templates=("funnel/_leads_link.html",)))
        navigation.add_page(
            navigation.Page(
                key="funnel",
                label=_("Funnel"),
                url_name="funnel:page",
                icon="funnel",
                allowed=views.may_open,
                order=110,
            )
        )
