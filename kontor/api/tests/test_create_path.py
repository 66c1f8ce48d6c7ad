"""The hot path of an API create (bench/api.py): its queries are pinned, the token's one
statement brings the user's roles and teams (read per request, so changes apply at once), and
a create parses only the fields it was sent yet answers with the whole record."""

import pytest
from django.db import connection

from kontor.api.tests.conftest import token_client
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.users.actions import create_user, save_role, save_team
from kontor.users.models import Role, Team

BODY = {"last_name": "Bench", "first_name": "N1", "email1": "n1@api.example"}


@pytest.mark.django_db
def test_a_create_is_two_round_trips_on_postgresql(rep, django_assert_num_queries):
    api = token_client(rep)
    # warm: configuration and dropdowns cached, the token's use noted
    assert api.post("/api/v1/leads/", {"last_name": "Warm"}, format="json").status_code == 201
    # token + user + roles + teams; then the lead, its change-log row and its team rows, sent
    # together on PostgreSQL, one by one on SQLite (the test's transaction hides BEGIN and
    # COMMIT)
    postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(2 if postgres else 3):
        assert api.post("/api/v1/leads/", BODY, format="json").status_code == 201
    save_team(Team(name="Nord"), actor=rep, members=[rep])
    save_team(Team(name="Süd"), actor=rep, members=[rep])
    api.post("/api/v1/leads/", {"last_name": "Warm"}, format="json")  # the cache was cleared
    with django_assert_num_queries(2 if postgres else 5):  # the lead joins the creator's teams
        response = api.post("/api/v1/leads/", {**BODY, "email1": "n2@api.example"}, format="json")
    assert response.status_code == 201
    lead = Lead.objects.get(pk=response.json()["id"])
    assert sorted(lead.teams.values_list("name", flat=True)) == ["Nord", "Süd"]
    assert ChangeLog.objects.filter(record_id=lead.pk, action="create").count() == 1


@pytest.mark.django_db
def test_role_and_team_changes_apply_to_the_next_request(db, admin):
    user = create_user("tina", password="pw-tina-123!", roles=["sales_manager"])
    api = token_client(user)
    assert api.get("/api/v1/leads/").status_code == 200
    role = Role.objects.get(key="sales_manager")
    save_role(role, actor=admin, grants=role.grants, users=role.users.exclude(pk=user.pk))
    assert api.get("/api/v1/leads/").status_code == 404  # no role: the type is hidden
    save_role(role, actor=admin, grants=role.grants, users=[*role.users.all(), user])
    save_team(Team(name="Süd"), actor=admin, members=[user])
    response = api.post("/api/v1/leads/", BODY, format="json")
    assert response.status_code == 201
    assert list(
        Lead.objects.get(pk=response.json()["id"]).teams.values_list("name", flat=True)
    ) == ["Süd"]
    user.is_superuser = True
    user.save()
    role.users.remove(user)
    assert api.get("/api/v1/leads/").status_code == 200  # admins need no role


@pytest.mark.django_db
def test_a_create_parses_what_it_was_sent_and_answers_the_whole_record(rep):
    api = token_client(rep)
    response = api.post("/api/v1/leads/", BODY, format="json")
    assert response.status_code == 201
    created = response.json()
    assert created == api.get(f"/api/v1/leads/{created['id']}/").json()
    assert len(created) > 50 and created["status"] == Lead(last_name="x").status
    missing = api.post("/api/v1/leads/", {"first_name": "Ohne"}, format="json")
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["last_name"]
    read_only = api.post(
        "/api/v1/leads/", {**BODY, "date_entered": "2001-01-01T00:00:00Z"}, format="json"
    )
    assert read_only.status_code == 201
    assert not read_only.json()["date_entered"].startswith("2001")
    typo = api.post("/api/v1/leads/", {**BODY, "lastname": "X"}, format="json")
    assert typo.status_code == 400 and list(typo.json()["errors"]) == ["lastname"]
    assert Lead.objects.count() == 2  # nothing of the refused ones
