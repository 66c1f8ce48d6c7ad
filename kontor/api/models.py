"""The API's own tables: personal tokens, idempotency keys and OAuth2 clients (external ids
live in core).

For integrators and the people who create tokens for them.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token: acts as its user, with that user's roles and teams.

    Only a SHA-256 hash of the secret is stored (tokens are 256 random bits, so a slow hash
    adds nothing); `prefix` finds the row without a scan and is shown to tell tokens apart.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("User"),
    )
    name = models.CharField(_("Name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scope = models.CharField(_("Access"), max_length=8, choices=Scope.choices, default=Scope.WRITE)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("Last used"), null=True, blank=True)
    #: None: never expires. An expired token is refused like an unknown one.
    expires_at = models.DateTimeField(_("Expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class IdempotencyKey(models.Model):
    """The answer to a POST sent with an Idempotency-Key header, replayed on a retry.

    Written in the same transaction as the POST's own writes: either both exist or neither.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # method, path and a hash of the body: the same key with another request is a conflict
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_unique")
        ]

    def __str__(self):
        return self.key


class OAuthClient(models.Model):
    """An OAuth2 client of SuiteCRM's V8 API, moved by `kontor migrate-suitecrm` from SuiteCRM's
    `oauth2clients`, for the API compatibility that authenticates such clients.

    The secret is kept as SuiteCRM stores it: the lower-case hex SHA-256 of the plain secret,
    which `verify_secret` checks the way SuiteCRM does. A `client_credentials` client's tokens
    act as `user`; a `password` client's tokens act as the user who signs in.
    """

    class Grant(models.TextChoices):
        PASSWORD = "password", _("Password")
        CLIENT_CREDENTIALS = "client_credentials", _("Client credentials")

    #: SuiteCRM's `oauth2clients.id`, which clients send as `client_id`
    client_id = models.CharField(max_length=36, unique=True)
    name = models.CharField(_("Name"), max_length=255, blank=True)
    secret_hash = models.CharField(max_length=128)
    grant = models.CharField(_("Grant"), max_length=32, choices=Grant.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Acts as"),
    )
    is_confidential = models.BooleanField(default=True)
    redirect_url = models.CharField(max_length=255, blank=True)
    #: False for a client deleted in SuiteCRM: kept, but it authenticates nothing
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client_id"]
        verbose_name = _("OAuth2 client")
        verbose_name_plural = _("OAuth2 clients")

    def __str__(self):
        return self.client_id

    def verify_secret(self, secret: str) -> bool:
        """Whether `secret` is this client's secret (SuiteCRM's rule: its SHA-256 in hex)."""
        digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
        return self.active and hmac.compare_digest(digest.encode(), self.secret_hash.encode())
