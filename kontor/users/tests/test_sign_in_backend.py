"""Kontor's sign-in backend (kontor.users.backends): the session's user comes with the profile
in one query, and a session signed in with Django's own backend stays signed in."""

from django.contrib.auth import BACKEND_SESSION_KEY

from kontor.users.backends import BACKEND, DJANGO_BACKEND, ModelBackendWithProfile
from kontor.users.models import Profile


def test_the_session_user_comes_with_the_profile_in_one_query(rep, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = ModelBackendWithProfile().get_user(rep.pk)
    with django_assert_num_queries(0):
        assert (user.pk, user.profile.language) == (rep.pk, "en")


def test_a_user_without_a_profile_reads_as_one_without_a_query(rep, django_assert_num_queries):
    Profile.objects.filter(user=rep).delete()
    user = ModelBackendWithProfile().get_user(rep.pk)
    with django_assert_num_queries(0):
        assert getattr(user, "profile", None) is None


def test_an_inactive_or_missing_user_is_nobody(rep):
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert ModelBackendWithProfile().get_user(rep.pk) is None
    assert ModelBackendWithProfile().get_user(rep.pk + 1000) is None


def test_a_session_of_django_s_backend_stays_signed_in_and_moves_to_kontor_s(client, rep):
    client.force_login(rep, backend=DJANGO_BACKEND)
    assert client.session[BACKEND_SESSION_KEY] == DJANGO_BACKEND
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == rep
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_signing_in_names_kontor_s_backend(client, rep):
    response = client.post("/login/", {"username": "rolf", "password": "pw-rolf-123!"})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
