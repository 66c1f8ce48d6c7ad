"""Session keys sealed with kontor/core/sealing.py (Fernet) instead of the former XOR pad: every
stored key is opened with the former scheme and sealed again; a row no current or fallback key
opens can never be signed out and is dropped (its session ends by itself)."""

import hashlib

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

from kontor.core import sealing

SEALED_FOR = "kontor.users.sessions.key"
FORMER_SALT = "kontor.users.sessions.seal"


def _former_pad(digest: str, length: int, secret) -> bytes:
    blocks, counter = b"", 0
    while len(blocks) < length:
        message = f"{digest}:{counter}"
        blocks += salted_hmac(FORMER_SALT, message, secret=secret, algorithm="sha256").digest()
        counter += 1
    return blocks[:length]


def _former_open(sealed_hex: str, key_hash: str) -> str | None:
    try:
        sealed = bytes.fromhex(sealed_hex)
    except ValueError:
        return None
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        pad = _former_pad(key_hash, len(sealed), secret)
        try:
            key = bytes(a ^ b for a, b in zip(sealed, pad, strict=True)).decode()
        except UnicodeDecodeError:
            continue
        if hashlib.sha256(key.encode()).hexdigest() == key_hash:
            return key
    return None


def seal_with_fernet(apps, schema_editor):
    rows = apps.get_model("users", "UserSession").objects
    for row in rows.only("pk", "key_hash", "sealed_key"):
        if sealing.is_sealed(row.sealed_key):
            continue
        key = _former_open(row.sealed_key, row.key_hash)
        if key is None:
            row.delete()
            continue
        row.sealed_key = sealing.seal(key, purpose=SEALED_FOR)
        row.save(update_fields=["sealed_key"])


def seal_with_former_pad(apps, schema_editor):
    rows = apps.get_model("users", "UserSession").objects
    for row in rows.only("pk", "key_hash", "sealed_key"):
        key = sealing.unseal(row.sealed_key, purpose=SEALED_FOR)
        if key is None:
            row.delete()
            continue
        pad = _former_pad(row.key_hash, len(key.encode()), settings.SECRET_KEY)
        row.sealed_key = bytes(a ^ b for a, b in zip(key.encode(), pad, strict=True)).hex()
        row.save(update_fields=["sealed_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0007_account_event_filter_indexes"),
    ]

    operations = [migrations.RunPython(seal_with_fernet, seal_with_former_pad)]
