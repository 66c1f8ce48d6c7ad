from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def describe_origin(rest: str) -> tuple[str, str]:
    """The change log's label of a change made through SuiteCRM's V8 or v4_1 API (origin
    "suiteapi:v8:<client id>", "suiteapi:v41:…")."""
    return str(_("SuiteCRM API")), ""


class SuiteApiConfig(AppConfig):
    name = "kontor.suiteapi"
    label = "suiteapi"
    verbose_name = _("SuiteCRM API compatibility")

    def ready(self):
        from kontor.core import origins

        origins.register("suiteapi:", describe_origin)
        from kontor.suiteapi.capture.admin_views import register_page as capture_page
        from kontor.suiteapi.clients.views import register_page as clients_page
        from kontor.suiteapi.v41 import receivers  # noqa: F401 - connects the md5 verifier

        capture_page()
        clients_page()
