"""A small team for the calendar's tests: Bea (sales rep, Berlin) and Tom (sales rep, London)
in team Nord, Stan (sales manager) outside it, and Lena, who may see activities but not change
them."""

from dataclasses import dataclass

import pytest

from kontor.core.grants import grant
from kontor.users.actions import create_user
from kontor.users.models import Role, Team


@dataclass
class People:
    bea: object
    tom: object
    stan: object
    lena: object
    nord: object


def _zone(user, zone: str, language: str = "en"):
    user.profile.time_zone, user.profile.language = zone, language
    user.profile.save(update_fields=["time_zone", "language"])
    return user


@pytest.fixture
def people(db) -> People:
    nord = Team.objects.create(name="Nord")
    bea = create_user(
        "bea",
        password="pw-bea-123!",
        first_name="Bea",
        last_name="Berg",
        roles=["sales_rep"],
        teams=[nord],
    )
    tom = create_user(
        "tom",
        password="pw-tom-123!",
        first_name="Tom",
        last_name="Lee",
        roles=["sales_rep"],
        teams=[nord],
    )
    stan = create_user("stan", password="pw-stan-123!", roles=["sales_manager"])
    reading = grant(access="all", view="all", list="all")
    reader = Role.objects.create(
        name="Leser", grants={s: reading for s in ("calls", "meetings", "tasks")}
    )
    lena = create_user("lena", password="pw-lena-123!", roles=[reader])
    _zone(bea, "Europe/Berlin")
    _zone(tom, "Europe/London")
    return People(bea, tom, stan, lena, nord)
