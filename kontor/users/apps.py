from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "kontor.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self):
        from django.db.models.signals import post_migrate

        from kontor.core import logs, preferences
        from kontor.core.admin_area import register_page
        from kontor.users import actions, preference_actions, presets
        from kontor.users import preferences as chosen

        # A reset link works until it is used: its token never reaches a log line (the page
        # itself moves it into the session and continues at ".../set-password/").
        logs.hide_in_paths(r"(/password-reset/[^/]+/)(?!set-password/)[^/]+/", r"\1[hidden]/")

        # Preset roles get the grants of record types added since install.
        post_migrate.connect(
            presets.grant_after_migrate, sender=self, dispatch_uid="kontor.users.preset_grants"
        )

        # The generic list views keep a user's chosen columns in their profile; the navigation,
        # the formats of dates and numbers and the default currency are read from it too.
        preferences.provide(
            list_columns=_chosen_columns,
            save_list_columns=actions.save_list_columns,
            navigation=chosen.navigation,
            formats=chosen.formats,
            default_currency=chosen.default_currency,
            list_density=chosen.list_density,
            save_list_density=preference_actions.save_list_density,
        )

        group = _("Access")
        register_page("admin-users", _("Users"), icon="people", group=group, order=10)
        register_page("admin-teams", _("Teams"), icon="diagram-3", group=group, order=11)
        register_page("admin-roles", _("Roles"), icon="shield-lock", group=group, order=12)
        register_page(
            "admin-signin-throttles",
            _("Sign-in throttles"),
            icon="hourglass-split",
            group=group,
            order=13,
        )

        # Sign-ins, sign-outs and failures of every path that uses Django's login/authenticate.
        from kontor.users import audit

        audit.connect()
        register_page("admin-sign-ins", _("Sign-ins"), icon="door-open", group=group, order=14)

        from kontor.core import schedule
        from kontor.users.tasks import prune_account_audit

        schedule.register(
            schedule.Job(
                "users.prune_account_audit",
                schedule.Daily("03:20"),
                prune_account_audit,
                title=_("Sign-in audit entries past their retention removed"),
            )
        )


def _chosen_columns(user, slug: str) -> list[str] | None:
    """The columns `user` chose for module `slug` (their profile, loaded with the request)."""
    profile = getattr(user, "profile", None)
    return profile.list_columns(slug) if profile is not None else None
