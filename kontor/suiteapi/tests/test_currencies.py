"""An opportunity's currency in SuiteCRM's APIs (V8 and v4_1): `currency_id` -99 for the base,
a migrated currency's SuiteCRM id, a stable id for any other; `amount_usdollar` the base
amount; `currency_name`/`currency_symbol`; writes of `currency_id` store the ISO code, an
unknown id changes nothing."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.currencies.actions import save_rate
from kontor.currencies.models import Currency, ExchangeRate
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.suiteapi import currencies
from kontor.suiteapi.clients.actions import create_client
from kontor.suiteapi.v8.tests.conftest import SECRET, V8, sign_in
from kontor.suiteapi.v41.tests.helpers import call, login
from kontor.suitecrm.models import LegacyId

pytestmark = pytest.mark.django_db
#: The id SuiteCRM gave its US dollar row (a migrated currency)
DOLLAR = "5a1e0c1e-9d55-4b7e-8a49-2f2cbb0a1d01"
FIELDS = ["currency_id", "amount", "amount_usdollar", "currency_name", "currency_symbol"]


@pytest.fixture
def deals(rep, admin):
    """A deal in euros (the base), one in dollars (migrated, with a rate) and one in pounds."""
    LegacyId.objects.create(kind="currency", suitecrm_id=DOLLAR, kontor_id="USD")
    usd = Currency.objects.get(code="USD")
    save_rate(ExchangeRate(currency=usd, valid_from=date(2020, 1, 1), rate="1.25"), actor=admin)
    return {
        code: OpportunityFactory(currency=code, amount=Decimal("1000.00"), actor=rep)
        for code in ("EUR", "USD", "GBP")
    }


@pytest.fixture
def v8(client, rep):
    create_client(
        name="Mobile app", grant="password", client_id="mobile-app", secret=SECRET, actor=None
    )
    return V8(client, sign_in(client, "rolf", "pw-rolf-123!"))


def test_v8_answers_currency_id_and_amount_usdollar_as_suitecrm(v8, deals):
    shown = {}
    for code, deal in deals.items():
        status, body = v8.get(
            f"V8/module/Opportunities/{deal.pk}?fields[Opportunities]=" + ",".join(FIELDS)
        )
        assert status == 200, body
        shown[code] = body["data"]["attributes"]
    assert shown["EUR"] == {
        "currency_id": "-99",
        "amount": "1000.00",
        "amount_usdollar": "1000.00",
        "currency_name": "Euro",
        "currency_symbol": "€",
    }
    assert shown["USD"] == {
        "currency_id": DOLLAR,
        "amount": "1000.00",
        "amount_usdollar": "800.00",  # 1,000 / 1.25
        "currency_name": "US Dollar",
        "currency_symbol": "$",
    }
    # Never in SuiteCRM: a stable id of its own, and no base amount without a rate.
    assert (
        shown["GBP"]["currency_id"] == currencies.derived_id("GBP") != currencies.derived_id("CHF")
    )
    assert shown["GBP"]["amount_usdollar"] == ""


def test_v8_filters_by_currency_id(v8, deals):
    def ids(value):
        status, body = v8.get(f"V8/module/Opportunities?filter[currency_id][eq]={value}")
        assert status == 200, body
        return {row["id"] for row in body["data"]}

    assert ids("-99") == {str(deals["EUR"].pk)}
    assert ids(DOLLAR) == {str(deals["USD"].pk)}


def test_v8_writes_currency_id_as_the_iso_code(v8, deals):
    deal = deals["EUR"]

    def patch(currency_id):
        return v8.patch(
            "V8/module",
            {
                "data": {
                    "type": "Opportunities",
                    "id": str(deal.pk),
                    "attributes": {"currency_id": currency_id, "amount_usdollar": "1"},
                }
            },
        )

    status, body = patch(DOLLAR)
    assert status == 201, body
    deal.refresh_from_db()
    assert (deal.currency, deal.amount_base) == ("USD", Decimal("800.00"))
    assert body["data"]["attributes"]["amount_usdollar"] == "800.00"  # computed, as SuiteCRM
    assert patch(currencies.derived_id("GBP"))[0] == 201
    deal.refresh_from_db()
    assert deal.currency == "GBP"
    assert patch("-99")[0] == 201
    deal.refresh_from_db()
    assert deal.currency == "EUR"
    status, body = patch("no-such-currency")
    assert status == 400
    assert "No currency has the id “no-such-currency”." in json.dumps(body, ensure_ascii=False)
    deal.refresh_from_db()
    assert deal.currency == "EUR"


def test_v41_reads_and_writes_the_currency(client, rolf, deals):
    session = login(client, "rolf", "pw-rolf-123!")
    answer = call(
        client,
        "get_entry_list",
        [session, "Opportunities", "opportunities.currency_id = '-99'", "", 0, FIELDS, [], 10, 0],
    )
    assert [entry["id"] for entry in answer["entry_list"]] == [str(deals["EUR"].pk)]
    answer = call(client, "get_entry", [session, "Opportunities", str(deals["USD"].pk), FIELDS])
    values = answer["entry_list"][0]["name_value_list"]
    assert {name: values[name]["value"] for name in FIELDS} == {
        "currency_id": DOLLAR,
        "amount": "1000.00",
        "amount_usdollar": "800.00",
        "currency_name": "US Dollar",
        "currency_symbol": "$",
    }
    deal = deals["GBP"]
    answer = call(
        client,
        "set_entry",
        [session, "Opportunities", {"id": str(deal.pk), "currency_id": DOLLAR}],
    )
    assert answer["id"] == str(deal.pk)
    deal.refresh_from_db()
    assert (deal.currency, deal.amount_base) == ("USD", Decimal("800.00"))
    refused = call(
        client, "set_entry", [session, "Opportunities", {"id": str(deal.pk), "currency_id": "x"}]
    )
    assert refused["name"] == "Invalid data sent"  # v4_1's answer to a refused value
    deal.refresh_from_db()
    assert deal.currency == "USD"


def test_a_list_reads_no_currency_per_row(v8, deals, rep, django_assert_num_queries):
    path = "V8/module/Opportunities?fields[Opportunities]=" + ",".join(FIELDS)
    v8.get(path)  # the currency table and migrated ids cached, as on any later request
    with CaptureQueriesContext(connection) as three:
        assert v8.get(path)[0] == 200
    for code in ("CHF", "USD", "EUR", "GBP"):
        OpportunityFactory(currency=code, actor=rep)
    with django_assert_num_queries(len(three.captured_queries)):
        status, body = v8.get(path)
    assert status == 200 and len(body["data"]) == 7
