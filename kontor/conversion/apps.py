from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversionConfig(AppConfig):
    """The journey's conversions. Targets, leads, core and the API do not know this app: it
    adds itself to them here (docs/architecture.md, "Layers of apps")."""

    name = "kontor.conversion"
    label = "conversion"
    verbose_name = _("Conversion")

    def ready(self):
        from kontor.api import verbs
        from kontor.conversion import api, journey, views
        from kontor.core import journey as journeys
        from kontor.core.extensions import Extension, extend

        route = "<uuid:pk>/convert/"
        extend(
            Extension(
                "targets",
                urls=((route, views.ConvertTargetView, "convert"),),
                detail_context=views.target_actions,
                action_templates=("conversion/_target_actions.html",),
            )
        )
        extend(
            Extension(
                "leads",
                urls=((route, views.ConvertLeadView, "convert"),),
                detail_context=views.lead_actions,
                action_templates=("conversion/_lead_actions.html",),
            )
        )
        verbs.add("targets", "convert", api.convert_target_endpoint)
        verbs.add("leads", "convert", api.convert_lead_endpoint)
        # A record's page shows the records it came from and reads the "convert" rows.
        journeys.add_links(journey.links)
        journeys.add_banners(journey.banners)
        journeys.add_action("convert", journey.READER)
