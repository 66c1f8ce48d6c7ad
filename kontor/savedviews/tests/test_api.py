"""/api/v1/saved-views/: the token's user's views, the same rules as the pages."""

import pytest

from kontor.api.models import ApiToken
from kontor.api.tests.conftest import token_client
from kontor.savedviews import actions
from kontor.savedviews.models import SavedView
from kontor.users.sharing import Share

pytestmark = pytest.mark.django_db

URL = "/api/v1/saved-views/"


def snapshot():
    return list(
        SavedView.objects.order_by("pk").values_list(
            "pk", "owner_id", "name", "query", "columns", "share", "team_id"
        )
    )


def make(actor, name, share=Share.PRIVATE, team=None, slug="leads"):
    return actions.create_view(
        slug, name=name, query="status=New", columns=[], share=share, team=team, actor=actor
    )


def test_list_shows_own_and_shared_views_only(rolf, susi, otto, north):
    make(rolf, "Privat")
    make(rolf, "Team", share=Share.TEAM, team=north)
    make(rolf, "Alle", share=Share.EVERYONE)
    make(otto, "Ottos", slug="contacts")
    names = [v["name"] for v in token_client(susi).get(URL).json()]
    assert names == ["Alle", "Team"]
    own = token_client(otto).get(URL, {"module": "contacts"}).json()
    assert [(v["name"], v["module"], v["owner"]) for v in own] == [("Ottos", "contacts", otto.pk)]


def test_create_read_update_delete(rolf, north):
    api = token_client(rolf)
    created = api.post(
        URL,
        {
            "module": "leads",
            "name": "Neue",
            "query": "status=New&cursor=x&sort=last_name",
            "columns": ["last_name"],
            "shared_with": "team",
            "team": north.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["query"] == "sort=last_name&status=New"
    assert body["filters"] == {"sort": ["last_name"], "status": ["New"]}
    assert (body["shared_with"], body["team"], body["columns"]) == ("team", north.pk, ["last_name"])
    assert body["url"] == f"/leads/?view={body['id']}&sort=last_name&status=New"
    pk = body["id"]
    assert api.get(f"{URL}{pk}/").json()["name"] == "Neue"
    changed = api.patch(
        f"{URL}{pk}/", {"name": "Umbenannt", "shared_with": "private"}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["team"]) == ("Umbenannt", None)
    assert api.delete(f"{URL}{pk}/").status_code == 204
    assert not SavedView.objects.exists()


def test_bad_input_is_a_structured_400_and_saves_nothing(rolf, otto, north):
    make(rolf, "Doppelt")
    before = snapshot()
    api = token_client(rolf)
    for data, field in [
        ({"module": "leads", "name": ""}, "name"),
        ({"module": "leads", "name": "doppelt"}, "name"),
        ({"module": "leads", "name": "X", "shared_with": "world"}, "shared_with"),
        ({"module": "nothing", "name": "X"}, "module"),
    ]:
        response = api.post(URL, data, format="json")
        assert response.status_code == 400, data
        assert response.json()["code"] == "invalid" and field in response.json()["errors"], (
            response.json()
        )
    refused = token_client(otto).post(
        URL,
        {"module": "leads", "name": "X", "shared_with": "team", "team": north.pk},
        format="json",
    )
    assert refused.status_code == 400 and "team" in refused.json()["errors"]
    assert snapshot() == before


def test_forged_and_foreign_ids(rolf, otto, susi, north):
    private = make(rolf, "Geheim")
    shared = make(rolf, "Team", share=Share.TEAM, team=north)
    before = snapshot()
    api = token_client(otto)
    assert api.get(f"{URL}{private.pk}/").status_code == 404
    assert api.patch(f"{URL}{private.pk}/", {"name": "Meins"}, format="json").status_code == 404
    assert api.delete(f"{URL}{private.pk}/").status_code == 404
    # Seen through the team, but not hers to change.
    susi_api = token_client(susi)
    assert susi_api.get(f"{URL}{shared.pk}/").status_code == 200
    assert susi_api.patch(f"{URL}{shared.pk}/", {"name": "Meins"}, format="json").status_code == 403
    assert susi_api.delete(f"{URL}{shared.pk}/").status_code == 403
    assert snapshot() == before


def test_a_read_only_token_may_only_read(rolf):
    api = token_client(rolf, scope=ApiToken.Scope.READ)
    assert api.get(URL).status_code == 200
    assert api.post(URL, {"module": "leads", "name": "X"}, format="json").status_code == 403
    assert not SavedView.objects.exists()


def test_the_endpoints_are_in_the_schema(rep_client):
    schema = rep_client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/saved-views/" in schema["paths"]
    assert set(schema["paths"]["/api/v1/saved-views/{id}/"]) >= {"get", "patch", "delete"}


def test_views_of_record_types_the_user_may_not_list_are_left_out(rolf, north):
    from kontor.users.actions import create_user

    make(rolf, "Alle Leads", share=Share.EVERYONE)
    make(rolf, "Alle Zielkontakte", share=Share.EVERYONE, slug="targets")
    scout = create_user("scout", password="pw-scout-123!", roles=["external_lead_generation"])
    names = [v["name"] for v in token_client(scout).get(URL).json()]
    assert names == ["Alle Zielkontakte"]
    assert token_client(scout).get(URL, {"module": "leads"}).json() == []
