from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kontor.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from kontor.core import (  # noqa: F401 (checks register)
            checks,
            dropdown_seed,
            search_index,
            user_formats,
        )

        user_formats.install()  # a user's chosen date and number formats (user_formats.py)

        # Each app declares its record modules in modules.py (see docs/adding-a-module.md).
        autodiscover_modules("modules")
        # SQLite table rebuilds by migrations drop the search triggers: put them back.
        post_migrate.connect(
            search_index.heal_after_migrate, dispatch_uid="kontor.core.search_index.heal"
        )
        # Dropdown lists declared by modules added since install (see dropdown_seed.py).
        post_migrate.connect(
            dropdown_seed.seed_after_migrate, sender=self, dispatch_uid="kontor.core.dropdowns"
        )
