"""The calendar of calls, meetings and tasks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    """Day, week, month and agenda views of the activities. The activities app does not know
    this app: it adds its page to the top bar here and reads and writes the activities through
    their permission filter and actions."""

    name = "kontor.calendar"
    label = "calendar"
    verbose_name = _("Calendar")

    def ready(self):
        from kontor.calendar import people
        from kontor.core import navigation

        navigation.add_page(
            navigation.Page(
                key="calendar",
                label=_("Calendar"),
                url_name="calendar:page",
                icon="calendar3",
                allowed=people.may_open,
                order=90,
            )
        )
