from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kontor.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each app declares its record modules in modules.py (see docs/adding-a-module.md).
        autodiscover_modules("modules")
