from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuiteCRMConfig(AppConfig):
    name = "kontor.suitecrm"
    label = "suitecrm"
    verbose_name = _("Migration from SuiteCRM")

    def ready(self):
        from django.utils.translation import gettext

        from kontor.core import origins

        # Record pages name the migration as the source of the history it brought over.
        origins.register("suitecrm:", lambda _rest: (gettext("SuiteCRM migration"), ""))
