"""A user's second factor: the secret of their authenticator app and their recovery codes.

For the two-factor sign-in (kontor/users/two_factor.py). The secret is needed in plain form to
compute the codes, so it is kept sealed with the SECRET_KEY (kontor/core/sealing.py): a copy of
the database computes no codes. The recovery codes are kept only as SHA-256 digests (each is 50
random bits and used once, so a slow hash would add nothing but waiting).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.core import sealing

SEALED_FOR = "kontor.users.two_factor.secret"


class TwoFactorDevice(models.Model):
    """A user's authenticator app: active once `confirmed_at` is set (the user typed a code)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor"
    )
    #: The base32 secret shared with the authenticator app (RFC 6238), sealed: see `secret`.
    sealed_secret = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("Turned on"), null=True, blank=True)
    #: The 30-second step of the last code accepted: a code of this step or an earlier one is
    #: refused, so a code seen over someone's shoulder cannot be used again.
    last_step = models.BigIntegerField(default=0)
    #: Hex SHA-256 digests of the unused recovery codes.
    recovery_hashes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("Two-factor device")
        verbose_name_plural = _("Two-factor devices")

    def __str__(self):
        return f"{self.user} ({'on' if self.confirmed_at else 'set-up'})"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None

    @property
    def secret(self) -> str:
        """The plain secret; "" when no current or fallback SECRET_KEY opens it (the key was
        replaced without keeping the old one in SECRET_KEY_FALLBACKS): then no code matches,
        and an administrator's reset lets the user set up their app again."""
        return sealing.unseal(self.sealed_secret, purpose=SEALED_FOR) or ""

    @secret.setter
    def secret(self, plain: str) -> None:
        self.sealed_secret = sealing.seal(plain, purpose=SEALED_FOR)
