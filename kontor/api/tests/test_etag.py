"""Record versions in the API: ETag, If-Match (412, nothing changed), and PATCHes of different
fields that both survive, sent together (docs/api.md, "Versions")."""

import pytest
import yaml
from django.db import connection

from kontor.api.tests.conftest import token_client
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.core.testing_tools import race
from kontor.leads.models import Lead


def url(lead) -> str:
    return f"/api/v1/leads/{lead.pk}/"


def fetch(lead) -> Lead:
    return Lead.with_deleted.get(pk=lead.pk)


@pytest.fixture
def lead(rep):
    return save_record(Lead(first_name="Jonas", last_name="Petersen", title="CTO"), actor=rep)


def test_a_record_has_a_strong_etag_that_a_write_changes(api, lead):
    first = api.get(url(lead))
    etag = first["ETag"]
    assert first.status_code == 200
    assert etag.startswith('"') and not etag.startswith("W/")
    assert api.get(url(lead))["ETag"] == etag  # the same version, the same tag

    changed = api.patch(url(lead), {"title": "CEO"}, format="json")

    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed["ETag"] == api.get(url(lead))["ETag"]  # the answer names the new version


def test_a_write_that_changes_nothing_keeps_the_etag(api, lead):
    etag = api.get(url(lead))["ETag"]
    same = api.patch(url(lead), {"title": "CTO"}, format="json", HTTP_IF_MATCH=etag)
    assert (same.status_code, same["ETag"]) == (200, etag)


def test_if_match_of_the_current_version_writes(api, lead):
    etag = api.get(url(lead))["ETag"]
    response = api.patch(url(lead), {"title": "CEO"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert fetch(lead).title == "CEO"


def test_if_match_of_another_version_is_412_and_changes_nothing(api, lead, admin):
    etag = api.get(url(lead))["ETag"]
    other = fetch(lead)
    other.department = "IT"
    save_record(other, actor=admin)
    before = fetch(lead)
    logged = ChangeLog.objects.filter(record_id=lead.pk).count()

    for method in (api.patch, api.put):
        body = {"title": "CEO"} if method == api.patch else {"last_name": "Neu"}
        refused = method(url(lead), body, format="json", HTTP_IF_MATCH=etag)
        assert refused.status_code == 412
        assert refused.json()["code"] == "precondition_failed"
        assert set(refused.json()) == {"detail", "code"}
    refused = api.delete(url(lead), HTTP_IF_MATCH=etag)
    assert refused.status_code == 412

    after = fetch(lead)
    assert (after.title, after.last_name, after.deleted) == ("CTO", "Petersen", False)
    assert after.date_modified == before.date_modified
    assert ChangeLog.objects.filter(record_id=lead.pk).count() == logged


def test_if_match_weak_or_unknown_tags_do_not_match_and_star_does(api, lead):
    etag = api.get(url(lead))["ETag"]
    weak = api.patch(url(lead), {"title": "A"}, format="json", HTTP_IF_MATCH=f"W/{etag}")
    assert weak.status_code == 412
    listed = api.patch(url(lead), {"title": "B"}, format="json", HTTP_IF_MATCH=f'"x", {etag}')
    assert listed.status_code == 200
    star = api.patch(url(lead), {"title": "C"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200
    assert fetch(lead).title == "C"


def test_delete_with_the_current_version_moves_to_the_trash(api, lead):
    etag = api.get(url(lead))["ETag"]
    assert api.delete(url(lead), HTTP_IF_MATCH=etag).status_code == 204
    assert fetch(lead).deleted is True
    restored = api.post(f"{url(lead)}restore/")
    assert restored.status_code == 200
    assert restored["ETag"] == api.get(url(lead))["ETag"] != etag


def test_a_patch_writes_only_the_fields_sent(api, lead, admin):
    # The record as loaded by the PATCH is changed before its write: the other field survives,
    # and a field sent with the value it had is written even though it looked unchanged.
    other = fetch(lead)
    other.department = "IT"
    other.title = "CFO"
    save_record(other, actor=admin)
    response = api.patch(url(lead), {"first_name": "Jona", "title": "CFO"}, format="json")
    assert response.status_code == 200
    stored = fetch(lead)
    assert (stored.first_name, stored.department, stored.title) == ("Jona", "IT", "CFO")
    assert response.json()["department"] == "IT"  # the answer is the stored record


def test_the_detail_and_a_patch_cost_no_more_queries(api, lead, django_assert_num_queries):
    api.get(url(lead))  # warm: configuration and dropdowns cached, the token's use noted
    api.patch(url(lead), {"title": "Warm"}, format="json")
    with django_assert_num_queries(2):  # the token with its user, roles and teams; the record
        etag = api.get(url(lead))["ETag"]
    # token; the record; the locked row; the update; its change-log row (the assigned user,
    # unchanged, is not looked up again)
    with django_assert_num_queries(5):
        response = api.patch(url(lead), {"title": "CEO"}, format="json")
    assert response.status_code == 200
    # A stale If-Match is refused on the record already read, before anything is locked.
    with django_assert_num_queries(2):
        assert (
            api.patch(url(lead), {"title": "CIO"}, format="json", HTTP_IF_MATCH=etag).status_code
            == 412
        )
    # A matching one costs the same: a refusal under the row lock writes nothing, so the save
    # needs no savepoint even inside a transaction (the test's).
    etag = response["ETag"]
    with django_assert_num_queries(5):
        assert (
            api.patch(url(lead), {"title": "CIO"}, format="json", HTTP_IF_MATCH=etag).status_code
            == 200
        )


def test_the_schema_names_the_etag_if_match_and_412(admin_api):
    schema = yaml.safe_load(admin_api.get("/api/schema/").content)
    operations = schema["paths"]["/api/v1/leads/{id}/"]
    for method in ("put", "patch", "delete"):
        headers = [p["name"] for p in operations[method]["parameters"] if p["in"] == "header"]
        assert "If-Match" in headers and "412" in operations[method]["responses"], method
    assert "412" not in operations["get"]["responses"]
    assert "ETag" in operations["get"]["responses"]["200"]["headers"]
    assert "ETag" in operations["patch"]["responses"]["200"]["headers"]


# --- two PATCHes of different fields, sent together (PostgreSQL: SQLite's test database holds
# one writer at a time, so there the race would only run them one after the other)

if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_concurrent_patches_of_different_fields_both_survive(rep, admin):
        clients = [token_client(rep), token_client(admin)]
        leads = [
            save_record(Lead(last_name=f"Race {i}", title="CTO", department="Ops"), actor=rep)
            for i in range(20)
        ]
        for lead in leads:
            outcomes = race(
                [
                    lambda lead=lead: clients[0].patch(url(lead), {"title": "CEO"}, format="json"),
                    lambda lead=lead: clients[1].patch(
                        url(lead), {"department": "IT"}, format="json"
                    ),
                ]
            )
            assert [o.status_code for o in outcomes] == [200, 200]
        stored = Lead.objects.filter(pk__in=[lead.pk for lead in leads])
        assert sorted({(s.title, s.department) for s in stored}) == [("CEO", "IT")]
        assert (
            ChangeLog.objects.filter(action="update", record_id__in=[r.pk for r in leads]).count()
            == 40
        )
