from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "kontor.invitations"
    label = "invitations"
    verbose_name = _("Meeting invitations")

    def ready(self):
        from kontor.api import verbs
        from kontor.core import events, extensions
        from kontor.core import journey as journeys
        from kontor.invitations import api, listeners, page, timeline

        events.listen(listeners.on_events)
        verbs.add("meetings", "invitees", api.invitees_endpoint)
        journeys.add_action(timeline.ACTION, timeline.READER)
        extensions.extend(
            extensions.Extension(
                module="meetings",
                detail_context=page.detail_context,
                action_templates=("invitations/_invitees.html",),
            )
        )
