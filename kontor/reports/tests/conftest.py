"""Records, people and reports shared by the reports' tests."""

from decimal import Decimal

import pytest

from kontor.leads.tests.factories import LeadFactory
from kontor.reports.models import Report
from kontor.users.models import Team
from kontor.users.tests.people import member


@pytest.fixture
def team(db):
    """Sina's team (Rolf is no member: his records stay out of it)."""
    return Team.objects.create(name="Vertrieb Nord")


@pytest.fixture
def seller(db, team):
    """Sina, a sales rep: her own and her team's records."""
    return member("sina", "Sina", "Seller", "sales_rep", team)


@pytest.fixture
def leads(rep, seller):
    """Six leads: four of Rolf (two of them Web Site), two of Sina; amounts known."""
    made = []
    for status, source, amount, owner in (
        ("New", "Web Site", "100.00", rep),
        ("New", "Web Site", "300.00", rep),
        ("New", "Cold Call", "50.00", rep),
        ("Assigned", "Cold Call", None, rep),
        ("New", "Web Site", "1000.00", seller),
        ("Dead", "Cold Call", "7.50", seller),
    ):
        made.append(
            LeadFactory(
                status=status,
                lead_source=source,
                opportunity_amount=Decimal(amount) if amount else None,
                assigned_user=owner,
                actor=owner,
            )
        )
    return made


def make_report(owner, **values) -> Report:
    defaults = {
        "module": "leads",
        "name": "Leads nach Quelle",
        "group_by": ["lead_source"],
        "aggregates": ["count"],
    }
    return Report.objects.create(owner=owner, **{**defaults, **values})
