"""The md5 verifier of the v4_1 `login`, for every user who may sign in there.

A v4_1 client sends md5(password) as lower-case hex, never the password, so Django's password
hash cannot check it. Kontor keeps a second hash per user: Django's `make_password` of that md5
(`Md5Verifier`), written whenever the password is set or used to sign in (receivers.py).
Users moved from SuiteCRM also keep SuiteCRM's own hash (`LegacyPassword`), which checks the
md5 the way SuiteCRM does until they set another password.
"""

import functools
import hashlib
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from kontor.suiteapi.models import AccessToken, Md5Verifier, Session
from kontor.suitecrm.hashers import md5_hex, verify_md5
from kontor.suitecrm.models import LegacyPassword


def fingerprint(user) -> str:
    """What ties a verifier to the password hash it was made beside."""
    return hashlib.sha256(user.password.encode()).hexdigest()


def remember_password(user, password: str) -> None:
    """Keep the verifier of `password` for `user` (who is saved); replaces an older one. A
    password other than the one verified so far ends the user's API sessions and tokens: who
    changes a password to lock someone out locks out their integrations too."""
    md5 = md5_hex(password)
    old = Md5Verifier.objects.filter(user=user).values_list("verifier", flat=True).first()
    Md5Verifier.objects.update_or_create(
        user=user,
        defaults={
            "verifier": make_password(md5),
            "password_fingerprint": fingerprint(user),
            "updated_at": timezone.now(),
        },
    )
    if old is None or not check_password(md5, old):
        end_credentials(user)


def end_credentials(user) -> None:
    """End the v4_1 sessions and revoke the V8 tokens of `user`."""
    now = timezone.now()
    Session.objects.filter(user=user, ended_at__isnull=True).update(ended_at=now)
    AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


def spend_check_time(md5: str) -> None:
    """Check `md5` against a hash of nothing, as long as a verifier check takes: a login for
    a name that does not exist then takes as long as one with a wrong password."""
    check_password(md5 or "", _nobody_hash())


@functools.cache
def _nobody_hash() -> str:
    """A hash of a random password, made once per process (as slow as any verifier)."""
    return make_password(secrets.token_hex(16))


def has_verifier(user) -> bool:
    """Whether `user` has a verifier made beside the current password hash."""
    return Md5Verifier.objects.filter(user=user, password_fingerprint=fingerprint(user)).exists()


def md5_matches(user, md5: str) -> bool:
    """Is `md5` (hex, any case) the md5 of `user`'s password? Checked against the verifier
    (if made beside the current password hash), else against the password hash kept from
    SuiteCRM."""
    md5 = (md5 or "").strip().lower()
    if len(md5) != 32 or not user.has_usable_password():
        return False
    kept = (
        Md5Verifier.objects.filter(user=user, password_fingerprint=fingerprint(user))
        .values_list("verifier", flat=True)
        .first()
    )
    if kept is not None:
        return check_password(md5, kept)
    legacy = LegacyPassword.objects.filter(user=user).values_list("suitecrm_hash", flat=True)
    return verify_md5(md5, legacy.first() or "")
