from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "kontor.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from kontor.activities import modules, series
        from kontor.core import events, extensions, schedule

        for slug in ("calls", "meetings"):
            extensions.extend(
                extensions.Extension(slug, detail_context=modules.without_repeat_panel)
            )

        # Series written through the API get their occurrences after the commit.
        events.listen(series.on_events)
        # Occurrences are created up to a horizon; each night the open series move along.
        schedule.register(
            schedule.Job(
                "activities.extend_series",
                schedule.Daily("01:40"),
                series.extend_series_task,
                title=_("Recurring calls and meetings extended to the horizon"),
            )
        )
