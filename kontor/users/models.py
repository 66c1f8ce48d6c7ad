"""A user's profile: language, time zone and remembered list preferences."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="profile")
    language = models.CharField(_("Language"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    time_zone = models.CharField(_("Time zone"), max_length=64, default=settings.TIME_ZONE,
                                 choices=[(tz, tz) for tz in TIME_ZONES])
    # {"columns": {"leads": ["last_name", …]}}
    preferences = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("Profile")

    def __str__(self):
        return f"{self.user} ({self.language}, {self.time_zone})"

    def list_columns(self, slug: str) -> list[str] | None:
        return self.preferences.get("columns", {}).get(slug) or None
