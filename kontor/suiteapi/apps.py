from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuiteApiConfig(AppConfig):
    name = "kontor.suiteapi"
    label = "suiteapi"
    verbose_name = _("SuiteCRM API compatibility")

    def ready(self):
        from kontor.core import origins
        from kontor.suiteapi.origins import ORIGIN_PREFIX, describe_origin

        origins.register(ORIGIN_PREFIX, describe_origin)
        from kontor.suiteapi.capture.admin_views import register_page as capture_page
        from kontor.suiteapi.clients.views import register_page as clients_page
        from kontor.suiteapi.v41 import receivers  # noqa: F401 - connects the md5 verifier

        capture_page()
        clients_page()

        from kontor.core import schedule
        from kontor.suiteapi.tasks import purge_sessions

        schedule.register(
            schedule.Job(
                "suiteapi.purge_sessions",
                schedule.Daily("03:10"),
                purge_sessions,
                title=_("Expired SuiteCRM API tokens and sessions removed"),
            )
        )
