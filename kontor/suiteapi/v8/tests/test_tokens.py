"""The V8 token endpoint and bearer check: SuiteCRM's answers for each grant and each refusal,
tokens stored hashed, expiring, rotating and revoked; an inactive user or client gets nothing."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kontor.core.admin_log import AdminChange
from kontor.suiteapi.clients.actions import create_client, revoke_client
from kontor.suiteapi.models import AccessToken
from kontor.suiteapi.v8.tests.conftest import SECRET, V8, sign_in
from kontor.suiteapi.v8.tokens import digest
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

INVALID_REQUEST = (
    "The request is missing a required parameter, includes an invalid parameter value, "
    "includes a parameter more than once, or is otherwise malformed."
)


def token(client, **data):
    response = client.post("/Api/access_token", data)
    return response.status_code, response.json()


def test_password_grant_answers_as_suitecrm_and_stores_only_hashes(client, rep, password_client):
    status, body = token(
        client,
        grant_type="password",
        client_id="mobile-app",
        client_secret=SECRET,
        username="rolf",
        password="pw-rolf-123!",
    )
    assert status == 200
    assert list(body) == ["token_type", "expires_in", "access_token", "refresh_token"]
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    row = AccessToken.objects.get()
    assert row.token_hash == digest(body["access_token"])
    assert row.refresh_hash == digest(body["refresh_token"])
    assert row.user == rep and row.client == password_client
    assert timedelta(minutes=59) < row.expires_at - timezone.now() <= timedelta(hours=1)
    assert AdminChange.objects.filter(area="api_token", actor=rep).count() == 1
    assert body["access_token"] not in str(AdminChange.objects.values_list("detail", flat=True))


def test_json_body_and_client_credentials_grant(client, rep):
    create_client(
        name="Sync",
        grant="client_credentials",
        user=rep,
        client_id="sync",
        secret=SECRET,
        actor=None,
    )
    response = client.post(
        "/legacy/Api/access_token",
        {"grant_type": "client_credentials", "client_id": "sync", "client_secret": SECRET},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "refresh_token" not in response.json()
    assert response["Content-Type"] == "application/json"
    assert AccessToken.objects.get().user == rep


def test_http_basic_client_credentials(client, rep, password_client):
    basic = base64.b64encode(f"mobile-app:{SECRET}".encode()).decode()
    response = client.post(
        "/Api/access_token",
        {"grant_type": "password", "username": "rolf", "password": "pw-rolf-123!"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "status", "error", "hint"),
    [
        (
            {},
            400,
            "unsupported_grant_type",
            "Check that all required parameters have been provided",
        ),
        ({"grant_type": "implicit"}, 400, "unsupported_grant_type", None),
        ({"grant_type": "password"}, 400, "invalid_request", "Check the `client_id` parameter"),
        (
            {"grant_type": "password", "client_id": "mobile-app"},
            400,
            "invalid_request",
            "Check the `client_secret` parameter",
        ),
        (
            {"grant_type": "password", "client_id": "mobile-app", "client_secret": SECRET},
            400,
            "invalid_request",
            "Check the `username` parameter",
        ),
        (
            {"grant_type": "password", "client_id": "mobile-app", "client_secret": "wrong"},
            401,
            "invalid_client",
            None,
        ),
        (
            {"grant_type": "password", "client_id": "nobody", "client_secret": SECRET},
            401,
            "invalid_client",
            None,
        ),
        (
            {"grant_type": "password", "client_id": "mobile\x00app", "client_secret": SECRET},
            400,
            "invalid_request",
            "Check the `client_id` parameter",
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": "mobile-app",
                "client_secret": SECRET,
            },
            401,
            "invalid_client",
            None,
        ),
        (
            {
                "grant_type": "password",
                "client_id": "mobile-app",
                "client_secret": SECRET,
                "username": "rolf",
                "password": "wrong-password",
            },
            400,
            "invalid_grant",
            None,
        ),
        (
            {
                "grant_type": "password",
                "client_id": "mobile-app",
                "client_secret": SECRET,
                "username": "rolf",
                "password": "pw-rolf-123!",
                "scope": "admin",
            },
            400,
            "invalid_scope",
            "Check the `admin` scope",
        ),
        (
            {
                "grant_type": "refresh_token",
                "client_id": "mobile-app",
                "client_secret": SECRET,
                "refresh_token": "forged",
            },
            401,
            "invalid_request",
            "Cannot decrypt the refresh token",
        ),
    ],
)
def test_refusals_answer_with_the_oauth_error_and_issue_nothing(
    client, rep, password_client, data, status, error, hint
):
    got_status, body = token(client, **data)
    assert (got_status, body["error"]) == (status, error)
    assert body["message"] == body["error_description"]
    if hint is not None:
        assert body["hint"] == hint
    if error == "invalid_request" and status == 400:
        assert body["error_description"] == INVALID_REQUEST
    assert "wrong" not in str(body) and SECRET not in str(body)
    assert not AccessToken.objects.exists()


def test_refresh_rotates_the_pair_and_revokes_the_old_one(client, rep, password_client):
    _s, first = token(
        client,
        grant_type="password",
        client_id="mobile-app",
        client_secret=SECRET,
        username="rolf",
        password="pw-rolf-123!",
    )
    status, second = token(
        client,
        grant_type="refresh_token",
        client_id="mobile-app",
        client_secret=SECRET,
        refresh_token=first["refresh_token"],
    )
    assert status == 200 and second["refresh_token"] != first["refresh_token"]
    assert V8(client, first["access_token"]).get("V8/meta/modules")[0] == 401
    assert V8(client, second["access_token"]).get("V8/meta/modules")[0] == 200
    status, again = token(
        client,
        grant_type="refresh_token",
        client_id="mobile-app",
        client_secret=SECRET,
        refresh_token=first["refresh_token"],
    )
    assert (status, again["hint"]) == (401, "Token has been revoked")
    assert AccessToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_inactive_user_gets_no_token_and_loses_the_one_held(client, password_client):
    user = create_user("ina", password="pw-ina-123!", roles=["sales_manager"])
    held = V8(client, sign_in(client, "ina", "pw-ina-123!"))
    user.is_active = False
    user.save(update_fields=["is_active"])
    status, body = held.get("V8/meta/modules")
    assert status == 401 and body["error"] == "access_denied"
    status, body = token(
        client,
        grant_type="password",
        client_id="mobile-app",
        client_secret=SECRET,
        username="ina",
        password="pw-ina-123!",
    )
    assert (status, body["error"]) == (400, "invalid_grant")
    assert AccessToken.objects.count() == 1


def test_a_revoked_client_authenticates_nothing(client, rep, admin, password_client):
    held = V8(client, sign_in(client, "rolf", "pw-rolf-123!"))
    revoke_client(password_client, actor=admin)
    assert held.get("V8/meta/modules")[0] == 401
    status, body = token(
        client,
        grant_type="password",
        client_id="mobile-app",
        client_secret=SECRET,
        username="rolf",
        password="pw-rolf-123!",
    )
    assert (status, body["error"]) == (401, "invalid_client")


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        (None, 'Missing "Authorization" header'),
        ("Bearer forged-token", "Access token could not be verified"),
        ("Basic abc", "Access token could not be verified"),
    ],
)
def test_bad_bearer_tokens_are_denied(client, header, hint):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/Api/V8/module/Leads", **extra)
    assert response.status_code == 401
    assert response.json() == {
        "error": "access_denied",
        "error_description": "The resource owner or authorization server denied the request.",
        "hint": hint,
        "message": "The resource owner or authorization server denied the request.",
    }


def test_an_expired_token_is_denied(client, as_rep):
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    status, body = as_rep.get("V8/module/Leads")
    assert (status, body["hint"]) == (401, "Access token could not be verified")


def test_logout_revokes_the_token(client, as_rep):
    status, body = as_rep.post("V8/logout")
    assert status == 200
    assert body == {"meta": {"message": "You have been successfully logged out"}, "data": []}
    status, body = as_rep.get("V8/module/Leads")
    assert (status, body["hint"]) == (401, "Access token has been revoked")


def test_token_endpoint_wants_post(client):
    response = client.get("/Api/access_token")
    assert response.status_code == 405
    assert response.json() == {"message": "Method not allowed. Must be one of: POST"}


def test_failed_passwords_make_the_pair_wait_as_the_sign_in_page_does(
    client, rep, password_client, settings
):
    settings.KONTOR_SIGNIN_MAX_FAILURES = 2
    for _ in range(2):
        token(
            client,
            grant_type="password",
            client_id="mobile-app",
            client_secret=SECRET,
            username="rolf",
            password="bad",
        )
    response = client.post(
        "/Api/access_token",
        {
            "grant_type": "password",
            "client_id": "mobile-app",
            "client_secret": SECRET,
            "username": "rolf",
            "password": "pw-rolf-123!",
        },
    )
    # the right password is not even checked while the pair waits
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["error"] == "invalid_grant"
    assert "try again in" in response.json()["hint"]
    assert not AccessToken.objects.exists()


def test_no_csrf_token_is_needed(rep, password_client):
    browserless = Client(enforce_csrf_checks=True)
    access = sign_in(browserless, "rolf", "pw-rolf-123!")
    status, _body = V8(browserless, access).post(
        "V8/module", {"data": {"type": "Leads", "attributes": {"last_name": "Csrf"}}}
    )
    assert status == 201
