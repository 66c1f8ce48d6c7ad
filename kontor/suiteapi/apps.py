from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuiteApiConfig(AppConfig):
    name = "kontor.suiteapi"
    label = "suiteapi"
    verbose_name = _("SuiteCRM API compatibility")

    def ready(self):
        from kontor.suiteapi.v41 import receivers  # noqa: F401 - connects the md5 verifier
