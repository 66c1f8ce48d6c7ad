"""Calling the v4_1 endpoint in tests the way SuiteCRM's clients do."""

import hashlib
import json

URL = "/service/v4_1/rest.php"


def md5(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


def post(client, method: str, rest_data, url: str = URL, **extra):
    """POST one call as a form, JSON in and out; returns the response."""
    form = {"method": method, "input_type": "JSON", "response_type": "JSON"}
    form["rest_data"] = rest_data if isinstance(rest_data, str) else json.dumps(rest_data)
    form.update(extra)
    return client.post(url, form)


def call(client, method: str, rest_data, **extra):
    """The decoded JSON answer of one call (which must be HTTP 200)."""
    response = post(client, method, rest_data, **extra)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def login(client, user_name: str, password: str) -> str:
    """A session id of the user."""
    answer = call(client, "login", [{"user_name": user_name, "password": md5(password)}, "t"])
    assert "id" in answer, answer
    return answer["id"]
