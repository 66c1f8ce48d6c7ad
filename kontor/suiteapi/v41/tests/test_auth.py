"""v4_1 transport and sign-in: login, logout, get_user_id, get_server_info, sessions and the
md5 verifier."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.utils import timezone

from kontor.suiteapi.models import Md5Verifier, Session
from kontor.suiteapi.v41.tests.helpers import URL, call, login, md5, post
from kontor.suitecrm.hashers import md5_hex
from kontor.suitecrm.models import LegacyId, LegacyPassword
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

INVALID_SESSION = {
    "name": "Invalid Session ID",
    "number": 11,
    "description": "The session ID is invalid",
}
INVALID_LOGIN = {
    "name": "Invalid Login",
    "number": 10,
    "description": "Login attempt failed please check the username and password",
}


def test_login_answers_suitecrms_shape_and_stores_only_a_hash_of_the_session(client, rolf):
    answer = call(
        client, "login", [{"user_name": "rolf", "password": md5("pw-rolf-123!")}, "my-app"]
    )
    assert re.fullmatch(r"[a-z0-9]{26}", answer["id"])
    assert answer["module_name"] == "Users"
    values = answer["name_value_list"]
    assert list(values) == [
        "user_id",
        "user_name",
        "user_language",
        "user_currency_id",
        "user_is_admin",
        "user_default_team_id",
        "user_default_dateformat",
        "user_default_timeformat",
        "user_number_seperator",
        "user_decimal_seperator",
        "mobile_max_list_entries",
        "mobile_max_subpanel_entries",
        "user_currency_name",
    ]
    assert values["user_id"] == {"name": "user_id", "value": str(rolf.pk)}
    assert values["user_name"] == {"name": "user_name", "value": "rolf"}
    assert values["user_is_admin"] == {"name": "user_is_admin", "value": False}
    assert values["user_language"]["value"] == "en_us"
    session = Session.objects.get()
    assert session.user == rolf and session.application == "my-app"
    assert answer["id"] not in session.key_hash and len(session.key_hash) == 64


def test_login_by_name_with_plain_encryption_and_a_migrated_users_id(client, ada):
    LegacyId.objects.create(kind="user", suitecrm_id="1", kontor_id=str(ada.pk))
    auth = {"user_name": "ada", "password": "pw-ada-123!", "encryption": "PLAIN"}
    answer = call(client, "login", {"user_auth": auth, "application": "x"})
    values = answer["name_value_list"]
    assert values["user_id"]["value"] == "1"
    assert values["user_is_admin"]["value"] is True
    assert call(client, "get_user_id", [answer["id"]]) == "1"


@pytest.mark.parametrize(
    "user_auth",
    [
        {"user_name": "rolf", "password": md5("wrong")},
        {"user_name": "rolf", "password": "pw-rolf-123!"},  # plain text without PLAIN
        {"user_name": "nobody", "password": md5("pw-rolf-123!")},
        "rolf",
        None,
    ],
)
def test_a_wrong_login_is_suitecrms_invalid_login_and_starts_no_session(client, rolf, user_auth):
    assert call(client, "login", [user_auth]) == INVALID_LOGIN
    assert not Session.objects.exists()


@pytest.mark.parametrize("name", ["rolf", "nobody"])
def test_a_wrong_login_is_a_failed_sign_in_of_the_audit_trail(client, rolf, name):
    from kontor.users.account_models import AccountEvent

    client.defaults["REMOTE_ADDR"] = "192.0.2.44"
    answer = call(client, "login", [{"user_name": name, "password": md5("wrong")}])
    assert answer == INVALID_LOGIN
    failed = AccountEvent.objects.get()
    assert (failed.kind, failed.username, failed.address) == (
        AccountEvent.Kind.SIGN_IN_FAILED,
        name,
        "192.0.2.44",
    )
    assert failed.user == (rolf if name == "rolf" else None)
    assert md5("wrong") not in str(AccountEvent.objects.values().get())


def test_an_inactive_user_cannot_log_in(client, rolf):
    rolf.is_active = False
    rolf.save()
    assert call(client, "login", [{"user_name": "rolf", "password": md5("pw-rolf-123!")}]) == (
        INVALID_LOGIN
    )


@override_settings(KONTOR_SIGNIN_MAX_FAILURES=2)
def test_repeated_failures_lock_the_name_out_even_for_the_right_password(client, rolf):
    for _ in range(2):
        call(client, "login", [{"user_name": "rolf", "password": md5("nope")}])
    answer = call(client, "login", [{"user_name": "rolf", "password": md5("pw-rolf-123!")}])
    assert answer["number"] == 1009 and answer["name"] == "Password Expired"
    assert not Session.objects.exists()


def test_the_verifier_is_a_slow_hash_of_the_md5_kept_when_the_password_changes(client, rolf):
    verifier = Md5Verifier.objects.get(user=rolf).verifier
    assert md5("pw-rolf-123!") not in verifier
    assert check_password(md5("pw-rolf-123!"), verifier)
    rolf.set_password("a-new-secret-9")
    rolf.save()
    assert call(client, "login", [{"user_name": "rolf", "password": md5("pw-rolf-123!")}]) == (
        INVALID_LOGIN
    )
    assert "id" in call(client, "login", [{"user_name": "rolf", "password": md5("a-new-secret-9")}])


def test_a_sign_in_with_the_password_form_gives_an_older_user_a_verifier(client, rolf):
    Md5Verifier.objects.all().delete()
    response = client.post("/login/", {"username": "rolf", "password": "pw-rolf-123!"})
    assert response.status_code == 302
    assert check_password(md5("pw-rolf-123!"), Md5Verifier.objects.get(user=rolf).verifier)


def test_a_migrated_user_logs_in_with_the_kept_suitecrm_hash(client, db):
    user = create_user("sally", password="x")  # no verifier: the hash was stored directly
    LegacyPassword.objects.create(user=user, suitecrm_hash=md5_hex("sally-old-pw"))
    assert "id" in call(client, "login", [{"user_name": "sally", "password": md5("sally-old-pw")}])
    assert call(client, "login", [{"user_name": "sally", "password": md5("x")}]) == INVALID_LOGIN


def test_logout_ends_the_session(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    assert call(client, "get_user_id", [session]) == str(rolf.pk)
    assert call(client, "logout", [session]) is None
    assert call(client, "get_user_id", [session]) == INVALID_SESSION
    assert Session.objects.get().ended_at is not None


@pytest.mark.parametrize("session", ["", "made-up", 42, ["x"], {"a": 1}, None])
def test_a_bad_session_is_invalid_session(client, rolf, session):
    assert call(client, "get_user_id", [session]) == INVALID_SESSION


def test_an_expired_session_or_deactivated_user_is_invalid(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    Session.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call(client, "get_user_id", [session]) == INVALID_SESSION
    session = login(client, "rolf", "pw-rolf-123!")
    rolf.is_active = False
    rolf.save()
    assert call(client, "get_user_id", [session]) == INVALID_SESSION


def test_server_info_needs_no_session(client, db):
    answer = call(client, "get_server_info", "")
    assert answer["flavor"] == "CE" and answer["version"] == "6.5.25"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", answer["gmt_time"])


def test_suitecrm_8_layout_and_get_parameters(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    response = client.get(
        "/legacy" + URL,
        {
            "method": "get_user_id",
            "input_type": "JSON",
            "response_type": "JSON",
            "rest_data": json.dumps([session]),
        },
    )
    assert json.loads(response.content) == str(rolf.pk)
    assert response["Content-Type"] == "application/json; charset=UTF-8"


def test_an_unknown_method_is_suitecrms_undefined_invalid_call(client, db):
    assert call(client, "drop_everything", []) == {
        "name": "An Undefined Error - invalid_call occurred",
        "number": "-1",
        "description": "There is no error definition for invalid_call",
    }


def test_a_missing_required_argument_is_a_500_with_an_error_object(client, db):
    response = post(client, "login", [])
    assert response.status_code == 500
    assert json.loads(response.content)["number"] == 1001


def test_slashes_and_non_ascii_are_escaped_as_php_does(client, db):
    user = create_user("jörg/x", password="")
    user.set_password("pw")
    user.save()
    session = login(client, "jörg/x", "pw")
    body = post(client, "get_user_id", [session]).content.decode()
    assert body == json.dumps(str(user.pk))
    answer = post(client, "login", [{"user_name": "jörg/x", "password": md5("pw")}]).content
    assert b'"value":"j\\u00f6rg\\/x"' in answer


def test_without_response_type_the_answer_is_print_r_text(client, db):
    response = client.post(URL, {"method": "get_server_info", "input_type": "JSON"})
    assert response.content.decode().startswith("Array\n(\n    [flavor] => CE\n")


@override_settings(KONTOR_API_RATE="2/minute")
def test_calls_share_kontors_rate_limit(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    assert call(client, "get_user_id", [session]) == str(rolf.pk)
    assert call(client, "get_user_id", [session]) == str(rolf.pk)
    response = post(client, "get_user_id", [session])
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert json.loads(response.content)["number"] == 90


def test_serialized_input_and_output_and_jsonp(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    serialized = f's:{len(session)}:"{session}";'
    response = client.post(
        URL,
        {
            "method": "get_user_id",
            "input_type": "Serialize",
            "response_type": "Serialize",
            "rest_data": f"a:1:{{i:0;{serialized}}}",
        },
    )
    user_id = str(rolf.pk)
    assert response.content.decode() == f's:{len(user_id)}:"{user_id}";'
    response = client.get(
        URL,
        {
            "jsoncallback": "cb",
            "method": "get_user_id",
            "input_type": "JSON",
            "response_type": "JSON",
            "rest_data": json.dumps([session]),
        },
    )
    assert response.content.decode() == f'cb("{user_id}")'
    response = client.get(
        URL,
        {
            "jsoncallback": "alert(1)//",
            "method": "get_user_id",
            "input_type": "JSON",
            "response_type": "JSON",
            "rest_data": json.dumps([session]),
        },
    )
    assert response.content.decode() == f'"{user_id}"'  # not a callback name: no wrapping


def test_an_object_with_other_keys_binds_its_values_in_order(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    assert call(client, "get_user_id", {"sess": session}) == str(rolf.pk)
    # a scalar is the first argument
    assert call(client, "get_user_id", json.dumps(session)) == str(rolf.pk)


def test_without_input_type_a_method_gets_no_arguments(client, rolf):
    response = client.post(URL, {"method": "get_user_id", "response_type": "JSON"})
    assert response.status_code == 500
    assert json.loads(response.content)["number"] == 1001


def test_a_nul_character_anywhere_is_invalid_data(client, rolf):
    session = login(client, "rolf", "pw-rolf-123!")
    for rest_data in ([session, "Leads", "x\u0000"], [session, "Leads", [{"a\u0000": 1}]]):
        assert call(client, "get_entry", rest_data)["number"] == 1001
