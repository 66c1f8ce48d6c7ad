"""Team Nord: Mia (sales manager) and Sam (sales rep); team Süd: Tom (sales rep). A rep sees
the records of their teams, a manager every record (docs/access.md)."""

from dataclasses import dataclass

import pytest

from kontor.users.actions import create_user
from kontor.users.models import Team


@dataclass
class Sales:
    mia: object
    sam: object
    tom: object
    nord: Team
    sued: Team


@pytest.fixture
def sales(db) -> Sales:
    nord = Team.objects.create(name="Nord")
    sued = Team.objects.create(name="Süd")

    def user(name, role, team):
        return create_user(
            name,
            password=f"pw-{name}-123!",
            first_name=name.title(),
            last_name="Muster",
            roles=[role],
            teams=[team],
        )

    return Sales(
        user("mia", "sales_manager", nord),
        user("sam", "sales_rep", nord),
        user("tom", "sales_rep", sued),
        nord,
        sued,
    )


def widget_url(ref, dashboard=None) -> str:
    if dashboard is None:
        return f"/dashboards/widgets/{ref}/"
    return f"/dashboards/{dashboard.pk}/widgets/{ref}/"
