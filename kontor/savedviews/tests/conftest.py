"""Users and teams of the saved views' tests: Rolf (a sales manager) and Susi (a sales rep) in
team North, Otto (a sales rep) alone."""

import pytest

from kontor.users.actions import create_user
from kontor.users.models import Team


@pytest.fixture
def north(db):
    return Team.objects.create(name="Nord")


@pytest.fixture
def south(db):
    return Team.objects.create(name="Süd")


@pytest.fixture
def susi(north):
    return create_user(
        "susi",
        password="pw-susi-123!",
        first_name="Susi",
        last_name="Sommer",
        roles=["sales_rep"],
        teams=[north],
    )


@pytest.fixture
def otto(db):
    return create_user(
        "otto", password="pw-otto-123!", first_name="Otto", last_name="Ost", roles=["sales_rep"]
    )


@pytest.fixture
def rolf(rep, north):
    rep.teams.add(north)
    return rep
