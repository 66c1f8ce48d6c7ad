"""Users and teams of the saved views' tests: Rolf (a sales manager) and Susi (a sales rep) in
team North, Otto (a sales rep) alone."""

import pytest

from kontor.users.models import Team
from kontor.users.tests.people import member


@pytest.fixture
def north(db):
    return Team.objects.create(name="Nord")


@pytest.fixture
def south(db):
    return Team.objects.create(name="Süd")


@pytest.fixture
def susi(north):
    return member("susi", "Susi", "Sommer", "sales_rep", north)


@pytest.fixture
def otto(db):
    return member("otto", "Otto", "Ost", "sales_rep")


@pytest.fixture
def rolf(rep, north):
    rep.teams.add(north)
    return rep
