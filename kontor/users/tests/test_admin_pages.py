"""Administration of users, teams and roles; sign-in throttling; security headers."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from kontor.core import registry
from kontor.core.admin_log import AdminChange
from kontor.users.actions import create_user
from kontor.users.models import Role, Team

User = get_user_model()
ADMIN_URLS = [
    "/admin/",
    "/admin/users/",
    "/admin/users/new/",
    "/admin/teams/",
    "/admin/teams/new/",
    "/admin/roles/",
    "/admin/roles/new/",
    "/admin/sign-in-throttles/",
]


def test_presets_exist_after_install(db):
    assert set(Role.objects.values_list("key", flat=True)) >= {
        "administrator",
        "sales_manager",
        "sales_rep",
        "marketing",
        "external_lead_generation",
    }


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_administration_is_for_admins_only(rep, admin, url):
    rep_client, admin_client = Client(), Client()
    rep_client.force_login(rep)
    admin_client.force_login(admin)
    assert rep_client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200


def test_admin_creates_a_user_with_role_and_team(admin_client):
    team = Team.objects.create(name="Vertrieb")
    role = Role.objects.get(key="sales_rep")
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "neu",
            "first_name": "Nina",
            "last_name": "Neu",
            "email": "nina@kontor.example",
            "is_active": "on",
            "password": "Lange-Passphrase-42",
            "roles": [role.pk],
            "teams": [team.pk],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="neu")
    assert user.check_password("Lange-Passphrase-42") and not user.is_superuser
    assert list(user.roles.all()) == [role] and list(user.teams.all()) == [team]
    page = admin_client.get(f"/admin/users/{user.pk}/access/").content.decode()
    assert 'data-scope="team"' in page and 'data-scope="owner"' in page


def test_a_weak_password_is_refused_and_nothing_is_created(admin_client):
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "weak",
            "email": "weak@kontor.example",
            "is_active": "on",
            "password": "12345678",
        },
    )
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_the_last_administrator_cannot_lock_everyone_out(admin_client, admin):
    response = admin_client.post(
        f"/admin/users/{admin.pk}/",
        {"username": admin.username, "email": admin.email, "is_active": "on"},
    )
    assert response.status_code == 400
    assert "last active administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_superuser and admin.is_active


def test_a_role_matrix_is_saved_and_a_forged_scope_refused(admin_client):
    data = {"name": "Telesales", "description": "", "users": []}
    data.update(
        {
            f"{module.slug}__{action}": "none"
            for module in registry.modules()
            for action in (
                "access",
                "view",
                "list",
                "edit",
                "delete",
                "import",
                "export",
                "mass_update",
            )
        }
    )
    data.update({"calls__access": "all", "calls__view": "owner", "calls__list": "owner"})
    assert admin_client.post("/admin/roles/new/", data).status_code == 302
    role = Role.objects.get(name="Telesales")
    assert role.grants["calls"]["view"] == "owner" and role.grants["leads"]["view"] == "none"
    logged = AdminChange.objects.get(area="access", target="Telesales")
    assert logged.actor.username == "ada"
    assert logged.detail["grants_changed"]["calls.view"] == "none → owner"
    assert "leads.view" not in logged.detail["grants_changed"]

    forged = {**data, "name": "Forged", "calls__import": "team"}  # import is All or None
    assert admin_client.post("/admin/roles/new/", forged).status_code == 400
    assert not Role.objects.filter(name="Forged").exists()
    assert not AdminChange.objects.filter(target="Forged").exists()


def test_the_administrator_role_cannot_be_deleted(admin_client):
    role = Role.objects.get(key="administrator")
    admin_client.post(f"/admin/roles/{role.pk}/delete/")
    assert Role.objects.filter(pk=role.pk).exists()


def test_the_role_pages_speak_german(admin_client, admin):
    admin.profile.language = "de"
    admin.profile.save()
    role = Role.objects.get(key="external_lead_generation")
    page = admin_client.get(f"/admin/roles/{role.pk}/").content.decode()
    for word in ("Externe Leadgenerierung", "Gruppe", "Eigentümer", "Alle", "Kein"):
        assert word in page, word


def error_codes(response) -> list[str]:
    return [e.code for e in response.context["form"].non_field_errors().as_data()]


@pytest.fixture
def lock_after_three(settings):
    settings.KONTOR_SIGNIN_MAX_FAILURES = 3
    cache.clear()
    yield
    cache.clear()


def test_repeated_failed_sign_ins_make_the_pair_wait(client, db, lock_after_three):
    create_user("luise", password="Richtig-Passwort-9")
    for _attempt in range(3):
        response = client.post("/login/", {"username": "luise", "password": "falsch"})
        assert error_codes(response) == ["invalid_login"]
    response = client.post("/login/", {"username": "luise", "password": "Richtig-Passwort-9"})
    assert error_codes(response) == ["throttled"]
    assert str(response.context["form"].non_field_errors()[0]) in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()  # the wait has run out
    response = client.post("/login/", {"username": "luise", "password": "Richtig-Passwort-9"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_successful_sign_in_resets_the_count(client, db, lock_after_three):
    create_user("karl", password="Richtig-Passwort-9")
    for _attempt in range(2):
        client.post("/login/", {"username": "karl", "password": "falsch"})
    client.post("/login/", {"username": "karl", "password": "Richtig-Passwort-9"})
    client.logout()
    for _attempt in range(2):
        client.post("/login/", {"username": "karl", "password": "falsch"})
    response = client.post("/login/", {"username": "karl", "password": "Richtig-Passwort-9"})
    assert response.status_code == 302


def test_security_headers(client, db):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies["csrftoken"]["httponly"]


def test_editing_a_team_or_role_keeps_its_deactivated_members(admin_client):
    gone = create_user("gone", password="pw-gone-12345!", roles=["sales_rep"])
    team = Team.objects.create(name="Alt")
    team.members.add(gone)
    gone.is_active = False
    gone.save()
    admin_client.post(f"/admin/teams/{team.pk}/", {"name": "Alt", "description": ""})
    assert list(team.members.all()) == [gone]
    role = Role.objects.get(key="sales_rep")
    page = admin_client.get(f"/admin/roles/{role.pk}/")
    data = {
        name: field.value()
        for name, field in ((n, page.context["form"][n]) for n in page.context["form"].fields)
    }
    data["users"] = []
    assert admin_client.post(f"/admin/roles/{role.pk}/", data).status_code == 302
    assert list(role.users.all()) == [gone]
