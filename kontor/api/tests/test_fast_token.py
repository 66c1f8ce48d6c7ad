"""The token lookup's fast path (kontor.core.fast.token, one hand-written statement) finds what
the ORM lookup finds: the same token, user, roles, teams and so the same scopes; and the same
refusals. Each case runs with KONTOR_FAST_PATHS on and off."""

import pytest

from kontor.api.actions import create_token, revoke_token
from kontor.api.auth import token_for
from kontor.api.tests.conftest import token_client
from kontor.core.permissions import grants_of
from kontor.users.actions import create_user, save_team
from kontor.users.models import Team

pytestmark = pytest.mark.django_db


def _found(settings, key: str, switch: bool) -> dict | None:
    """Everything a request learns from `key`: the token's and user's every column (deferred
    ones loaded), the user's admin flag, scopes and teams."""
    settings.KONTOR_FAST_PATHS = switch
    token = token_for(key)
    if token is None:
        return None
    grants = grants_of(token.user)
    return {
        "token": {f.attname: getattr(token, f.attname) for f in token._meta.concrete_fields},
        "user": {
            f.attname: getattr(token.user, f.attname) for f in token.user._meta.concrete_fields
        },
        "is_admin": grants.is_admin,
        "scopes": grants.scopes,
        "teams": sorted(grants.team_ids),
    }


def _both(settings, key: str) -> tuple:
    return _found(settings, key, True), _found(settings, key, False)


@pytest.fixture
def tina(admin):
    """A user with two roles and two teams, one of them shared with nobody else."""
    user = create_user(
        "tina", password="pw-tina-123!", first_name="Tina", roles=["sales_rep", "marketing"]
    )
    save_team(Team(name="Nord"), actor=admin, members=[user, admin])
    save_team(Team(name="Süd"), actor=admin, members=[user])
    save_team(Team(name="West"), actor=admin, members=[admin])
    return user


def test_same_token_user_roles_teams_and_scopes(settings, tina):
    _token, key = create_token(tina, name="shop", actor=tina)
    fast, plain = _both(settings, key)
    assert fast == plain
    assert fast["user"]["username"] == "tina" and fast["token"]["name"] == "shop"
    assert fast["teams"] == sorted(
        Team.objects.filter(name__in=["Nord", "Süd"]).values_list("pk", flat=True)
    )
    assert fast["is_admin"] is False
    # the widest of both roles: a sales rep reaches leads, marketing reaches targets
    assert fast["scopes"][("leads", "access")] != "none"
    assert fast["scopes"][("targets", "access")] != "none"


def test_same_for_an_administrator_without_roles_or_teams(settings):
    boss = create_user("boss", password="pw-boss-123!", is_superuser=True)
    _token, key = create_token(boss, name="admin", actor=boss)
    fast, plain = _both(settings, key)
    assert fast == plain
    assert fast["is_admin"] is True and fast["teams"] == [] and fast["scopes"] == {}


def test_same_refusals(settings, tina):
    token, key = create_token(tina, name="old", actor=tina)
    wrong_secret = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    unknown_prefix = key.replace(token.prefix, "x" * len(token.prefix), 1)
    for refused in (wrong_secret, unknown_prefix, "kontor_nonsense"):
        assert _both(settings, refused) == (None, None)
    revoke_token(token, actor=tina)
    assert _both(settings, key) == (None, None)


def test_a_request_with_the_fast_paths_off_is_answered_the_same(settings, rep):
    api = token_client(rep)
    answers = []
    for switch in (True, False):
        settings.KONTOR_FAST_PATHS = switch
        created = api.post("/api/v1/leads/", {"last_name": f"Weber {switch}"}, format="json")
        assert created.status_code == 201
        listed = api.get("/api/v1/leads/?fields=last_name")
        assert listed.status_code == 200
        answers.append(sorted(row["last_name"] for row in listed.json()["results"]))
    assert answers == [["Weber True"], ["Weber False", "Weber True"]]
