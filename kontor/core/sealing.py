"""Short secrets kept in the database sealed with the SECRET_KEY, for the apps that must read
them back in plain form (a user's authenticator secret, kontor/users/two_factor_models.py).

A copy of the database (a backup, a dump handed to support) then holds nothing usable without
the SECRET_KEY, which lives only in the environment. Python's standard library and Django
offer no cipher, and `cryptography` is not a dependency, so the seal is built from the one
keyed primitive Django has, HMAC-SHA256 (`salted_hmac`): its output over a random nonce and a
counter is the key stream the text is XOR-ed with, and a second HMAC over nonce and cipher
text (encrypt-then-MAC) refuses any sealed value changed in the database or sealed with
another key. Each use names its own `purpose`, so a value sealed for one use opens for no
other.

`unseal` tries `SECRET_KEY_FALLBACKS` after the SECRET_KEY, so sealed values stay readable
across a key rotation as long as the old key is kept there.
"""

import base64
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

#: What every sealed value starts with: a plain value never does (base32, hex, a password).
PREFIX = "sealed1$"
NONCE_BYTES = 16
TAG_BYTES = 32


def _stream(purpose: str, nonce: bytes, length: int, key: str) -> bytes:
    blocks, counter = b"", 0
    while len(blocks) < length:
        message = nonce + counter.to_bytes(4, "big")
        blocks += salted_hmac(f"{purpose}.pad", message, secret=key, algorithm="sha256").digest()
        counter += 1
    return blocks[:length]


def _tag(purpose: str, nonce: bytes, body: bytes, key: str) -> bytes:
    return salted_hmac(f"{purpose}.tag", nonce + body, secret=key, algorithm="sha256").digest()


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(plain: str, *, purpose: str) -> str:
    """`plain` sealed with the SECRET_KEY for `purpose` (text, at most ~70 characters longer
    than the UTF-8 of `plain` times 4/3)."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    raw = plain.encode()
    stream = _stream(purpose, nonce, len(raw), settings.SECRET_KEY)
    body = bytes(a ^ b for a, b in zip(raw, stream, strict=True))
    tag = _tag(purpose, nonce, body, settings.SECRET_KEY)
    return PREFIX + base64.urlsafe_b64encode(nonce + body + tag).decode()


def unseal(sealed: str, *, purpose: str) -> str | None:
    """The plain text of `sealed`; None when it is no sealed value of `purpose` or neither
    the SECRET_KEY nor one of its fallbacks sealed it."""
    if not is_sealed(sealed or ""):
        return None
    try:
        data = base64.urlsafe_b64decode(sealed[len(PREFIX) :].encode())
    except ValueError:
        return None
    if len(data) < NONCE_BYTES + TAG_BYTES:
        return None
    nonce, body, tag = data[:NONCE_BYTES], data[NONCE_BYTES:-TAG_BYTES], data[-TAG_BYTES:]
    for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if constant_time_compare(_tag(purpose, nonce, body, key), tag):
            stream = _stream(purpose, nonce, len(body), key)
            raw = bytes(a ^ b for a, b in zip(body, stream, strict=True))
            try:
                return raw.decode()
            except UnicodeDecodeError:
                return None
    return None
