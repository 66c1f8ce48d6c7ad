"""The password hasher that lets users moved from SuiteCRM sign in with their old password.

SuiteCRM stores `users.user_hash` as bcrypt of the lower-case md5 hex of the password
(`$2y$10$…`), or, from old installations, as the bare 32-character md5 hex. The migration
stores it in Kontor as `suitecrm$<user_hash>`; this hasher verifies a password against it the
way SuiteCRM does and asks Django to upgrade it (`must_update`), so the first successful
sign-in replaces it by Django's default hasher.

The SuiteCRM hash itself is also kept in `kontor.suitecrm.models.LegacyPassword` (written by
the migration's users step), because a legacy API client signs in with md5(password) only and
Django's hash cannot check that; `verify_md5()` checks such a login against the kept hash.
"""

import hashlib
import hmac

import bcrypt
from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.translation import gettext_noop as _

ALGORITHM = "suitecrm"


def encode(user_hash: str) -> str:
    """The Django password value of a SuiteCRM `user_hash`."""
    return f"{ALGORITHM}${user_hash}"


def verify_md5(md5_hex: str, user_hash: str) -> bool:
    """SuiteCRM's check of the md5 hex of a password against `user_hash`: a bare md5 compares
    directly, anything else must be a bcrypt of the md5; empty or other hashes never match."""
    md5_hex = (md5_hex or "").lower()
    if not user_hash or not md5_hex:
        return False
    if not user_hash.startswith("$") and len(user_hash) == 32:
        return hmac.compare_digest(md5_hex.encode(), user_hash.lower().encode())
    if not user_hash.startswith(("$2y$", "$2a$", "$2b$")):
        return False  # e.g. a DES crypt() value of ancient Sugar versions
    try:
        # PHP writes "$2y$"; the bcrypt library reads the identical "$2b$".
        return bcrypt.checkpw(md5_hex.encode(), ("$2b$" + user_hash[4:]).encode())
    except ValueError:
        return False


def md5_hex(password: str) -> str:
    return hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()


class SuiteCRMPasswordHasher(BasePasswordHasher):
    """Verifies SuiteCRM's stored hashes; never used to hash a new password."""

    algorithm = ALGORITHM

    def salt(self):
        return ""

    def encode(self, password, salt):
        raise NotImplementedError("SuiteCRM hashes are only verified; Django hashes new ones.")

    def decode(self, encoded):
        algorithm, user_hash = encoded.split("$", 1)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": user_hash, "salt": ""}

    def verify(self, password, encoded):
        return verify_md5(md5_hex(password), self.decode(encoded)["hash"])

    def safe_summary(self, encoded):
        return {_("algorithm"): self.algorithm, _("hash"): mask_hash(self.decode(encoded)["hash"])}

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        pass
