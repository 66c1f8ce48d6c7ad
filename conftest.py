"""Fixtures shared by every test: named users, signed-in clients, a clean cache.

Tests run against the database of DATABASE_URL (PostgreSQL in CI) or SQLite when it is unset;
`make test` runs the suite on both.
"""

import pytest
from django.conf import settings
from django.core.cache import cache

from kontor.core.smtp_testing import smtp_server  # noqa: F401 - a real SMTP server, the fixture
from kontor.mailboxes.imap_testing import imap_server  # noqa: F401 - a real IMAP server (Dovecot)
from kontor.users.actions import create_user

# Real password hashing costs ~0.3 s per user; tests create many users and test no hashing.
# SuiteCRM's hasher stays so that migrated users sign in.
settings.PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "kontor.suitecrm.hashers.SuiteCRMPasswordHasher",
]


@pytest.fixture(autouse=True)
def _clean_cache():
    # Dropdown lists are cached; each test starts from what its database holds.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(db):
    """Ada, the administrator."""
    return create_user(
        "ada",
        password="pw-ada-123!",
        first_name="Ada",
        last_name="Admin",
        email="ada@kontor.example",
        is_superuser=True,
    )


@pytest.fixture
def rep(db):
    """Rolf, a sales manager without admin rights: every record, no administration."""
    return create_user(
        "rolf",
        password="pw-rolf-123!",
        first_name="Rolf",
        last_name="Rep",
        email="rolf@kontor.example",
        roles=["sales_manager"],
    )


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client
