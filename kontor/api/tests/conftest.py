"""Fixtures of the API tests: token clients for the named users of the root conftest."""

import pytest
from rest_framework.test import APIClient

from kontor.api.actions import create_token
from kontor.api.models import ApiToken


def token_client(user, scope=ApiToken.Scope.WRITE) -> APIClient:
    _token, key = create_token(user, name="test", scope=scope, actor=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api(rep):
    """Rolf's read-write token client."""
    return token_client(rep)


@pytest.fixture
def admin_api(admin):
    return token_client(admin)
