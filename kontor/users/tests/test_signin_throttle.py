"""Sign-in throttling: growing waits per (user name, address) pair and a looser limit per
address, so an attacker slows down only their own attempts and can never lock the real owner
out; the administration lists current throttles and clears them (admins only)."""

import time

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from kontor.core.admin_log import AdminChange
from kontor.users import signin
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
OFFICE = "203.0.113.10"
PASSWORD = "Richtig-Passwort-9"


@pytest.fixture
def luise(db):
    return create_user("luise", password=PASSWORD)


def from_address(address: str):
    return RequestFactory().post("/login/", REMOTE_ADDR=address)


def sign_in(client, address: str, password: str, username: str = "luise"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def error_codes(response) -> list[str]:
    if response.status_code == 302:
        return []
    return [e.code for e in response.context["form"].non_field_errors().as_data()]


def test_fifty_failures_from_one_address_do_not_lock_the_owner_out(luise):
    attacker = Client()
    answers = [error_codes(sign_in(attacker, ATTACKER, "falsch")) for _ in range(10)]
    for _failure in range(45):  # a patient attacker who waits out every delay
        signin.record_failure(from_address(ATTACKER), "luise")

    owner = Client()
    answer = sign_in(owner, OFFICE, PASSWORD)
    assert answer.status_code == 302 and owner.session["_auth_user_id"] == str(luise.pk)
    assert answers[:5] == [["invalid_login"]] * 5
    assert answers[5:] == [["throttled"]] * 5  # refused before the password is checked
    refused = sign_in(attacker, ATTACKER, PASSWORD)
    assert error_codes(refused) == ["throttled"] and "_auth_user_id" not in attacker.session


def test_the_attackers_pair_waits_longer_after_every_failure(luise):
    request = from_address(ATTACKER)
    waits = []
    for _failure in range(16):
        signin.record_failure(request, "luise")
        waits.append(signin.wait_seconds(request, "luise"))
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert signin.is_locked(request, "luise")
    assert not signin.is_locked(from_address(OFFICE), "luise")
    assert signin.wait_seconds(request, "luise", now=time.time() + 901) == 0  # the cap


def test_the_message_names_the_wait_in_the_users_language(luise):
    attacker = Client()
    for _failure in range(7):
        signin.record_failure(from_address(ATTACKER), "luise")
    page = sign_in(attacker, ATTACKER, PASSWORD).content.decode()
    assert "Too many attempts, try again in 4 seconds." in page
    with translation.override("de"):
        assert "Zu viele Versuche, versuchen Sie es in 4 Sekunden erneut." in str(
            signin.throttled_message(4)
        )


def test_attempts_refused_during_the_wait_are_not_counted(luise):
    attacker = Client()
    for _attempt in range(12):
        sign_in(attacker, ATTACKER, "falsch")
    assert [(t.username, t.address, t.failures) for t in signin.throttles()] == [
        ("luise", ATTACKER, 5)
    ]


def test_a_successful_sign_in_forgets_the_pairs_failures(luise):
    client = Client()
    for _attempt in range(4):
        sign_in(client, OFFICE, "falsch")
    assert sign_in(client, OFFICE, PASSWORD).status_code == 302
    assert signin.throttles() == []


def test_many_names_from_one_address_slow_that_address_down(luise, settings):
    settings.KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS = 6
    for number in range(7):
        signin.record_failure(from_address(ATTACKER), f"name{number}")
    assert signin.wait_seconds(from_address(ATTACKER), "luise") == 2
    assert error_codes(sign_in(Client(), ATTACKER, PASSWORD)) == ["throttled"]
    assert sign_in(Client(), OFFICE, PASSWORD).status_code == 302
    kinds = {(t.username, t.address) for t in signin.throttles() if t.failures >= 6}
    assert kinds == {("", ATTACKER)}


def test_an_admin_sees_and_clears_a_throttle(luise, admin_client, admin):
    for _failure in range(8):
        signin.record_failure(from_address(ATTACKER), "luise")
    page = admin_client.get("/admin/sign-in-throttles/").content.decode()
    assert "luise" in page and ATTACKER in page and "8" in page
    [throttle] = [t for t in signin.throttles() if t.username == "luise"]
    answer = admin_client.post("/admin/sign-in-throttles/clear/", {"throttle": throttle.key})
    assert answer.status_code == 302
    assert [t for t in signin.throttles() if t.username == "luise"] == []
    assert not signin.is_locked(from_address(ATTACKER), "luise")
    entry = AdminChange.objects.get(area="signin")
    assert entry.actor == admin and entry.target == f"luise @ {ATTACKER}"
    assert sign_in(Client(), ATTACKER, PASSWORD).status_code == 302


def test_others_get_404_and_the_throttle_stays(luise, rep_client):
    for _failure in range(8):
        signin.record_failure(from_address(ATTACKER), "luise")
    [throttle] = signin.throttles()
    assert rep_client.get("/admin/sign-in-throttles/").status_code == 404
    answer = rep_client.post("/admin/sign-in-throttles/clear/", {"throttle": throttle.key})
    assert answer.status_code == 404
    assert signin.throttles() == [throttle] and signin.is_locked(from_address(ATTACKER), "luise")
    assert not AdminChange.objects.filter(area="signin").exists()


def test_the_page_in_german(luise, admin_client, admin):
    admin.profile.language = "de"
    admin.profile.save()
    signin.record_failure(from_address(OFFICE), "luise")
    page = admin_client.get("/admin/sign-in-throttles/").content.decode()
    assert "Wartezeiten der Anmeldung" in page
    assert "Kein Benutzername und keine Adresse muss warten." in page  # one failure: no wait
    for _failure in range(6):
        signin.record_failure(from_address(OFFICE), "luise")
    page = admin_client.get("/admin/sign-in-throttles/").content.decode()
    assert "Fehlversuche" in page and "4 Sekunden" in page and "Aufheben" in page


def test_past_the_free_attempts_parallel_requests_get_one_password_check_per_wait(luise):
    # Requests in flight at once have all passed the check before any failure is counted:
    # each check past the free attempts claims its attempt, so a burst tests one password.
    request = from_address(ATTACKER)
    for _failure in range(6):
        signin.record_failure(request, "luise")
    later = time.time() + 3  # the wait of the sixth failure (2 s) has passed
    burst = [signin.wait_seconds(request, "luise", now=later) for _ in range(3)]
    assert burst == [0, 0, 0]  # reading the wait claims nothing
    burst = [signin.claim(request, "luise", now=later) for _ in range(5)]
    assert burst[0] == 0 and all(0 < wait <= signin.CLAIM_SECONDS for wait in burst[1:])
    assert not signin.is_locked(from_address(OFFICE), "luise")


def test_quick_sign_ins_that_succeed_are_never_refused(luise):
    # The SuiteCRM APIs check with is_locked and report only failures: twenty logins of an
    # integration in a row, none failing, are all let through.
    assert [signin.is_locked(from_address(OFFICE), "luise") for _ in range(20)] == [False] * 20


def test_a_busy_address_past_its_limit_lets_its_people_in_one_after_another(luise, settings):
    settings.KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    for number in range(3):
        signin.record_failure(from_address(OFFICE), f"typo{number}")
    later = time.time() + 2  # the address's wait (1 s) has passed
    create_user("karl", password=PASSWORD)
    assert signin.claim(from_address(OFFICE), "karl", now=later) == 0
    assert 0 < signin.claim(from_address(OFFICE), "luise", now=later) <= signin.CLAIM_SECONDS
    signin.record_success(from_address(OFFICE), "karl")  # karl is in: his claim is given back
    assert signin.claim(from_address(OFFICE), "luise", now=later) == 0


def test_an_admin_clears_the_throttle_of_an_address(luise, admin_client, settings):
    settings.KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS = 3
    for number in range(6):
        signin.record_failure(from_address(ATTACKER), f"name{number}")
    [throttle] = signin.throttles()
    assert (throttle.username, throttle.failures) == ("", 6)
    admin_client.post("/admin/sign-in-throttles/clear/", {"throttle": throttle.key})
    assert signin.throttles() == [] and signin.wait_seconds(from_address(ATTACKER), "luise") == 0
    assert AdminChange.objects.get(area="signin").target == ATTACKER
