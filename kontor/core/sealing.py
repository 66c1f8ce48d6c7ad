"""Short secrets kept in the database sealed with the SECRET_KEY, for the apps that must read
them back in plain form (a user's authenticator secret, kontor/users/two_factor_models.py).

A copy of the database (a backup, a dump handed to support) then holds nothing usable without
the SECRET_KEY, which lives only in the environment. The seal is `cryptography`'s Fernet
(AES-128 in CBC mode with an HMAC-SHA256 over it: a changed value or one sealed with another
key does not open). Its key is derived from the SECRET_KEY and the use's `purpose` with
Django's `salted_hmac`, so a value sealed for one use opens for no other.

`unseal` tries `SECRET_KEY_FALLBACKS` after the SECRET_KEY, so sealed values stay readable
across a key rotation as long as the old key is kept there.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

#: What every sealed value starts with: a plain value never does (base32, hex, a password).
PREFIX = "sealed1$"


def _fernet(purpose: str, key: str) -> Fernet:
    derived = salted_hmac(f"kontor.sealing.{purpose}", "fernet", secret=key, algorithm="sha256")
    return Fernet(base64.urlsafe_b64encode(derived.digest()))


def _keys(purpose: str) -> MultiFernet:
    """Seals with the SECRET_KEY's key; opens with it or one of the fallbacks'."""
    keys = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    return MultiFernet([_fernet(purpose, key) for key in keys])


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(plain: str, *, purpose: str) -> str:
    """`plain` sealed with the SECRET_KEY for `purpose` (text, about 100 characters longer
    than `plain` for short values)."""
    return PREFIX + _keys(purpose).encrypt(plain.encode()).decode()


def unseal(sealed: str, *, purpose: str) -> str | None:
    """The plain text of `sealed`; None when it is no sealed value of `purpose` or neither
    the SECRET_KEY nor one of its fallbacks sealed it."""
    if not is_sealed(sealed or ""):
        return None
    try:
        return _keys(purpose).decrypt(sealed[len(PREFIX) :].encode()).decode()
    except (InvalidToken, UnicodeDecodeError, ValueError):
        return None
