from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuiteApiConfig(AppConfig):
    name = "kontor.suiteapi"
    label = "suiteapi"
    verbose_name = _("SuiteCRM API compatibility")
