from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "kontor.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self):
        from kontor.core import schedule
        from kontor.currencies import rates
        from kontor.opportunities import base_amounts

        # The currencies app may not import this one: it calls back after a rate changes.
        rates.on_change(base_amounts.on_rates_changed)
        # A rate valid from a future day becomes today's rate of open opportunities at midnight.
        schedule.register(
            schedule.Job(
                "opportunities.recompute_base_amounts",
                schedule.Daily("02:30"),
                base_amounts.recompute_task,
                title=_("Opportunities' amounts in the base currency at today's rates"),
            )
        )
