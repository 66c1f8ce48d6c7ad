from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "kontor.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self):
        from django.db.models.signals import post_migrate

        from kontor.core.admin_area import register_page
        from kontor.users import presets

        # Preset roles get the grants of record types added since install.
        post_migrate.connect(
            presets.grant_after_migrate, sender=self, dispatch_uid="kontor.users.preset_grants"
        )

        group = _("Access")
        register_page("admin-users", _("Users"), icon="people", group=group, order=10)
        register_page("admin-teams", _("Teams"), icon="diagram-3", group=group, order=11)
        register_page("admin-roles", _("Roles"), icon="shield-lock", group=group, order=12)
