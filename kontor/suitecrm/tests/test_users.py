"""Users and security groups migrated from the journey database: names, e-mails, flags,
language, time zone, passwords (signing in with the old one), teams with members, record
teams, re-runs and clashes with what Kontor already has.

Expectations come from queries against SuiteCRM's schema or from the dump's README.
"""

import hashlib

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from kontor.core.admin_log import AdminChange
from kontor.suitecrm.hashers import verify_md5
from kontor.suitecrm.merge import merge, merge_set
from kontor.suitecrm.models import LegacyId, LegacyPassword
from kontor.suitecrm.run import migrate
from kontor.targets.tests.factories import TargetFactory
from kontor.users.actions import create_user
from kontor.users.models import Role, Team

pytestmark = pytest.mark.django_db
User = get_user_model()

#: The passwords the dump's README gives.
PASSWORDS = {
    "admin": "adminpass123",
    "chris": "chris",
    "jim": "jim",
    "max": "max",
    "sally": "sally",
    "sarah": "sarah",
    "will": "will",
    "jonas": "jonas-Passw0rd",
    "lena": "lena-Passw0rd",
}
USERS_STEPS = ["users", "teams"]


@pytest.fixture
def migrated(admin, suitecrm_journey):
    return migrate(suitecrm_journey, actor=admin, modules=USERS_STEPS)


def kontor_user(suitecrm_id):
    return User.objects.get(
        pk=int(LegacyId.objects.get(kind="user", suitecrm_id=suitecrm_id).kontor_id)
    )


def test_every_user_moves_with_name_email_flags(migrated, suitecrm_query):
    rows = suitecrm_query.dicts(
        "SELECT id, user_name, first_name, last_name, is_admin, status, deleted FROM users "
        "WHERE is_group = 0 AND portal_only = 0"
    )
    assert len(rows) == 9
    assert dict(migrated.counts["users"]) == {"created": 9}
    for row in rows:
        user = kontor_user(row["id"])
        email = suitecrm_query.scalar(
            "SELECT a.email_address FROM email_addr_bean_rel r JOIN email_addresses a "
            "ON a.id = r.email_address_id WHERE r.bean_module = 'Users' AND r.deleted = 0 "
            "AND r.primary_address = 1 AND r.bean_id = %s",
            [row["id"]],
        )
        assert (user.username, user.first_name, user.last_name, user.email) == (
            row["user_name"],
            row["first_name"] or "",
            row["last_name"],
            email or "",
        )
        # SuiteCRM's sign-in rule: not deleted, status anything but Inactive.
        assert user.is_active == (row["status"] != "Inactive" and not row["deleted"])
        assert user.is_superuser == user.is_staff == bool(row["is_admin"])
    assert kontor_user("1").username == "admin" and kontor_user("1").is_superuser
    assert kontor_user("c64b30d6-b65b-058e-19f4-6b15d7aab276").email == (
        "jonas.weissenboeck@leadagentur.example"
    )


def test_language_and_time_zone_come_from_the_preferences(migrated):
    for suitecrm_id in (
        "c64b30d6-b65b-058e-19f4-6b15d7aab276",
        "44cd0328-def3-9e06-2cda-6b15d75757d1",
    ):
        profile = kontor_user(suitecrm_id).profile
        # README: time zone Europe/Berlin in user_preferences, language en_us.
        assert (profile.language, profile.time_zone) == ("en", "Europe/Berlin")
    lena = kontor_user("44cd0328-def3-9e06-2cda-6b15d75757d1")
    assert (lena.first_name, lena.last_name) == ("Lena", "Schröder")


@pytest.mark.parametrize("username", sorted(PASSWORDS))
def test_each_user_signs_in_with_the_suitecrm_password(migrated, username):
    user = User.objects.get(username=username)
    suitecrm_hash = LegacyPassword.objects.get(user=user).suitecrm_hash
    assert user.password == f"suitecrm${suitecrm_hash}" and suitecrm_hash.startswith("$2y$10$")
    assert authenticate(username=username, password=PASSWORDS[username] + "x") is None
    assert User.objects.get(pk=user.pk).password == user.password
    assert authenticate(username=username, password=PASSWORDS[username]) == user
    # Django upgraded the hash to its own; the password still verifies, and the SuiteCRM hash
    # stays for md5 logins of the legacy API.
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "md5"  # the tests' first hasher
    assert user.check_password(PASSWORDS[username])
    md5 = hashlib.md5(PASSWORDS[username].encode()).hexdigest()
    assert LegacyPassword.objects.get(user=user).suitecrm_hash == suitecrm_hash
    assert verify_md5(md5, suitecrm_hash)


@pytest.mark.parametrize("username", ["jonas", "admin"])
def test_sign_in_page_takes_the_old_password(migrated, client, username):
    refused = client.post(reverse("login"), {"username": username, "password": "wrong"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORDS[username]}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(username=username).pk
    assert User.objects.get(username=username).password.startswith("md5$")


def test_a_password_changed_in_kontor_drops_the_kept_hash(migrated):
    jonas = User.objects.get(username="jonas")
    jonas.set_password("ein-neues-Passwort-9")
    jonas.save()
    assert not LegacyPassword.objects.filter(user=jonas).exists()
    lena = User.objects.get(username="lena")
    lena.set_password(PASSWORDS["lena"])  # the same password: the kept hash stays valid
    lena.save()
    assert LegacyPassword.objects.filter(user=lena).exists()


def test_a_second_run_changes_nothing_and_keeps_upgraded_passwords(
    migrated, admin, suitecrm_journey
):
    assert authenticate(username="jonas", password=PASSWORDS["jonas"])
    upgraded = User.objects.get(username="jonas").password
    again = migrate(suitecrm_journey, actor=admin, modules=USERS_STEPS)
    assert dict(again.counts["users"]) == {"unchanged": 9}
    assert dict(again.counts["securitygroups"]) == {"unchanged": 2}
    assert User.objects.count() == 10  # 9 migrated + the actor
    assert User.objects.get(username="jonas").password == upgraded


def test_a_second_run_takes_suitecrms_changes_and_keeps_kontors(admin, suitecrm_damaged):
    database = suitecrm_damaged()
    migrate(database, actor=admin, modules=USERS_STEPS)
    # Kontor: will's last name, jonas's first name, chris joins "Vertrieb DACH".
    User.objects.filter(username="will").update(last_name="Westin-Kontor")
    User.objects.filter(username="jonas").update(first_name="Jo")
    Team.objects.get(name="Vertrieb DACH").members.add(User.objects.get(username="chris"))
    # SuiteCRM: lena renamed and inactive, jonas renamed too, max leaves "Vertrieb DACH",
    # "Lead generation" renamed.
    database.execute(
        "UPDATE users SET last_name = 'Schröder-Berg', status = 'Inactive' "
        "WHERE user_name = 'lena'",
        "UPDATE users SET first_name = 'Jonas-Maria' WHERE user_name = 'jonas'",
        "UPDATE securitygroups_users SET deleted = 1 WHERE user_id = 'seed_max_id' "
        "AND securitygroup_id = '39cc1f57-3348-14a1-4295-6b15d7e3eab3'",
        "UPDATE securitygroups SET name = 'Leadgenerierung' "
        "WHERE id = '48ccfeca-242e-bab8-84b6-6b15d777718b'",
    )
    again = migrate(database, actor=admin, modules=USERS_STEPS)
    assert dict(again.counts["users"]) == {"updated": 1, "unchanged": 8}
    lena = User.objects.get(username="lena")
    assert (lena.last_name, lena.is_active) == ("Schröder-Berg", False)
    assert User.objects.get(username="will").last_name == "Westin-Kontor"
    assert User.objects.get(username="jonas").first_name == "Jo"
    assert "first_name changed in Kontor and SuiteCRM: Kontor's Jo kept, not Jonas-Maria." in [
        p.message for p in again.problems
    ]
    dach = Team.objects.get(name="Vertrieb DACH")
    assert set(dach.members.values_list("username", flat=True)) == {"lena", "sally", "chris"}
    assert Team.objects.filter(name="Leadgenerierung").exists()
    assert dict(again.counts["securitygroups"]) == {"updated": 2}


def test_merge_rules():
    # current, written (last run), wanted (SuiteCRM now) → stored, conflicts
    assert merge({"a": 1}, {"a": 1}, {"a": 2}) == ({"a": 2}, [])
    assert merge({"a": 3}, {"a": 1}, {"a": 1}) == ({"a": 3}, [])
    assert merge({"a": 3}, {"a": 1}, {"a": 2}) == ({"a": 3}, ["a"])
    assert merge({"a": 2}, {"a": 1}, {"a": 2}) == ({"a": 2}, [])
    assert merge({"a": 3}, {}, {"a": 2}) == ({"a": 2}, [])  # nothing noted: SuiteCRM's
    assert merge_set({1, 2, 9}, [1, 2, 3], {2, 3, 4}) == {2, 9, 4}
    assert merge_set({1}, None, {2}) == {1, 2}


def test_group_users_damaged_preferences_and_bad_emails_are_reported(admin, suitecrm_damaged):
    jonas = "c64b30d6-b65b-058e-19f4-6b15d7aab276"
    database = suitecrm_damaged(
        "UPDATE users SET is_group = 1 WHERE user_name = 'will'",
        "UPDATE users SET portal_only = 1 WHERE user_name = 'jim'",
        "UPDATE users SET deleted = 1 WHERE user_name = 'sarah'",
        "UPDATE users SET status = NULL WHERE user_name = 'chris'",
        f"UPDATE user_preferences SET contents = 'YTozOntzOjg6InRpbWV6b25l' "
        f"WHERE assigned_user_id = '{jonas}' AND category = 'global'",
        "UPDATE email_addresses SET email_address = 'kein at-zeichen' "
        "WHERE email_address = 'lena.schroeder@vertrieb-dach.example'",
    )
    report = migrate(database, actor=admin, modules=["users"])
    assert dict(report.counts["users"]) == {"created": 7, "skipped": 2}
    assert not User.objects.filter(username__in=["will", "jim"]).exists()
    problems = {(p.table, p.suitecrm_id): p.message for p in report.problems}
    assert "Group or portal-only" in problems[("users", "seed_will_id")]
    assert "Group or portal-only" in problems[("users", "seed_jim_id")]
    assert "Unreadable preferences" in problems[("user_preferences", jonas)]
    assert User.objects.get(username="jonas").profile.time_zone == "Europe/Berlin"  # the default
    assert "kein at-zeichen" in problems[("users", "44cd0328-def3-9e06-2cda-6b15d75757d1")]
    assert User.objects.get(username="lena").email == ""
    # A deleted user moves, inactive (records name them as owner); no status is no obstacle.
    assert User.objects.get(username="sarah").is_active is False
    assert User.objects.get(username="chris").is_active is True


def test_a_german_language_preference_and_an_unknown_time_zone(admin, suitecrm_damaged):
    lena, jonas = "44cd0328-def3-9e06-2cda-6b15d75757d1", "c64b30d6-b65b-058e-19f4-6b15d7aab276"
    prefs = 'a:2:{s:8:"language";s:5:"de_DE";s:8:"timezone";s:13:"Europe/Vienna";}'
    database = suitecrm_damaged(
        f"UPDATE user_preferences SET contents = TO_BASE64('{prefs}') "
        f"WHERE assigned_user_id = '{lena}' AND category = 'global'",
        "UPDATE user_preferences SET contents = "
        'TO_BASE64(\'a:1:{s:8:"timezone";s:12:"Mars/Olympus";}\') '
        f"WHERE assigned_user_id = '{jonas}' AND category = 'global'",
    )
    report = migrate(database, actor=admin, modules=["users"])
    profile = User.objects.get(username="lena").profile
    assert (profile.language, profile.time_zone) == ("de", "Europe/Vienna")
    assert User.objects.get(username="jonas").profile.time_zone == "Europe/Berlin"
    assert [p.message for p in report.problems if p.suitecrm_id == jonas] == [
        "Unknown time zone Mars/Olympus: Europe/Berlin used."
    ]


def test_a_legacy_md5_hash_signs_in_and_is_upgraded(admin, suitecrm_damaged):
    database = suitecrm_damaged(
        "UPDATE users SET user_hash = MD5('sally') WHERE user_name = 'sally'"
    )
    migrate(database, actor=admin, modules=["users"])
    sally = User.objects.get(username="sally")
    assert sally.password == "suitecrm$" + hashlib.md5(b"sally").hexdigest()
    assert authenticate(username="sally", password="Sally") is None
    assert authenticate(username="sally", password="sally") == sally
    sally.refresh_from_db()
    assert sally.password.startswith("md5$") and sally.check_password("sally")


def test_without_password_hashes_users_move_without_passwords(admin, suitecrm_damaged):
    database = suitecrm_damaged("ALTER TABLE users DROP COLUMN user_hash")
    report = migrate(database, actor=admin, modules=["users"])
    assert dict(report.counts["users"]) == {"created": 9}
    assert not User.objects.get(username="jonas").has_usable_password()
    assert authenticate(username="jonas", password=PASSWORDS["jonas"]) is None
    assert "Column users.user_hash missing" in report.problems[0].message


def test_a_dry_run_counts_and_writes_nothing(admin, suitecrm_journey):
    report = migrate(suitecrm_journey, actor=admin, modules=USERS_STEPS, dry_run=True)
    assert dict(report.counts["users"]) == {"created": 9}
    assert dict(report.counts["securitygroups"]) == {"created": 2}
    assert list(User.objects.values_list("username", flat=True)) == ["ada"]
    assert not Team.objects.exists() and not LegacyId.objects.exists()
    assert not LegacyPassword.objects.exists()


def test_only_an_administrator_migrates_users_teams_and_roles(rep, suitecrm_journey):
    roles = list(Role.objects.values_list("pk", "name", "grants", "users"))
    report = migrate(suitecrm_journey, actor=rep, modules=[*USERS_STEPS, "roles"])
    assert list(User.objects.values_list("username", flat=True)) == ["rolf"]
    assert not Team.objects.exists() and not LegacyId.objects.exists()
    assert list(Role.objects.values_list("pk", "name", "grants", "users")) == roles
    assert not LegacyPassword.objects.exists() and not AdminChange.objects.exists()
    refused = [p for p in report.problems if "Only an administrator" in p.message]
    assert [p.table for p in refused] == ["users", "securitygroups", "acl_roles"]


def test_the_run_is_in_the_administration_change_log(migrated, admin):
    logged = AdminChange.objects.filter(area="access", actor=admin)
    assert set(logged.filter(summary="User created").values_list("target", flat=True)) == set(
        PASSWORDS
    )
    assert set(logged.filter(summary="Team saved").values_list("target", flat=True)) == {
        "Vertrieb DACH",
        "Lead generation",
    }


def test_a_kontor_user_with_the_same_name_is_linked_only_with_the_same_email(
    admin, suitecrm_journey
):
    # max's primary address in SuiteCRM is tom@example.com (demo data); sally's sally@example.com.
    max_ = create_user("max", password="pw-max-123!", email="TOM@example.com")
    sally = create_user("sally", password="pw-sally-123!", email="sally@elsewhere.example")
    report = migrate(suitecrm_journey, actor=admin, modules=USERS_STEPS)
    assert dict(report.counts["users"]) == {"created": 7, "unchanged": 1, "skipped": 1}
    assert kontor_user("seed_max_id") == max_
    assert User.objects.get(pk=max_.pk).check_password("pw-max-123!")  # Kontor's settings kept
    assert not LegacyId.objects.filter(kind="user", suitecrm_id="seed_sally_id").exists()
    assert User.objects.get(pk=sally.pk).email == "sally@elsewhere.example"
    messages = [p.message for p in report.problems if p.suitecrm_id == "seed_sally_id"]
    assert any("another e-mail address" in m for m in messages)
    # sally is no member of the teams: she was not migrated.
    assert not sally.teams.exists()


def test_security_groups_become_teams_with_members(migrated, suitecrm_query):
    for group_id, name, description in suitecrm_query(
        "SELECT id, name, description FROM securitygroups WHERE deleted = 0"
    ):
        team = Team.objects.get(
            pk=int(LegacyId.objects.get(kind="team", suitecrm_id=group_id).kontor_id)
        )
        assert (team.name, team.description) == (name, description)
        members = {
            row[0]
            for row in suitecrm_query(
                "SELECT u.user_name FROM securitygroups_users m JOIN users u ON u.id = m.user_id "
                "WHERE m.deleted = 0 AND m.securitygroup_id = %s",
                [group_id],
            )
        }
        assert set(team.members.values_list("username", flat=True)) == members
    # README: "Vertrieb DACH" lena, sally, max; "Lead generation" jonas, will, sally.
    assert set(
        Team.objects.get(name="Vertrieb DACH").members.values_list("username", flat=True)
    ) == {
        "lena",
        "sally",
        "max",
    }


def test_a_team_name_kontor_has_gets_a_suffix(admin, suitecrm_journey):
    Team.objects.create(name="Vertrieb DACH")
    report = migrate(suitecrm_journey, actor=admin, modules=USERS_STEPS)
    team = Team.objects.get(name="Vertrieb DACH (SuiteCRM)")
    assert team.members.count() == 3
    assert not Team.objects.get(name="Vertrieb DACH").members.exists()
    assert any("Vertrieb DACH (SuiteCRM)" in p.message for p in report.problems)


def test_record_teams_follow_securitygroups_records(
    migrated, admin, suitecrm_journey, suitecrm_query
):
    """With the targets in Kontor (made here with their SuiteCRM ids), record_teams puts each
    into the teams its live securitygroups_records rows name; other modules' records that
    are not in Kontor are reported, Cases as not migrated."""
    rows = suitecrm_query(
        "SELECT record_id, securitygroup_id FROM securitygroups_records "
        "WHERE module = 'Prospects' AND deleted = 0"
    )
    assert len(rows) == 24  # README: memberships; a target may be in both groups
    targets = {rid: TargetFactory(id=rid, actor=admin) for rid in {r for r, _g in rows}}
    report = migrate(suitecrm_journey, actor=admin, modules=["record_teams"])
    for record_id, target in targets.items():
        expected = {
            int(LegacyId.objects.get(kind="team", suitecrm_id=g).kontor_id)
            for r, g in rows
            if r == record_id
        }
        assert set(target.teams.values_list("pk", flat=True)) == expected
    counts = report.counts["securitygroups_records"]
    live = suitecrm_query.scalar("SELECT COUNT(*) FROM securitygroups_records WHERE deleted = 0")
    assert counts["created"] == 24 and counts["skipped"] == live - 24
    cases = [p for p in report.problems if "Cases" in p.message]
    assert len(cases) == 1  # README: Cases 1
    again = migrate(suitecrm_journey, actor=admin, modules=["record_teams"], full=True)
    assert again.counts["securitygroups_records"]["unchanged"] == 24
    assert again.counts["securitygroups_records"]["created"] == 0
