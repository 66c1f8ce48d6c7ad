"""Fixtures of the core's tests of links to records the user may not see (hidden_links.py)."""

import pytest

from kontor.core.tests.hidden_links import world


@pytest.fixture
def w():
    """Sven (sales rep, Team scope), Stan (sales manager) and Stan's records Sven may not see."""
    return world()


@pytest.fixture
def sven_client(client, w):
    client.force_login(w.sven)
    return client
