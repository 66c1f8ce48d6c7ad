from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuiteCRMConfig(AppConfig):
    name = "kontor.suitecrm"
    label = "suitecrm"
    verbose_name = _("Migration from SuiteCRM")
