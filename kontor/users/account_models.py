"""The records of a user's own account: their signed-in sessions and the account's audit trail.

`UserSession` lists, per signed-in browser, what the user sees on their settings page ("Your
sessions") and what they may sign out. `AccountEvent` is what administrators see on
Administration → Sign-ins: sign-ins and failures, sign-outs, password changes and resets,
revoked sessions. Neither ever holds a password or a reset link; a session's key is kept only
sealed (kontor/users/sessions.py), so a copy of the database does not sign anyone in.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserSession(models.Model):
    """One signed-in browser of a user, while its session lives in the session store."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_sessions"
    )
    #: SHA-256 of the session key: finds the row of the current request's session.
    key_hash = models.CharField(max_length=64, unique=True)
    #: The session key sealed with the SECRET_KEY (kontor.core.sealing): needed to delete it
    #: from the store.
    sealed_key = models.CharField(max_length=256)
    created = models.DateTimeField(_("Signed in"), default=timezone.now)
    last_seen = models.DateTimeField(_("Last seen"), default=timezone.now)
    expires = models.DateTimeField(db_index=True)
    address = models.CharField(_("Address"), max_length=64, blank=True)
    user_agent = models.CharField(_("Browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Session")
        verbose_name_plural = _("Sessions")
        ordering = ["-last_seen", "-id"]

    def __str__(self):
        return f"{self.user} {self.address} {self.created:%Y-%m-%d %H:%M}"


class AccountEvent(models.Model):
    """One entry of the account audit trail (what happened to whose account, from where)."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGNED_OUT = "signed_out", _("Signed out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        RESET_REQUESTED = "reset_requested", _("Password reset requested")
        RESET_COMPLETED = "reset_completed", _("Password reset completed")
        SESSION_REVOKED = "session_revoked", _("Session signed out")

    at = models.DateTimeField(_("When"), default=timezone.now, db_index=True)
    kind = models.CharField(_("Event"), max_length=30, choices=Kind.choices)
    #: The account concerned (None: a failed sign-in or reset request of an unknown name).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The name or address as typed (failures of unknown names keep what was tried).
    username = models.CharField(_("User name"), max_length=150, blank=True)
    address = models.CharField(_("Address"), max_length=64, blank=True)
    user_agent = models.CharField(_("Browser"), max_length=200, blank=True)
    #: Who acted when it was not the account's owner (e.g. an administrator); else None.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Account event")
        verbose_name_plural = _("Account events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="users_acctevent_user_at"),
            # Administration → Sign-ins filters by the name typed or the kind of event and
            # pages newest first by id: without these a rare name reads the whole trail.
            models.Index(fields=["username", "-id"], name="users_acctevent_name_id"),
            models.Index(fields=["kind", "-id"], name="users_acctevent_kind_id"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"
