"""Two-factor sign-in: set-up with a first code, the sign-in's second step (no session before
the code), codes of the neighbouring steps, replay, recovery codes, the per-user wait after
wrong codes, roles that require it, turning it off and an administrator's reset.

Codes are computed here from the stored secret with pyotp, as an authenticator app would."""

import time

import pyotp
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kontor.core.admin_log import AdminChange
from kontor.users import signin, two_factor, two_factor_actions
from kontor.users.actions import create_user, save_role, save_user
from kontor.users.models import AccountEvent, Role
from kontor.users.two_factor_models import TwoFactorDevice
from kontor.users.two_factor_views import PENDING

pytestmark = pytest.mark.django_db

PASSWORD = "Zwei-Faktor-Passwort-7"
OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.66"


def code(secret: str, steps: int = 0) -> str:
    """The code an authenticator app shows `steps` 30-second steps from now."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


@pytest.fixture
def luise(db):
    return create_user("luise", password=PASSWORD, roles=["sales_manager"])


@pytest.fixture
def device(luise):
    """Luise's authenticator, confirmed with the code of the step before the current one (so
    the current code is still unused)."""
    device = two_factor_actions.begin_setup(luise, actor=luise)
    two_factor_actions.confirm_setup(
        luise, code(device.secret, -1), actor=luise, now=time.time() - 30
    )
    device.refresh_from_db()
    return device


def password_step(client, username="luise", address=OFFICE, **extra):
    return client.post(
        "/login/", {"username": username, "password": PASSWORD, **extra}, REMOTE_ADDR=address
    )


def signed_in_user(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_setup_from_settings_needs_a_right_code_and_shows_ten_hashed_recovery_codes_once(
    client, luise
):
    client.force_login(luise)
    assert client.post("/settings/two-factor/begin/")["Location"] == "/settings/two-factor/"
    device = TwoFactorDevice.objects.get(user=luise)
    page = client.get("/settings/two-factor/").content.decode()
    assert "<svg" in page and two_factor.spaced(device.secret) in page
    assert f"otpauth://totp/Kontor:luise?secret={device.secret}" in page

    wrong = client.post("/settings/two-factor/", {"code": "000000"})
    assert wrong.status_code == 400 and "This code is not right" in wrong.content.decode()
    assert not TwoFactorDevice.objects.get(user=luise).active

    answer = client.post("/settings/two-factor/", {"code": code(device.secret)})
    codes = answer.context["codes"]
    assert answer.status_code == 200 and len(set(codes)) == 10
    assert all(c in answer.content.decode() for c in codes)
    device.refresh_from_db()
    assert device.active and len(device.recovery_hashes) == 10
    assert not set(codes) & set(device.recovery_hashes)  # only digests are stored
    assert device.recovery_hashes[0] == two_factor.recovery_hash(luise.pk, codes[0])
    assert client.get("/settings/two-factor/")["Location"] == "/settings/"  # not shown again
    assert "recovery codes left" in client.get("/settings/").content.decode()
    entry = AdminChange.objects.get(area="two_factor")
    assert entry.actor == luise and device.secret not in str(entry.detail)


def test_the_password_step_signs_nobody_in_until_the_code(client, luise, device):
    answer = password_step(client, next="/leads/")
    assert answer.status_code == 302 and answer["Location"] == "/login/code/"
    assert signed_in_user(client) is None
    assert client.get("/")["Location"].startswith("/login/")
    assert client.get("/api/v1/leads/").status_code in (401, 403)  # session auth sees no one

    wrong = client.post("/login/code/", {"code": "123456"}, REMOTE_ADDR=OFFICE)
    assert wrong.status_code == 400 and signed_in_user(client) is None
    failed = AccountEvent.objects.get(kind=AccountEvent.Kind.SIGN_IN_FAILED)  # audit trail
    assert (failed.user, failed.address) == (luise, OFFICE)
    answer = client.post("/login/code/", {"code": code(device.secret)}, REMOTE_ADDR=OFFICE)
    assert answer["Location"] == "/leads/" and signed_in_user(client) == str(luise.pk)
    assert PENDING not in client.session
    assert client.get("/api/v1/leads/").status_code == 200


def test_codes_of_the_step_before_and_after_are_accepted_but_not_two_steps_away(luise, device):
    now = time.time() + 300  # later than the fixture's steps
    totp = pyotp.TOTP(device.secret)
    for steps in (-2, 2):
        assert two_factor_actions.check_code(luise, totp.at(now + 30 * steps), now=now) is None
    assert two_factor_actions.check_code(luise, totp.at(now - 30), now=now) == "code"
    assert two_factor_actions.check_code(luise, totp.at(now), now=now) == "code"
    assert two_factor_actions.check_code(luise, totp.at(now + 30), now=now) == "code"
    device.refresh_from_db()
    assert device.last_step == two_factor.current_step(now) + 1


def test_a_code_used_once_is_refused_the_second_time(luise, device):
    first, second = Client(), Client()
    password_step(first)
    password_step(second, address=ELSEWHERE)
    current = code(device.secret)
    assert first.post("/login/code/", {"code": current}).status_code == 302
    replay = second.post("/login/code/", {"code": current}, REMOTE_ADDR=ELSEWHERE)
    assert replay.status_code == 400 and signed_in_user(second) is None
    # An older code than the one used is refused as well.
    assert two_factor_actions.check_code(luise, code(device.secret, -1)) is None


@pytest.mark.parametrize("typed", ["١٢٣٤٥٦", "²²²²²²", "12345", "1234567", "-- --"])
def test_codes_that_are_not_six_ascii_digits_are_wrong_not_an_error(client, luise, device, typed):
    password_step(client)
    answer = client.post("/login/code/", {"code": typed})
    assert answer.status_code == 400 and answer.context["form"].has_error("code")
    assert signed_in_user(client) is None
    assert TwoFactorDevice.objects.get(pk=device.pk).last_step == device.last_step


def test_a_code_typed_in_full_width_digits_is_the_code(client, luise, device):
    full_width = code(device.secret).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    password_step(client)
    answer = client.post("/login/code/", {"code": full_width})
    assert answer.status_code == 302 and signed_in_user(client) == str(luise.pk)


def test_a_recovery_code_signs_in_once(client, luise):
    device = two_factor_actions.begin_setup(luise, actor=luise)
    codes = two_factor_actions.confirm_setup(luise, code(device.secret), actor=luise)
    password_step(client)
    answer = client.post("/login/code/", {"code": codes[3].upper().replace("-", " ")})
    assert answer.status_code == 302 and signed_in_user(client) == str(luise.pk)
    device.refresh_from_db()
    assert len(device.recovery_hashes) == 9

    again = Client()
    password_step(again)
    refused = again.post("/login/code/", {"code": codes[3]})
    assert refused.status_code == 400 and signed_in_user(again) is None
    device.refresh_from_db()
    assert len(device.recovery_hashes) == 9


def test_wrong_codes_make_the_user_wait_from_every_address(client, luise, device):
    password_step(client)
    for _wrong in range(5):
        answer = client.post("/login/code/", {"code": "000000"}, REMOTE_ADDR=OFFICE)
        assert answer.context["form"].has_error("code")
    for _wrong in range(3):  # a patient guesser who waited out each wait: 8 s to go now
        two_factor.code_failed(luise)
    other = Client()
    password_step(other, address=ELSEWHERE)
    refused = other.post("/login/code/", {"code": code(device.secret)}, REMOTE_ADDR=ELSEWHERE)
    codes = [e.code for e in refused.context["form"].non_field_errors().as_data()]
    assert codes == ["throttled"] and signed_in_user(other) is None
    assert TwoFactorDevice.objects.get(pk=device.pk).last_step == device.last_step  # unchecked
    assert two_factor.claim_code_attempt(luise) >= 1
    assert two_factor.claim_code_attempt(luise, now=time.time() + 9) == 0  # 8 s after the 8th
    listed = [t for t in signin.throttles() if t.address == "2FA"]
    assert [(t.username, t.failures) for t in listed] == [("luise", 8)]


def test_a_role_that_requires_it_sends_the_user_to_set_it_up_before_any_page(client, luise):
    role = Role.objects.create(name="Finance", requires_two_factor=True)
    role.users.add(luise)
    answer = password_step(client)
    assert answer["Location"] == "/login/two-factor-setup/" and signed_in_user(client) is None
    assert client.get("/leads/")["Location"].startswith("/login/")
    assert client.get("/api/v1/leads/").status_code in (401, 403)
    page = client.get("/login/two-factor-setup/")
    assert "Your role requires two-factor sign-in" in page.content.decode()
    device = TwoFactorDevice.objects.get(user=luise)
    assert client.post("/login/two-factor-setup/", {"code": "999999"}).status_code == 400
    assert signed_in_user(client) is None
    done = client.post("/login/two-factor-setup/", {"code": code(device.secret)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert signed_in_user(client) == str(luise.pk)

    with pytest.raises(ValidationError):  # the role keeps it on
        two_factor_actions.disable(luise, code(device.secret, 1), actor=luise)
    assert TwoFactorDevice.objects.filter(user=luise).exists()


def test_without_a_device_or_a_role_the_password_signs_in_at_once(client, luise):
    answer = password_step(client)
    assert answer["Location"] == "/" and signed_in_user(client) == str(luise.pk)


def test_turning_it_off_needs_a_right_code(client, luise, device):
    client.force_login(luise)
    client.post("/settings/two-factor/off/", {"code": "000000"})
    assert TwoFactorDevice.objects.filter(user=luise).exists()
    client.post("/settings/two-factor/off/", {"code": code(device.secret)})
    assert not TwoFactorDevice.objects.filter(user=luise).exists()
    assert AdminChange.objects.filter(area="two_factor", actor=luise).count() == 2  # on, off


def test_an_admin_resets_a_users_two_factor_and_it_is_logged(client, admin, rep, luise, device):
    client.force_login(rep)  # not an admin: 404, nothing changed
    assert client.post(f"/admin/users/{luise.pk}/two-factor/reset/").status_code == 404
    assert TwoFactorDevice.objects.filter(user=luise).exists()
    with pytest.raises(PermissionDenied):
        two_factor_actions.reset(luise, actor=rep)

    client.force_login(admin)
    assert "Reset two-factor sign-in" in client.get(f"/admin/users/{luise.pk}/").content.decode()
    client.post(f"/admin/users/{luise.pk}/two-factor/reset/")
    assert not TwoFactorDevice.objects.filter(user=luise).exists()
    entry = AdminChange.objects.filter(area="two_factor").first()
    assert entry.actor == admin and entry.target == "luise"
    fresh = Client()
    assert password_step(fresh)["Location"] == "/" and signed_in_user(fresh) == str(luise.pk)


def test_the_role_form_sets_the_flag_and_logs_it(admin_client):
    role = Role.objects.get(key="sales_rep")
    form = admin_client.get(f"/admin/roles/{role.pk}/").context["form"]
    data = {k: v for k, v in form.initial.items() if k not in ("users", "is_admin")}
    data.update({f.name: f.value() for f in form if "__" in f.name})
    data["requires_two_factor"] = "on"
    assert admin_client.post(f"/admin/roles/{role.pk}/", data).status_code == 302
    role.refresh_from_db()
    assert role.requires_two_factor
    assert AdminChange.objects.filter(area="access").first().detail["requires_two_factor"]


def test_the_password_step_is_forgotten_after_ten_minutes(client, luise, device):
    password_step(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "since": time.time() - 601}
    session.save()
    assert client.get("/login/code/")["Location"] == "/login/"
    answer = client.post("/login/code/", {"code": code(device.secret)})
    assert answer["Location"] == "/login/" and signed_in_user(client) is None


def test_flagging_a_role_signs_out_its_users_who_have_no_authenticator(
    admin, luise, device, django_capture_on_commit_callbacks
):
    greta = create_user("greta", password=PASSWORD, roles=["sales_manager"])
    without, with_device = Client(), Client()
    password_step(without, username="greta")
    password_step(with_device)
    with_device.post("/login/code/", {"code": code(device.secret)})
    assert without.get("/leads/").status_code == with_device.get("/leads/").status_code == 200

    role = Role.objects.get(key="sales_manager")
    role.requires_two_factor = True
    with django_capture_on_commit_callbacks(execute=True):
        save_role(role, actor=admin, grants=role.grants, users=role.users.all())
    assert without.get("/leads/")["Location"].startswith("/login/")  # signed out
    assert with_device.get("/leads/").status_code == 200  # already protected
    assert password_step(Client(), username="greta")["Location"] == "/login/two-factor-setup/"
    assert greta.roles.filter(requires_two_factor=True).exists()


def test_giving_a_user_such_a_role_signs_them_out_until_they_set_it_up(
    admin, luise, django_capture_on_commit_callbacks
):
    finance = Role.objects.create(name="Finance", requires_two_factor=True)
    browser = Client()
    password_step(browser)
    assert browser.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        save_user(luise, actor=admin, roles=[*luise.roles.all(), finance], teams=[])
    assert browser.get("/")["Location"].startswith("/login/")


def test_the_secret_is_stored_sealed_and_a_plain_one_is_sealed_by_the_migration(luise, device):
    from importlib import import_module

    from django.apps import apps

    stored = TwoFactorDevice.objects.values_list("sealed_secret", flat=True).get(pk=device.pk)
    assert device.secret and device.secret not in stored and len(device.secret) == 32
    plain = pyotp.random_base32(32)
    TwoFactorDevice.objects.filter(pk=device.pk).update(sealed_secret=plain)  # as 0005 kept it
    import_module("kontor.users.migrations.0006_two_factor_sealed_secret").seal_plain_secrets(
        apps, None
    )
    device.refresh_from_db()
    assert device.secret == plain and plain not in device.sealed_secret


def test_a_secret_no_key_opens_matches_no_code_and_is_no_error(client, luise, device, settings):
    current = code(device.secret)
    settings.SECRET_KEY = "a-new-key-without-the-old-one-as-fallback-" + "k" * 20
    password_step(client)
    answer = client.post("/login/code/", {"code": current})
    assert answer.status_code == 400 and signed_in_user(client) is None
    assert TwoFactorDevice.objects.get(pk=device.pk).last_step == device.last_step
