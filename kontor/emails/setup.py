"""What the E-mails app adds to other parts of Kontor, registered from its AppConfig.ready():
the administration page of the templates and the API's send verb."""

from django.utils.translation import gettext_lazy as _

from kontor.core import admin_area


def register() -> None:
    admin_area.register_page(
        "emails:templates",
        _("E-mail templates"),
        icon="envelope-paper",
        group=_("E-mail"),
        order=45,
    )
    from kontor.api import verbs
    from kontor.emails import api

    verbs.add("emails", "send", api.send_endpoint)
