"""OAuth2 clients migrated from the journey database: ids, grants, the user a client acts as,
the secret as SuiteCRM stores it (the README's `acceptance-secret` verifies), deleted clients,
second runs and damaged rows.

Expectations come from queries against SuiteCRM's schema or from the dump's README.
"""

import hashlib

import pytest

from kontor.api.models import OAuthClient
from kontor.core.admin_log import AdminChange
from kontor.suitecrm.models import LegacyId
from kontor.suitecrm.run import migrate

pytestmark = pytest.mark.django_db
STEPS = ["users", "oauth_clients"]
#: The secret of both journey clients, from the dump's README
SECRET = "acceptance-secret"


def test_both_journey_clients_move_and_verify_their_secret(admin, suitecrm_journey):
    report = migrate(suitecrm_journey, actor=admin, modules=STEPS)

    rows = suitecrm_journey.dicts(
        "SELECT id, name, secret, allowed_grant_type, assigned_user_id FROM oauth2clients "
        "WHERE deleted = 0 ORDER BY id"
    )
    assert [row["id"] for row in rows] == ["acceptance-cc", "acceptance-pw"]
    assert dict(report.counts["oauth2clients"]) == {"created": 2}
    admin_user = int(LegacyId.objects.get(kind="user", suitecrm_id="1").kontor_id)
    for row in rows:
        client = OAuthClient.objects.get(client_id=row["id"])
        assert client.name == row["name"]
        assert client.grant == row["allowed_grant_type"]
        assert client.secret_hash == row["secret"]
        assert client.user_id == admin_user
        assert client.active and client.is_confidential
        assert client.verify_secret(SECRET)
        assert not client.verify_secret("acceptance-secreT")
        assert not client.verify_secret("")
    assert OAuthClient.objects.get(client_id="acceptance-cc").grant == "client_credentials"
    assert OAuthClient.objects.get(client_id="acceptance-pw").grant == "password"
    assert sorted(
        AdminChange.objects.filter(area="api_client").values_list("target", flat=True)
    ) == ["acceptance-cc", "acceptance-pw"]


def test_the_report_and_change_log_never_show_the_secret(admin, suitecrm_journey):
    report = migrate(suitecrm_journey, actor=admin, modules=STEPS)

    stored = suitecrm_journey.scalar("SELECT secret FROM oauth2clients LIMIT 1")
    text = "\n".join(report.lines()) + repr(report.as_dict())
    logged = repr(list(AdminChange.objects.values("summary", "detail", "target")))
    for secret in (stored, SECRET):
        assert secret not in text
        assert secret not in logged


def test_a_second_run_changes_nothing_and_a_delta_takes_over_changes(admin, suitecrm_damaged):
    database = suitecrm_damaged()
    migrate(database, actor=admin, modules=STEPS)
    again = migrate(database, actor=admin, modules=STEPS)
    assert dict(again.counts["oauth2clients"]) == {"unchanged": 2}

    new_hash = hashlib.sha256(b"rotated").hexdigest()
    database.execute(
        f"UPDATE oauth2clients SET secret = '{new_hash}' WHERE id = 'acceptance-pw'",
        "UPDATE oauth2clients SET deleted = 1 WHERE id = 'acceptance-cc'",
    )
    delta = migrate(database, actor=admin, modules=STEPS)

    assert dict(delta.counts["oauth2clients"]) == {"updated": 2}
    assert OAuthClient.objects.count() == 2
    pw = OAuthClient.objects.get(client_id="acceptance-pw")
    assert pw.verify_secret("rotated") and not pw.verify_secret(SECRET)
    cc = OAuthClient.objects.get(client_id="acceptance-cc")
    assert not cc.active and not cc.verify_secret(SECRET)


def test_damaged_clients_are_reported(admin, suitecrm_damaged):
    database = suitecrm_damaged(
        "UPDATE oauth2clients SET secret = 'plain-text' WHERE id = 'acceptance-pw'",
        "UPDATE oauth2clients SET assigned_user_id = 'gone' WHERE id = 'acceptance-cc'",
        "INSERT INTO oauth2clients (id, name, secret, allowed_grant_type, deleted) "
        "VALUES ('odd', 'odd', SHA2('x', 256), 'implicit', 0)",
    )
    report = migrate(database, actor=admin, modules=STEPS)

    problems = {(p.suitecrm_id, p.message) for p in report.problems if p.table == "oauth2clients"}
    assert problems == {
        ("acceptance-pw", "The stored secret is no SHA-256 hash: the client moves inactive."),
        ("acceptance-cc", "User gone the client acts as not found."),
        ("odd", "Unknown grant implicit: not migrated."),
    }
    assert dict(report.counts["oauth2clients"]) == {"created": 2, "skipped": 1}
    pw = OAuthClient.objects.get(client_id="acceptance-pw")
    assert not pw.active and not pw.verify_secret("plain-text")
    cc = OAuthClient.objects.get(client_id="acceptance-cc")
    assert cc.user is None and cc.verify_secret(SECRET)
    assert not OAuthClient.objects.filter(client_id="odd").exists()


def test_a_dry_run_writes_no_client(admin, suitecrm_journey):
    report = migrate(suitecrm_journey, actor=admin, modules=STEPS, dry_run=True)

    assert dict(report.counts["oauth2clients"]) == {"created": 2}
    assert not OAuthClient.objects.exists()
    assert not AdminChange.objects.filter(area="api_client").exists()


def test_another_actor_than_an_administrator_moves_no_client(suitecrm_journey, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="x")
    report = migrate(suitecrm_journey, actor=clerk, modules=["oauth_clients"])

    assert not OAuthClient.objects.exists() and not AdminChange.objects.exists()
    assert report.counts["oauth2clients"] == {}
    assert [p.table for p in report.problems] == ["oauth2clients"]


def test_a_client_without_dates_is_unchanged_on_a_second_run(admin, suitecrm_damaged):
    database = suitecrm_damaged(
        "UPDATE oauth2clients SET date_entered = NULL, date_modified = '0000-00-00 00:00:00' "
        "WHERE id = 'acceptance-cc'"
    )
    migrate(database, actor=admin, modules=STEPS)
    first = OAuthClient.objects.get(client_id="acceptance-cc").created_at

    again = migrate(database, actor=admin, modules=STEPS)

    assert dict(again.counts["oauth2clients"]) == {"unchanged": 2}
    assert OAuthClient.objects.get(client_id="acceptance-cc").created_at == first
