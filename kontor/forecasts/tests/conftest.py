"""A first quarter of 2027 with hand-computed forecast figures.

Team Nord: Mia (sales manager) and Sam (sales rep); team Süd: Tom (sales rep). 1.25 USD per
EUR since 2000; GBP active without a rate. Sam's opportunities, by month (base amounts):

- January: S1 1,000 Prospecting (10 %, pipeline); S6 2,000 Prospecting overridden to best case
  → open 3,000, weighted 300, best case 2,000.
- February: S2 1,250 USD = 1,000 Proposal (65 %, commit); S3 500 GBP Value Proposition
  (best case, no rate: counted, not added); S8 400 Qualification (20 %), trashed and restored
  → open 1,400, weighted 730, commit 1,000.
- March: S4 3,000 Closed Won; S5 800 Negotiation overridden to omitted (never counts); S9
  5,000 created Closed Won, moved back to Negotiation (80 %, commit) → open 5,000, weighted
  4,000, commit 5,000, won 3,000.
- Outside: S7 700 (trashed, January), S10 100 on 2027-04-01, S11 100 on 2026-12-31.

Tom: T1 10,000 Closed Won (February), T2 600 Closed Lost (March). Quotas: Sam's months
1,000 / 1,000 / 2,000 (no quarter quota: the quarter adds them, 4,000); Tom's quarter 20,000.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from kontor.core.actions import delete_records, restore_records, save_record
from kontor.currencies import rates
from kontor.currencies.models import Currency, ExchangeRate
from kontor.forecasts.models import Quota
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.models import Team
from kontor.users.tests.people import member

D = datetime.date


@dataclass
class Quarter:
    mia: object
    sam: object
    tom: object
    nord: Team
    sued: Team
    deals: dict


@pytest.fixture
def quarter(db) -> Quarter:
    nord = Team.objects.create(name="Nord")
    sued = Team.objects.create(name="Süd")
    mia = member("mia", "Mia", "Meyer", "sales_manager", nord)
    sam = member("sam", "Sam", "Schulz", "sales_rep", nord)
    tom = member("tom", "Tom", "Trost", "sales_rep", sued)
    Currency.objects.update_or_create(code="USD", defaults={"name": "US-Dollar", "active": True})
    Currency.objects.update_or_create(code="GBP", defaults={"name": "Pfund", "active": True})
    ExchangeRate.objects.create(currency_id="USD", valid_from=D(2000, 1, 1), rate=Decimal("1.25"))
    rates.invalidate()

    def deal(name, amount, stage, day, owner, currency="EUR", **more):
        return OpportunityFactory(
            name=name,
            amount=Decimal(amount),
            currency=currency,
            sales_stage=stage,
            date_closed=day,
            assigned_user=owner,
            actor=owner,
            **more,
        )

    deals = {
        "S1": deal("S1", "1000", "Prospecting", D(2027, 1, 31), sam),
        "S6": deal("S6", "2000", "Prospecting", D(2027, 1, 1), sam, forecast_category="best_case"),
        "S2": deal("S2", "1250", "Proposal/Price Quote", D(2027, 2, 1), sam, currency="USD"),
        "S3": deal("S3", "500", "Value Proposition", D(2027, 2, 28), sam, currency="GBP"),
        "S8": deal("S8", "400", "Qualification", D(2027, 2, 14), sam),
        "S4": deal("S4", "3000", "Closed Won", D(2027, 3, 31), sam),
        "S5": deal(
            "S5", "800", "Negotiation/Review", D(2027, 3, 15), sam, forecast_category="omitted"
        ),
        "S9": deal("S9", "5000", "Closed Won", D(2027, 3, 1), sam),
        "S7": deal("S7", "700", "Prospecting", D(2027, 1, 10), sam),
        "S10": deal("S10", "100", "Prospecting", D(2027, 4, 1), sam),
        "S11": deal("S11", "100", "Prospecting", D(2026, 12, 31), sam),
        "T1": deal("T1", "10000", "Closed Won", D(2027, 2, 10), tom),
        "T2": deal("T2", "600", "Closed Lost", D(2027, 3, 20), tom),
    }
    delete_records(Opportunity.objects.filter(pk__in=[deals["S7"].pk, deals["S8"].pk]), actor=sam)
    restore_records(Opportunity.with_deleted.filter(pk=deals["S8"].pk), actor=sam)
    moved = Opportunity.objects.get(pk=deals["S9"].pk)
    moved.sales_stage = "Negotiation/Review"
    save_record(moved, actor=sam)
    for month, amount in ((1, "1000"), (2, "1000"), (3, "2000")):
        Quota.objects.create(
            user=sam, period_kind="month", period_start=D(2027, month, 1), amount=Decimal(amount)
        )
    Quota.objects.create(
        user=tom, period_kind="quarter", period_start=D(2027, 1, 1), amount=Decimal("20000")
    )
    return Quarter(mia, sam, tom, nord, sued, deals)


def client_of(client, user):
    client.force_login(user)
    return client
