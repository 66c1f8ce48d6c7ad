"""What the SuiteCRM API compatibility keeps: V8 OAuth2 tokens, v4_1 sessions, and the
verifier that lets a v4_1 client log in with the md5 of a password.

Secrets are never stored: a token or session id is kept as its SHA-256 (they are long random
strings, so a fast hash is enough to look them up), the md5 of a password as a slow Django
password hash (an md5 is as good as the password to these clients).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessToken(models.Model):
    """An OAuth2 access token of the V8 API (with its refresh token for the password grant),
    issued to `client` and acting as `user`."""

    token_hash = models.CharField(max_length=64, unique=True)
    refresh_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    client = models.ForeignKey("api.OAuthClient", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"V8 token of {self.user} via {self.client}"


class Session(models.Model):
    """A v4_1 session: what `login` answers as the session id, until `logout` or expiry."""

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"v4_1 session of {self.user}"


class Md5Verifier(models.Model):
    """A slow hash of md5(password) of `user`, set whenever the password is set or used to
    sign in, so that the v4_1 `login` (which sends that md5) works for every user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suiteapi_md5"
    )
    verifier = models.CharField(max_length=255)
    #: SHA-256 of the user's password hash when the verifier was made: a password changed
    #: past `set_password` (an unusable one, a migration's new SuiteCRM hash) makes it stale
    password_fingerprint = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"md5 verifier of {self.user}"
