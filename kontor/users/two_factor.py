"""Two-factor sign-in with time-based codes (TOTP, RFC 6238): codes, recovery codes, who must
use it and the wait after wrong codes. For the sign-in steps, the settings page and the
administration; the writes are the actions of kontor/users/two_factor_actions.py.

Codes are computed by pyotp (the reference TOTP library, no dependencies of its own): six
digits per 30-second step. The step before and the step after the current one are accepted as
well, since a phone's clock drifts; a step at or before the last one accepted is refused, so a
code works once. A recovery code (ten per user, shown once) replaces a code once.

Wrong codes are throttled per user, whatever the address (whoever types the code already
knew the password): after `KONTOR_SIGNIN_MAX_FAILURES` wrong codes each further one waits
1, 2, 4 … seconds, at most `KONTOR_SIGNIN_LOCK_SECONDS`, with the counters, claims and
administration list of the password throttle (kontor/users/signin.py).
"""

import hashlib
import hmac
import secrets
import time
import unicodedata

import pyotp
import segno
from django.conf import settings
from django.core.cache import cache

from kontor.users import signin
from kontor.users.two_factor_models import TwoFactorDevice

ISSUER = "Kontor"
STEP = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to mistype


def new_secret() -> str:
    """A new random secret (160 bits, base32) for an authenticator app."""
    return pyotp.random_base32(32)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def code_at(secret: str, step: int) -> str:
    """The six-digit code of `secret` for the 30-second `step`."""
    return pyotp.TOTP(secret, interval=STEP).generate_otp(step)


def normalized(code: str) -> str:
    """What a user typed, without spaces and dashes, in lower case; full-width digits and
    letters (an East Asian keyboard's) as their ASCII twins."""
    return "".join(unicodedata.normalize("NFKC", code or "").split()).replace("-", "").lower()


def is_totp(code: str) -> bool:
    """Six ASCII digits: other digits ("١٢٣٤٥٦") are no code, and `hmac.compare_digest`
    refuses to compare non-ASCII text."""
    code = normalized(code)
    return len(code) == 6 and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, *, after: int, now: float | None = None) -> int | None:
    """The step (current ±1) whose code `code` is, if it comes after step `after`; else None
    (always for an empty `secret`: a sealed one no key opens)."""
    if not secret or not is_totp(code):
        return None
    code, step = normalized(code), current_step(now)
    for candidate in (step - 1, step, step + 1):
        if candidate > after and hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def otpauth_uri(device: TwoFactorDevice) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(device.secret, interval=STEP).provisioning_uri(
        name=device.user.get_username(), issuer_name=ISSUER
    )


def qr_svg(device: TwoFactorDevice) -> str:
    """The QR code of `otpauth_uri` as inline SVG (no image request, nothing to allow in the
    Content-Security-Policy)."""
    return segno.make(otpauth_uri(device), error="m").svg_inline(
        scale=5, border=2, title="otpauth", dark="#000", light="#fff"
    )


def spaced(secret: str) -> str:
    """The secret in groups of four, to type into an app that cannot scan."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes() -> list[str]:
    """Ten recovery codes, `xxxxx-xxxxx` (50 random bits each)."""
    return [
        "-".join(
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _half in range(2)
        )
        for _code in range(RECOVERY_CODES)
    ]


def recovery_hash(user_pk: int, code: str) -> str:
    """The stored digest of a recovery code: bound to its user, so equal codes of two users
    differ in the database."""
    return hashlib.sha256(f"{user_pk}:{normalized(code)}".encode()).hexdigest()


def device_of(user) -> TwoFactorDevice | None:
    """The user's device, confirmed or still being set up, or None."""
    return TwoFactorDevice.objects.filter(user=user).first()


def has_active_device(user) -> bool:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def required_for(user) -> bool:
    """Whether one of the user's roles requires two-factor sign-in."""
    return user.roles.filter(requires_two_factor=True).exists()


def password_alone_refused(user) -> bool:
    """Whether a sign-in that can send only a password (SuiteCRM's v4_1 `login`, the V8
    password grant) must refuse `user`: they have two-factor sign-in, or a role requires it.
    Those APIs cannot ask for the code, and the password alone must not open what the sign-in
    page guards with a second factor."""
    return has_active_device(user) or required_for(user)


# The per-user throttle of wrong codes, kept by the password throttle's counters.


def _counter(user) -> signin._Counter:
    return signin._Counter(
        f"code:{user.pk}",
        user.get_username(),
        "2FA",
        settings.KONTOR_SIGNIN_MAX_FAILURES,
        signin.PAIR_MEMORY,
    )


def claim_code_attempt(user, *, now: float | None = None) -> int:
    """Seconds the user must still wait before a code is checked (0: check it now; past the
    free attempts this request has then claimed the attempt, as `signin.claim` does)."""
    now = time.time() if now is None else now
    counter = _counter(user)
    stored = signin._stored([counter])
    count = stored.get(signin._count_key(counter.key)) or 0
    wait = signin._wait(count, stored.get(signin._last_key(counter.key)), counter.free, now)
    if wait:
        return wait
    if count >= counter.free and not cache.add(
        signin._try_key(counter.key, count), 1, signin.CLAIM_SECONDS
    ):
        return min(signin.CLAIM_SECONDS, max(1, signin.delay(count, counter.free)))
    return 0


def code_failed(user) -> None:
    """Count one wrong code of `user`."""
    signin.count_failure(_counter(user), time.time())


def code_passed(user) -> None:
    """Forget the user's wrong codes and give back a claimed attempt."""
    counter = _counter(user)
    count_key = signin._count_key(counter.key)
    count = cache.get(count_key) or 0
    cache.delete_many(
        [count_key, signin._last_key(counter.key), signin._try_key(counter.key, count)]
    )
