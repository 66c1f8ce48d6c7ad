"""SuiteCRM's currencies and conversion rates migrated from the journey database: the system
currency as the base, the Euro with its rate, the opportunities' base amounts, second and
delta runs, Kontor's own rates kept, and damaged rows.

Expectations come from queries against SuiteCRM's schema or from the dump's README (Euro
`81e9cf34-…`, €, EUR, rate 0.92, beside the system currency US Dollar -99).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation

from kontor.core.admin_log import AdminChange
from kontor.currencies import rates
from kontor.currencies.actions import save_currency, save_rate
from kontor.currencies.models import Currency, ExchangeRate
from kontor.opportunities.models import Opportunity
from kontor.suiteapi.v41.tests.helpers import call, login
from kontor.suitecrm.models import LegacyId
from kontor.suitecrm.run import migrate
from kontor.suitecrm.verify import verify

pytestmark = pytest.mark.django_db
STEPS = ["users", "accounts", "currencies", "opportunities"]
EURO = "81e9cf34-07d5-b4f9-2578-6b15d7adb1f7"
GROSS_OPPORTUNITY = "95e80eb7-7c75-700b-1dd7-6b15d70a0f69"


def run(url, actor, **options):
    return migrate(url, actor=actor, modules=STEPS, **options)


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def euro_row(suitecrm) -> dict:
    return suitecrm.dicts("SELECT * FROM currencies WHERE id = %s", [EURO])[0]


def test_the_system_currency_becomes_the_base_and_the_euro_keeps_its_rate(admin, suitecrm_journey):
    assert rates.base_currency() == "EUR"  # Kontor's default before the run
    report = run(suitecrm_journey, admin)

    row = euro_row(suitecrm_journey)
    assert (row["iso4217"], row["conversion_rate"], row["status"]) == ("EUR", 0.92, "Active")
    assert Currency.objects.get(is_base=True).code == "USD"
    euro = Currency.objects.get(code="EUR")
    assert (euro.name, euro.symbol, euro.active) == (row["name"], row["symbol"], True)
    assert list(ExchangeRate.objects.values_list("currency", "valid_from", "rate")) == [
        ("EUR", row["date_modified"].date(), Decimal("0.920000"))
    ]
    assert LegacyId.objects.get(kind="currency", suitecrm_id=EURO).kontor_id == "EUR"
    assert dict(report.counts["currencies"]) == {"updated": 1}  # the seeded Euro got its rate
    assert "The base currency is now USD, SuiteCRM's system currency." in report.notes
    assert not [p for p in report.problems if p.table == "currencies"]
    assert AdminChange.objects.filter(area="currency", summary="Base currency changed").exists()


def test_base_amounts_are_suitecrms_amount_usdollar(admin, suitecrm_journey):
    run(suitecrm_journey, admin)

    rows = suitecrm_journey.dicts("SELECT id, amount, amount_usdollar FROM opportunities")
    assert len(rows) == 53
    stored = dict(Opportunity.with_deleted.values_list("pk", "amount_base"))
    for row in rows:
        assert stored[Opportunity._meta.pk.to_python(row["id"])] == cents(row["amount_usdollar"])
    gross = Opportunity.objects.get(pk=GROSS_OPPORTUNITY)
    assert (gross.currency, gross.amount_base) == ("EUR", Decimal("57065.22"))  # 52,500 / 0.92


def test_a_second_run_duplicates_no_currency_and_no_rate(admin, suitecrm_journey):
    run(suitecrm_journey, admin)
    logged = AdminChange.objects.count()
    currencies = list(Currency.objects.values_list("code", "name", "symbol", "active", "is_base"))

    again = run(suitecrm_journey, admin, full=True)

    assert dict(again.counts["currencies"]) == {"unchanged": 1}
    assert ExchangeRate.objects.count() == 1
    assert LegacyId.objects.filter(kind="currency").count() == 1
    assert (
        list(Currency.objects.values_list("code", "name", "symbol", "active", "is_base"))
        == currencies
    )
    assert AdminChange.objects.count() == logged


def test_a_changed_rate_arrives_as_a_new_rate_from_its_day(admin, suitecrm_damaged):
    source = suitecrm_damaged()
    run(source, admin)
    first_day = euro_row(source)["date_modified"].date()
    source.execute(
        "UPDATE currencies SET conversion_rate = 0.95, date_modified = UTC_TIMESTAMP() "
        f"WHERE id = '{EURO}'"
    )

    report = run(source, admin)

    today = euro_row(source)["date_modified"].date()
    assert today > first_day
    assert list(ExchangeRate.objects.order_by("valid_from").values_list("valid_from", "rate")) == [
        (first_day, Decimal("0.920000")),
        (today, Decimal("0.950000")),
    ]
    assert dict(report.counts["currencies"]) == {"updated": 1}
    # The open opportunity in euros is converted at today's rate again, without the worker.
    assert Opportunity.objects.get(pk=GROSS_OPPORTUNITY).amount_base == cents(52500 / 0.95)


def test_kontors_own_base_with_rates_is_kept_and_the_report_says_why(admin, suitecrm_journey):
    gbp = Currency.objects.get(code="GBP")
    save_rate(ExchangeRate(currency=gbp, valid_from=date(2026, 1, 1), rate="0.85"), actor=admin)

    report = run(suitecrm_journey, admin)

    assert Currency.objects.get(is_base=True).code == "EUR"
    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [
        ("GBP", Decimal("0.850000"))
    ]
    (problem,) = [p for p in report.problems if p.table == "currencies"]
    assert problem.suitecrm_id == "-99"
    assert "Kontor's base currency is EUR and has exchange rates" in problem.message
    # The opportunities in dollars wait for a USD rate; the euros are their own base amount.
    assert not Opportunity.objects.filter(currency="USD", amount_base__isnull=False).exists()
    gross = Opportunity.objects.get(pk=GROSS_OPPORTUNITY)
    assert gross.amount_base == gross.amount
    with translation.override("de"):
        german = run(suitecrm_journey, admin, full=True)
    (problem,) = [p for p in german.problems if p.table == "currencies"]
    assert "Wechselkurse" in problem.message and "EUR" in problem.message


def test_rows_without_iso_code_or_with_a_rate_not_above_zero_are_reported(admin, suitecrm_damaged):
    bad_id, zero_id, negative_id, gbp_id, gone_id, huge_id = (
        f"0c0c0c0c-0000-4000-8000-00000000000{n}" for n in range(1, 7)
    )
    source = suitecrm_damaged(
        "INSERT INTO currencies (id, name, symbol, iso4217, conversion_rate, status, deleted, "
        "date_entered, date_modified, created_by) VALUES "
        f"('{bad_id}', 'Taler', 'T', '', 2, 'Active', 0, NOW(), NOW(), '1'), "
        f"('{zero_id}', 'Franken', 'Fr.', 'CHF', 0, 'Active', 0, NOW(), NOW(), '1'), "
        f"('{negative_id}', 'Krone', 'kr', 'SEK', -1, 'Active', 0, NOW(), NOW(), '1'), "
        f"('{gbp_id}', 'Pfund', '£', 'GBP', 0.8, 'Inactive', 0, NOW(), NOW(), '1'), "
        f"('{gone_id}', 'Yen', '¥', 'JPY', 150, 'Active', 1, NOW(), NOW(), '1'), "
        f"('{huge_id}', 'Forint', 'Ft', 'HUF', 1e13, 'Active', 0, NOW(), NOW(), '1')",
        f"UPDATE opportunities SET currency_id = '{bad_id}' WHERE id = '{GROSS_OPPORTUNITY}'",
    )

    report = run(source, admin)

    problems = {p.suitecrm_id: p.message for p in report.problems if p.table == "currencies"}
    assert problems[bad_id] == "No ISO 4217 code: not migrated."
    assert problems[zero_id].startswith("Conversion rate 0.0 is not greater than zero")
    assert problems[negative_id].startswith("Conversion rate -1.0 is not greater than zero")
    assert problems[huge_id].startswith("Conversion rate 10000000000000.0 has more than 12")
    assert dict(report.counts["currencies"]) == {"updated": 5, "skipped": 2}
    # The rest moved: the Euro and the inactive pound with their rates, the franc, the krona
    # and the forint without one; the deleted yen not at all.
    assert dict(ExchangeRate.objects.values_list("currency", "rate")) == {
        "EUR": Decimal("0.920000"),
        "GBP": Decimal("0.800000"),
    }
    assert Currency.objects.get(code="GBP").active is False
    assert Currency.objects.get(code="CHF").name == "Franken"
    assert not LegacyId.objects.filter(suitecrm_id__in=[bad_id, gone_id]).exists()
    # An opportunity in the currency without a code takes the system currency, reported.
    assert Opportunity.objects.get(pk=GROSS_OPPORTUNITY).currency == "USD"
    assert any(
        p.table == "opportunities" and p.suitecrm_id == GROSS_OPPORTUNITY for p in report.problems
    )


def test_a_user_who_is_no_administrator_migrates_no_currency(rep, suitecrm_journey):
    before = list(Currency.objects.values_list("code", "name", "symbol", "active", "is_base"))

    report = migrate(suitecrm_journey, actor=rep, modules=["currencies"])

    assert [p.message for p in report.problems] == [
        "Only an administrator may migrate currencies: rolf is none."
    ]
    assert (
        list(Currency.objects.values_list("code", "name", "symbol", "active", "is_base")) == before
    )
    assert not ExchangeRate.objects.exists() and not LegacyId.objects.exists()


def test_a_dry_run_writes_no_currency(admin, suitecrm_journey):
    report = run(suitecrm_journey, admin, dry_run=True)

    assert dict(report.counts["currencies"]) == {"updated": 1}
    assert rates.base_currency() == "EUR"
    assert not ExchangeRate.objects.exists()
    assert not LegacyId.objects.filter(kind="currency").exists()


def test_verify_counts_the_currencies(admin, suitecrm_journey):
    run(suitecrm_journey, admin)

    result = verify(suitecrm_journey, sample=0)

    assert ("currencies", 1, 1) in result.counts


def test_suitecrms_apis_answer_the_migrated_currency_ids(admin, client, suitecrm_journey):
    run(suitecrm_journey, admin)
    admin.set_password("pw-ada-123!")  # the md5 verifier of v4_1's login
    admin.save()
    session = login(client, "ada", "pw-ada-123!")
    fields = ["currency_id", "amount", "amount_usdollar", "currency_name", "currency_symbol"]

    rows = suitecrm_journey.dicts(
        "SELECT id, currency_id, amount_usdollar FROM opportunities WHERE id = %s "
        "OR id = (SELECT MIN(id) FROM opportunities WHERE currency_id = '-99')",
        [GROSS_OPPORTUNITY],
    )
    assert len(rows) == 2
    for row in rows:
        answer = call(client, "get_entry", [session, "Opportunities", row["id"], fields])
        values = answer["entry_list"][0]["name_value_list"]
        assert values["currency_id"]["value"] == row["currency_id"]
        assert values["amount_usdollar"]["value"] == str(cents(row["amount_usdollar"]))
    gross = euro_row(suitecrm_journey)
    answer = call(client, "get_entry", [session, "Opportunities", GROSS_OPPORTUNITY, fields])
    values = answer["entry_list"][0]["name_value_list"]
    assert (values["currency_name"]["value"], values["currency_symbol"]["value"]) == (
        gross["name"],
        gross["symbol"],
    )


def test_a_name_changed_in_kontor_stays_and_a_change_on_both_sides_is_listed(
    admin, suitecrm_damaged
):
    source = suitecrm_damaged()
    run(source, admin)
    euro = Currency.objects.get(code="EUR")
    euro.name = "Euro (EZB)"
    save_currency(euro, actor=admin)

    again = run(source, admin, full=True)
    assert Currency.objects.get(code="EUR").name == "Euro (EZB)"
    assert dict(again.counts["currencies"]) == {"unchanged": 1}
    source.execute(
        "UPDATE currencies SET name = 'Euro-Währung', date_modified = UTC_TIMESTAMP() "
        f"WHERE id = '{EURO}'"
    )

    both = run(source, admin)
    assert Currency.objects.get(code="EUR").name == "Euro (EZB)"
    assert [p.message for p in both.problems if p.table == "currencies"] == [
        "Changed in SuiteCRM and in Kontor: name; Kontor's values kept."
    ]
    # The row's new date brings no second rate of the same value.
    assert ExchangeRate.objects.count() == 1
