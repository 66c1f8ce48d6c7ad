"""Fixtures of the V8 API tests: OAuth2 clients made through their action, and a client that
signs in with the password grant and calls the API as a SuiteCRM client would."""

import json

import pytest

from kontor.suiteapi.clients.actions import create_client
from kontor.users.actions import create_user

SECRET = "client-secret-123"


@pytest.fixture
def password_client(db):
    client, _secret = create_client(
        name="Mobile app", grant="password", client_id="mobile-app", secret=SECRET, actor=None
    )
    return client


@pytest.fixture
def seller(db):
    """Sven, a sales rep in no team: sees only his own records."""
    return create_user(
        "sven", password="pw-sven-123!", first_name="Sven", last_name="Seller", roles=["sales_rep"]
    )


class V8:
    """A SuiteCRM V8 client of the test server, signed in as one user."""

    def __init__(self, http, token: str, base: str = "/Api/"):
        self.http, self.token, self.base = http, token, base

    def _call(self, method: str, path: str, body=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        call = getattr(self.http, method)
        if body is None:
            response = call(self.base + path, **headers, **extra)
        else:
            response = call(
                self.base + path,
                data=json.dumps(body),
                content_type="application/vnd.api+json",
                **headers,
                **extra,
            )
        return response.status_code, _json(response)

    def get(self, path, **extra):
        return self._call("get", path, **extra)

    def post(self, path, body=None):
        return self._call("post", path, body)

    def patch(self, path, body=None):
        return self._call("patch", path, body)

    def delete(self, path, body=None):
        return self._call("delete", path, body)


def _json(response):
    try:
        return json.loads(response.content)
    except ValueError:
        return response.content


def sign_in(http, user_name: str, password: str, client_id: str = "mobile-app") -> str:
    response = http.post(
        "/Api/access_token",
        {
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": SECRET,
            "username": user_name,
            "password": password,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def as_rep(client, rep, password_client) -> V8:
    return V8(client, sign_in(client, "rolf", "pw-rolf-123!"))


@pytest.fixture
def as_seller(client, seller, password_client) -> V8:
    return V8(client, sign_in(client, "sven", "pw-sven-123!"))
