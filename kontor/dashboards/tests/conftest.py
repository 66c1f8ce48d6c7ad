"""Team Nord: Mia (sales manager) and Sam (sales rep); team Süd: Tom (sales rep); and their
deals. A rep sees the records of their teams, a manager every record (docs/access.md)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
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


def won(user, amount, **values):
    return OpportunityFactory(
        sales_stage="Closed Won",
        amount=Decimal(amount),
        date_closed=timezone.localdate(),
        assigned_user=user,
        actor=user,
        **values,
    )


@pytest.fixture
def deals(sales):
    won(sales.sam, "1000.00")
    won(sales.tom, "5000.00")
    OpportunityFactory(sales_stage="Closed Lost", date_closed=timezone.localdate(), actor=sales.tom)
    OpportunityFactory(
        sales_stage="Proposal/Price Quote", amount=Decimal("2000.00"), actor=sales.sam
    )
    for user, source in ((sales.sam, "Web Site"), (sales.sam, "Web Site"), (sales.tom, "Email")):
        LeadFactory(lead_source=source, actor=user)
    return sales
