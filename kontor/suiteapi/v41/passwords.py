"""The md5 verifier of the v4_1 `login`, for every user who may sign in there.

A v4_1 client sends md5(password) as lower-case hex, never the password, so Django's password
hash cannot check it. Kontor keeps a second hash per user: Django's `make_password` of that md5
(`Md5Verifier`), written whenever the password is set or used to sign in (receivers.py).
Users moved from SuiteCRM also keep SuiteCRM's own hash (`LegacyPassword`), which checks the
md5 the way SuiteCRM does until they set another password.
"""

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from kontor.suiteapi.models import Md5Verifier
from kontor.suitecrm.hashers import md5_hex, verify_md5
from kontor.suitecrm.models import LegacyPassword


def remember_password(user, password: str) -> None:
    """Keep the verifier of `password` for `user` (who is saved); replaces an older one."""
    Md5Verifier.objects.update_or_create(
        user=user,
        defaults={"verifier": make_password(md5_hex(password)), "updated_at": timezone.now()},
    )


def has_verifier(user) -> bool:
    return Md5Verifier.objects.filter(user=user).exists()


def md5_matches(user, md5: str) -> bool:
    """Is `md5` (hex, any case) the md5 of `user`'s password? Checked against the verifier,
    else against the password hash kept from SuiteCRM."""
    md5 = (md5 or "").strip().lower()
    if len(md5) != 32:
        return False
    kept = Md5Verifier.objects.filter(user=user).values_list("verifier", flat=True).first()
    if kept is not None:
        return check_password(md5, kept)
    legacy = LegacyPassword.objects.filter(user=user).values_list("suitecrm_hash", flat=True)
    return verify_md5(md5, legacy.first() or "")
