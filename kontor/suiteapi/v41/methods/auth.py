"""v4_1 sign-in methods: login, logout, get_user_id, get_server_info.

`login` checks the md5 of the password (passwords.py) of an active user, under Kontor's
sign-in lock-out (kontor.users.signin: failures count for the user name and the address, and a
locked name is refused with SuiteCRM's `lockout_reached` before any check). A wrong password is
a failed sign-in in the account audit trail (Administration → Sign-ins), sent as Django's
`user_login_failed` signal like every other failed sign-in. A v4_1 client can send nothing but
the md5 of the password, so a user with two-factor sign-in (or whose role requires it) is
refused with the same answer as a wrong password (docs/access.md, "Machine credentials").
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone

from kontor.core import permissions
from kontor.suiteapi.references import user_ids
from kontor.suiteapi.v41 import passwords, sessions
from kontor.suiteapi.v41.calls import Call, method, name_values, text
from kontor.suiteapi.v41.errors import ApiError
from kontor.suitecrm.hashers import md5_hex
from kontor.users import signin, two_factor

# SuiteCRM's defaults for what Kontor does not configure per user.
MOBILE_MAX_LIST_ENTRIES = 10
MOBILE_MAX_SUBPANEL_ENTRIES = 3
# (SuiteCRM language, date format, time format, thousands separator, decimal separator)
_LOCALES = {
    "de": ("de_DE", "d.m.Y", "H:i", ".", ","),
    "en": ("en_us", "m/d/Y", "h:ia", ",", "."),
}


def suitecrm_user_id(user) -> str:
    """The id SuiteCRM's clients know `user` by: a migrated user's SuiteCRM id, else the pk."""
    return user_ids([user.pk]).get(user.pk, str(user.pk))


def _user_named(user_name: str):
    """The one user of this name (SuiteCRM's names compare without case), or None."""
    users = list(get_user_model().objects.filter(username__iexact=user_name)[:2])
    exact = [u for u in users if u.username == user_name]
    return exact[0] if exact else (users[0] if len(users) == 1 else None)


def _check_password(call: Call, user_auth) -> object:
    """The user whose name and md5 password `user_auth` holds, or ApiError."""
    if not isinstance(user_auth, dict):
        raise ApiError("invalid_login")
    user_name = text(user_auth.get("user_name"))
    password = text(user_auth.get("password"))
    if user_auth.get("encryption") == "PLAIN":
        password = md5_hex(password)
    if signin.is_locked(call.request, user_name):
        raise ApiError("lockout_reached")
    user = _user_named(user_name) if user_name else None
    if user is None or not user.is_active:
        passwords.spend_check_time(password)  # unknown names answer as slowly as wrong passwords
    if (
        user is None
        or not user.is_active
        or not passwords.md5_matches(user, password)
        or two_factor.password_alone_refused(user)
    ):
        signin.record_failure(call.request, user_name)
        user_login_failed.send(__name__, credentials={"username": user_name}, request=call.request)
        raise ApiError("invalid_login")
    # Gives back the attempt claimed above: the integration's next login need not wait.
    signin.record_success(call.request, user_name)
    return user


@method
def login(call: Call, user_auth, application=None, name_value_list=None):
    """A new session for the user of `user_auth` ({"user_name", "password": md5 hex})."""
    user = _check_password(call, user_auth)
    settings = name_values(name_value_list) if isinstance(name_value_list, list | dict) else {}
    profile = getattr(user, "profile", None)
    language = getattr(profile, "language", "en")
    locale = _LOCALES.get(language[:2], _LOCALES["en"])
    requested = settings.get("language")
    key = sessions.start(user, text(application) if not isinstance(application, dict) else "")
    values = {
        "user_id": suitecrm_user_id(user),
        "user_name": user.username,
        "user_language": requested if isinstance(requested, str) and requested else locale[0],
        "user_currency_id": "-99",
        "user_is_admin": permissions.is_admin(user),
        "user_default_team_id": None,
        "user_default_dateformat": locale[1],
        "user_default_timeformat": locale[2],
        # SuiteCRM's own spelling: clients read these keys.
        "user_number_seperator": locale[3],
        "user_decimal_seperator": locale[4],
        "mobile_max_list_entries": MOBILE_MAX_LIST_ENTRIES,
        "mobile_max_subpanel_entries": MOBILE_MAX_SUBPANEL_ENTRIES,
        "user_currency_name": "Euro",  # Kontor's default currency (EUR)
    }
    return {
        "id": key,
        "module_name": "Users",
        "name_value_list": {k: {"name": k, "value": v} for k, v in values.items()},
    }


@method
def logout(call: Call, session):
    """End the session; SuiteCRM answers null."""
    call.authenticate(session)
    sessions.end(call.session)
    return None


@method
def get_user_id(call: Call, session):
    """The SuiteCRM id of the session's user, as a bare string."""
    return suitecrm_user_id(call.authenticate(session))


@method
def get_server_info(call: Call):
    """The server's flavour, SuiteCRM's base version and the time in UTC; needs no session."""
    return {
        "flavor": "CE",
        "version": "6.5.25",
        "gmt_time": timezone.now().strftime("%Y-%m-%d %H:%M:%S"),
    }
