"""Fixtures of the tests that call SuiteCRM's two APIs and Kontor's own side by side: one
caller per user holding a client of each — V8 (OAuth2 password grant), v4_1 (a `login`
session with the md5 of the password) and /api/v1 (a Kontor API token).

Users are made with `create_user` and then given their password through `set_password`, the
way Kontor's user administration sets it: only then does the v4_1 md5 verifier exist.
"""

import hashlib
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from kontor.api.actions import create_token
from kontor.suiteapi.clients.actions import create_client
from kontor.users.actions import create_user

CLIENT_ID = "integration"
SECRET = "integration-secret-42"
V41_URL = "/service/v4_1/rest.php"


def password_of(username: str) -> str:
    return f"pw-{username}-123!"


def person(username: str, roles=(), teams=(), **names):
    """A user with preset roles and teams whose password was set as an admin sets it."""
    user = create_user(username, password="", roles=roles, teams=teams, **names)
    user.set_password(password_of(username))
    user.save()
    return user


def decoded(response):
    try:
        return json.loads(response.content)
    except ValueError:
        return response.content


class Caller:
    """One user talking to the three APIs, each over its own HTTP client."""

    def __init__(self, user):
        self.user = user
        self.http = Client()
        self.token = self._sign_in_v8()
        self.session = self._sign_in_v41()
        _token, key = create_token(user, name="cross-api", actor=user)
        self.rest = APIClient()
        self.rest.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    def _sign_in_v8(self) -> str:
        response = self.http.post(
            "/Api/access_token",
            {
                "grant_type": "password",
                "client_id": CLIENT_ID,
                "client_secret": SECRET,
                "username": self.user.username,
                "password": password_of(self.user.username),
            },
        )
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    def _sign_in_v41(self) -> str:
        md5 = hashlib.md5(password_of(self.user.username).encode()).hexdigest()
        answer = self.v41("login", [{"user_name": self.user.username, "password": md5}, "x"])
        assert "id" in answer, answer
        return answer["id"]

    def v8(self, method: str, path: str, body=None):
        """(status, decoded body) of a V8 call; `path` after /Api/."""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        call = getattr(self.http, method.lower())
        if body is None:
            response = call(f"/Api/{path}", **headers)
        else:
            response = call(
                f"/Api/{path}",
                data=json.dumps(body),
                content_type="application/vnd.api+json",
                **headers,
            )
        return response.status_code, decoded(response)

    def v41(self, method: str, rest_data):
        """The decoded answer of a v4_1 call (SuiteCRM answers HTTP 200 to everything)."""
        form = {"method": method, "input_type": "JSON", "response_type": "JSON"}
        form["rest_data"] = json.dumps(rest_data)
        response = self.http.post(V41_URL, form)
        assert response.status_code == 200, response.content
        return decoded(response)

    def v1(self, method: str, path: str, body=None):
        """(status, decoded body) of a call to Kontor's own API under /api/v1/."""
        call = getattr(self.rest, method.lower())
        response = call(f"/api/v1/{path}", body, format="json") if body else call(f"/api/v1/{path}")
        return response.status_code, decoded(response)


@pytest.fixture
def oauth_client(db):
    """The OAuth2 client an integration signs in with (password grant)."""
    client, _secret = create_client(
        name="Integration", grant="password", client_id=CLIENT_ID, secret=SECRET, actor=None
    )
    return client


@pytest.fixture
def caller(oauth_client):
    """Makes a `Caller` for a user."""
    return Caller
