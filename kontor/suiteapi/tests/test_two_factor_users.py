"""SuiteCRM's password sign-ins cannot ask for a second factor, so they refuse a user who has
two-factor sign-in or whose role requires it: the same answer as a wrong password, no token,
and a failed sign-in in the account audit trail. The v4_1 `login` is checked alongside."""

import time

import pyotp
import pytest

from kontor.suiteapi.clients.actions import create_client
from kontor.suiteapi.models import AccessToken, Session
from kontor.suiteapi.v41.tests.helpers import call, md5
from kontor.users import two_factor_actions
from kontor.users.account_models import AccountEvent

pytestmark = pytest.mark.django_db

PASSWORD = "pw-rolf-123!"
SECRET = "client-secret-of-the-mobile-app"


@pytest.fixture
def password_client(db):
    return create_client(
        name="Mobile app", grant="password", client_id="mobile-app", secret=SECRET, actor=None
    )[0]


def with_device(user):
    device = two_factor_actions.begin_setup(user, actor=user)
    code = pyotp.TOTP(device.secret).at(time.time() - 30)
    two_factor_actions.confirm_setup(user, code, actor=user, now=time.time() - 30)


def with_required_role(user):
    user.roles.update(requires_two_factor=True)


def password_grant(client):
    return client.post(
        "/Api/access_token",
        {
            "grant_type": "password",
            "client_id": "mobile-app",
            "client_secret": SECRET,
            "username": "rolf",
            "password": PASSWORD,
        },
    )


def failures():
    return AccountEvent.objects.filter(kind="sign_in_failed", username="rolf").count()


@pytest.mark.parametrize("second_factor", [with_device, with_required_role])
def test_the_password_grant_refuses_a_user_with_a_second_factor(
    client, rolf, password_client, second_factor
):
    assert password_grant(client).status_code == 200  # the password itself is right
    AccessToken.objects.all().delete()
    second_factor(rolf)
    response = password_grant(client)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
    assert failures() == 1


@pytest.mark.parametrize("second_factor", [with_device, with_required_role])
def test_the_v41_login_refuses_a_user_with_a_second_factor(client, rolf, second_factor):
    credentials = [{"user_name": "rolf", "password": md5(PASSWORD)}, "app"]
    assert "id" in call(client, "login", credentials)
    Session.objects.all().delete()
    second_factor(rolf)
    answer = call(client, "login", credentials)
    assert answer["name"] == "Invalid Login" and "id" not in answer
    assert not Session.objects.exists()
    assert failures() == 1
