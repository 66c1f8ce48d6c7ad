"""A user's profile: language, time zone and remembered list preferences."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("Language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(
        _("Time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        choices=[(tz, tz) for tz in TIME_ZONES],
    )
    # {"columns": {"leads": ["last_name", …]}}
    preferences = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("Profile")

    def __str__(self):
        return f"{self.user} ({self.language}, {self.time_zone})"

    def list_columns(self, slug: str) -> list[str] | None:
        return self.preferences.get("columns", {}).get(slug) or None


class Team(models.Model):
    """A group of users ("Gruppe"); records belong to teams and Team-scope grants follow them."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Description"), blank=True, max_length=2000)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teams", verbose_name=_("Members")
    )

    class Meta:
        verbose_name = _("Team")
        verbose_name_plural = _("Teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Scope(models.TextChoices):
    """How far a grant reaches, narrowest first (docs/domain.md §6)."""

    NONE = "none", _("None")
    OWNER = "owner", _("Owner")
    TEAM = "team", _("Team")
    ALL = "all", _("All")


SCOPE_RANK = {scope: rank for rank, scope in enumerate(Scope.values)}


class Role(models.Model):
    """What its users may do per record type: {module slug: {action: scope}} in `grants`.

    A user with several roles gets the widest scope of each; administrators bypass roles.
    `key` names the preset roles created on install, so they can be found again.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Description"), blank=True, max_length=2000)
    key = models.SlugField(max_length=50, unique=True, null=True, blank=True, editable=False)
    is_admin = models.BooleanField(
        _("Administrator"),
        default=False,
        help_text=_(
            "Administrators may do everything and manage users, teams, roles and configuration."
        ),
    )
    requires_two_factor = models.BooleanField(
        _("Requires two-factor sign-in"),
        default=False,
        help_text=_(
            "Its users must sign in with a code from an authenticator app; those without one "
            "set it up right after their password."
        ),
    )
    grants = models.JSONField(default=dict, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="roles", verbose_name=_("Users")
    )

    class Meta:
        verbose_name = _("Role")
        verbose_name_plural = _("Roles")
        ordering = ["name"]

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        """The preset roles' names in the user's language; admins' own names as typed."""
        from kontor.users.presets import PRESETS

        preset = PRESETS.get(self.key or "")
        return preset["label"] if preset and self.name == preset["name"] else self.name

    @property
    def description_label(self):
        """The preset roles' shipped descriptions in the user's language; admins' own texts
        (and shipped ones an admin changed) as typed."""
        from django.utils import translation

        from kontor.users.presets import PRESETS

        preset = PRESETS.get(self.key or "")
        if preset:
            with translation.override("en"):
                shipped = str(preset["description"])
            if self.description == shipped:
                return preset["description"]
        return self.description

    def scope(self, slug: str, action: str) -> str:
        return self.grants.get(slug, {}).get(action, Scope.NONE)


# Django looks for the models here; the account's own records live beside, in their module.
from kontor.users.account_models import AccountEvent, UserSession  # noqa: E402, F401
from kontor.users.two_factor_models import TwoFactorDevice  # noqa: E402, F401
