"""The administration change log: who changed which setting of the installation, when, how.

Every administrative action writes one entry with `log_admin_change` inside its transaction:
configuration (Studio), users, teams and roles, API tokens, webhook subscriptions, web forms,
an admin's undo of someone else's import. Administration → Change log shows them. An entry
names what changed, never a secret (a token's key, a webhook's signing secret): callers pass
what identifies the thing (a token's prefix), and `log_admin_change` refuses detail keys that
look like secrets.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: What the change log's "Area" column shows for each kind of setting (`AdminChange.area`).
AREAS = {
    "dropdown": _("Dropdown list"),
    "required": _("Required fields"),
    "custom_field": _("Custom field"),
    "layout": _("Layout"),
    "import": _("Configuration import"),
    "access": _("Access"),
    "signin": _("Sign-in"),
    "two_factor": _("Two-factor sign-in"),
    "api_token": _("API token"),
    "api_client": _("API client"),
    "oauth_client": _("API client"),
    "suitecrm_capture": _("SuiteCRM capture"),
    "webhook": _("Webhook"),
    "webform": _("Web form"),
    "data_import": _("Data import"),
    "setting": _("Installation settings"),
    "currency": _("Currencies"),
    "quota": _("Quotas"),
    "mailboxes": _("Mailboxes"),
    "email_sender": _("E-mail sender"),
}

#: Detail keys that must never reach the log (a caller's mistake would leak a credential).
SECRET_KEYS = frozenset({"secret", "key", "key_hash", "password", "token"})


class AdminChange(models.Model):
    """One entry of the administration change log."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    #: what kind of setting: dropdown, required, custom_field, layout, import (configuration
    #: import), access (users, teams, roles), api_token, webhook, webform, data_import
    area = models.CharField(max_length=30)
    target = models.CharField(max_length=200)
    summary = models.TextField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.area} {self.target}"

    @property
    def area_label(self):
        """The kind of setting in the reader's language (the stored key when it is unknown)."""
        return AREAS.get(self.area, self.area)


def log_admin_change(
    *, actor, area: str, target: str, summary: str, detail: dict | None = None
) -> AdminChange:
    """Write one entry of the administration change log (in the caller's transaction).

    `actor` is the admin who acted (None: the system, e.g. a management command); `summary`
    is the English text marked with `gettext_noop`, stored untranslated and translated into
    each reader's language by the change-log page (an entry written in the actor's language
    would read German to an English admin); `detail` is JSON (old and new values, names),
    never a secret.
    """
    leaked = SECRET_KEYS & set(detail or {})
    if leaked:
        raise ValueError(f"secrets do not belong in the admin change log: {sorted(leaked)}")
    return AdminChange.objects.create(
        actor=actor, area=area, target=str(target)[:200], summary=str(summary), detail=detail or {}
    )
