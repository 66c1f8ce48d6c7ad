"""amount_base: every write path fills it (form, inline edit, API create/update/bulk, mass
update, import), at the close date's rate once closed and today's while open; a change of
rates or of the base recomputes it in the worker; the nightly command follows a rate whose
day has come."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from kontor.accounts.tests.factories import AccountFactory
from kontor.api.actions import create_token
from kontor.core.actions import mass_update
from kontor.core.admin_log import AdminChange
from kontor.core.testing_tools import run_queued_tasks
from kontor.currencies import rates
from kontor.currencies.actions import delete_rate, save_rate, set_base
from kontor.currencies.models import Currency, ExchangeRate
from kontor.currencies.tests.helpers import add_rate
from kontor.imports.models import ImportBatch
from kontor.imports.tests.helpers import run, upload
from kontor.opportunities.base_amounts import recompute
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests import test_opportunities
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import update_profile

pytestmark = pytest.mark.django_db

EARLY, LATE = date(2025, 1, 1), date(2025, 7, 1)


@pytest.fixture
def usd(admin):
    """USD: 1.10 per euro from 2025-01-01, 1.25 from 2025-07-01 (today's)."""
    add_rate("USD", EARLY, "1.100000", actor=admin)
    add_rate("USD", LATE, "1.250000", actor=admin)


@pytest.fixture
def api(rep):
    _token, key = create_token(rep, name="test", actor=rep)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def stored(pk) -> Decimal | None:
    return Opportunity.with_deleted.values_list("amount_base", flat=True).get(pk=pk)


def deal(rep, **values) -> Opportunity:
    return OpportunityFactory(actor=rep, **{"currency": "USD", "amount": Decimal("1100"), **values})


# --- the model ------------------------------------------------------------------------------


def test_open_converts_at_todays_rate_closed_at_the_close_dates(rep, usd):
    assert stored(deal(rep, date_closed=date(2025, 3, 1)).pk) == Decimal("880.00")
    won = deal(rep, sales_stage="Closed Won", date_closed=date(2025, 3, 1))
    assert stored(won.pk) == Decimal("1000.00")
    lost = deal(rep, sales_stage="Closed Lost", date_closed=date(2025, 8, 1))
    assert stored(lost.pk) == Decimal("880.00")


def test_the_base_currency_is_its_own_base_amount_and_no_rate_leaves_it_empty(rep, usd):
    assert stored(deal(rep, currency="EUR", amount=Decimal("12.34")).pk) == Decimal("12.34")
    assert stored(deal(rep, currency="GBP").pk) is None  # no GBP rate
    early = deal(rep, sales_stage="Closed Won", date_closed=date(2024, 12, 31))
    assert stored(early.pk) is None  # closed before the first USD rate


def test_an_invalid_opportunity_is_refused_whole(rep, usd):
    with pytest.raises(ValidationError):
        deal(rep, amount=Decimal("-5"))
    assert not Opportunity.objects.exists()


# --- the write paths ------------------------------------------------------------------------


def test_the_form_fills_it_on_create_and_on_edit(rep_client, usd):
    data = {
        **test_opportunities.TestOpportunityModule().valid_data(),
        "currency": "USD",
        "amount": "2500.00",
    }
    assert rep_client.post("/opportunities/new/", data).status_code == 302
    record = Opportunity.objects.get()
    assert record.amount_base == Decimal("2000.00")
    data.update(sales_stage="Closed Won", date_closed="2025-02-01")
    response = rep_client.post(f"/opportunities/{record.pk}/edit/", data)
    assert response.status_code == 302
    assert stored(record.pk) == Decimal("2272.73")  # 2500 / 1.1


def test_inline_edit_of_the_amount_fills_it(rep_client, rep, usd):
    record = deal(rep)
    url = reverse("opportunities:inline", args=[record.pk, "amount"])
    editor = rep_client.get(url)
    shown = re.search(r'name="inline_shown" value="([^"]+)"', editor.content.decode())[1]
    response = rep_client.post(url, {"amount": "5000", "inline_shown": shown})
    assert response.status_code == 200
    assert stored(record.pk) == Decimal("4000.00")


def test_the_api_fills_it_on_create_update_and_bulk_create(api, usd):
    body = {
        "name": "Fjord",
        "account": str(AccountFactory().pk),
        "amount": "1250.00",
        "currency": "USD",
        "date_closed": "2025-03-01",
        "sales_stage": "Qualification",
    }
    created = api.post("/api/v1/opportunities/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert stored(pk) == Decimal("1000.00")
    assert created.json()["amount_base"] == "1000.00"  # shown, read-only
    patched = api.patch(
        f"/api/v1/opportunities/{pk}/", {"sales_stage": "Closed Won"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert stored(pk) == Decimal("1136.36")  # 1250 / 1.1 on 2025-03-01
    # Opportunities have no upsert (leads and contacts do); their bulk creates save alike.
    bulk = api.post(
        "/api/v1/opportunities/bulk/",
        {"mode": "create", "items": [body, {**body, "currency": "GBP"}]},
        format="json",
    )
    assert bulk.status_code == 200, bulk.content
    made = [result["id"] for result in bulk.json()["results"]]
    assert [stored(pk) for pk in made] == [Decimal("1000.00"), None]


def test_mass_update_of_the_stage_converts_at_the_close_dates_rate(rep_client, rep, usd):
    first, second = deal(rep), deal(rep, amount=Decimal("2200"))
    response = rep_client.post(
        "/opportunities/mass/",
        {
            "verb": "update",
            "field": "sales_stage",
            "sales_stage": "Closed Won",
            "ids": [first.pk, second.pk],
        },
    )
    assert response.status_code == 302
    # closed on 2025-09-30 (the factory's date): 1.25
    assert (stored(first.pk), stored(second.pk)) == (Decimal("880.00"), Decimal("1760.00"))
    changed, _refused = mass_update(
        Opportunity.objects.filter(pk=first.pk), {"date_closed": date(2025, 3, 1)}, actor=rep
    )
    assert changed == 1 and stored(first.pk) == Decimal("1000.00")


def test_the_import_fills_it_on_create_and_on_update(admin, usd):
    content = (
        "Opportunity Name,Account Name,Amount,Expected Close Date,Sales Stage,Currency\n"
        "Offen,Nord GmbH,1100,2025-03-01,Qualification,USD\n"
        "Gewonnen,Nord GmbH,1100,2025-03-01,Closed Won,USD\n"
    )
    from kontor.imports import actions as imports

    batch = imports.create_batch(
        upload("opportunities.csv", content.encode()), model=Opportunity, actor=admin
    )
    columns = [*batch.options["columns"][:5], {"field": "currency", "rule": "overwrite"}]
    batch = run(batch, actor=admin, columns=columns, create_missing=True)
    assert batch.created_count == 2
    amounts = dict(Opportunity.objects.values_list("name", "amount_base"))
    assert amounts == {"Offen": Decimal("880.00"), "Gewonnen": Decimal("1000.00")}

    offen = Opportunity.objects.get(name="Offen")
    update = (
        "Kontor,Opportunity Name,Amount,Expected Close Date,Sales Stage\n"
        f"{offen.pk},Offen,1100,2025-03-01,Closed Lost\n"
    )
    batch = imports.create_batch(
        upload("update.csv", update.encode()), model=Opportunity, actor=admin
    )
    columns = batch.options["columns"]
    columns[0]["field"] = "__external_id__"
    batch = run(batch, actor=admin, columns=columns, mode="update", match="id")
    assert batch.updated_count == 1
    assert stored(offen.pk) == Decimal("1000.00")
    assert ImportBatch.objects.count() == 2


# --- recompute after a change ----------------------------------------------------------------


def test_a_changed_rate_recomputes_the_affected_opportunities_in_the_worker(
    rep, admin, usd, django_capture_on_commit_callbacks
):
    open_deal = deal(rep)
    closed_early = deal(rep, sales_stage="Closed Won", date_closed=date(2025, 3, 1))
    closed_late = deal(rep, sales_stage="Closed Won", date_closed=date(2025, 8, 1))
    euros = deal(rep, currency="EUR", amount=Decimal("70"))
    trashed = deal(rep)
    Opportunity.objects.filter(pk=trashed.pk).update(deleted=True)
    late = ExchangeRate.objects.get(currency="USD", valid_from=LATE)
    late.rate = Decimal("1.375")
    with django_capture_on_commit_callbacks(execute=True):
        save_rate(late, actor=admin)
    # Nothing changes before the worker runs…
    assert stored(open_deal.pk) == Decimal("880.00")
    run_queued_tasks()
    # …then the open and the late-closed ones are at 1100 / 1.375 = 800, the early one kept.
    assert stored(open_deal.pk) == Decimal("800.00")
    assert stored(closed_late.pk) == Decimal("800.00")
    assert stored(trashed.pk) == Decimal("800.00")
    assert stored(closed_early.pk) == Decimal("1000.00")
    assert stored(euros.pk) == Decimal("70.00")


def test_a_deleted_rate_leaves_the_deals_of_its_period_on_the_earlier_rate_or_empty(
    rep, admin, usd, django_capture_on_commit_callbacks
):
    early = deal(rep, sales_stage="Closed Won", date_closed=date(2025, 3, 1))
    open_deal = deal(rep)
    with django_capture_on_commit_callbacks(execute=True):
        delete_rate(ExchangeRate.objects.get(valid_from=LATE), actor=admin)
    run_queued_tasks()
    assert stored(open_deal.pk) == Decimal("1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        delete_rate(ExchangeRate.objects.get(valid_from=EARLY), actor=admin)
    run_queued_tasks()
    assert (stored(early.pk), stored(open_deal.pk)) == (None, None)


def test_the_base_cannot_change_while_rates_exist(rep, admin, usd):
    record = deal(rep)
    entries = AdminChange.objects.count()
    with pytest.raises(ValidationError, match="no exchange rates"):
        set_base(Currency.objects.get(code="USD"), actor=admin)
    assert Currency.objects.get(is_base=True).code == "EUR"
    assert stored(record.pk) == Decimal("880.00")
    assert AdminChange.objects.count() == entries


def test_changing_the_base_recomputes_every_opportunity(
    rep, admin, django_capture_on_commit_callbacks
):
    dollars = deal(rep)
    euros = deal(rep, currency="EUR", amount=Decimal("70"))
    assert (stored(dollars.pk), stored(euros.pk)) == (None, Decimal("70.00"))
    with django_capture_on_commit_callbacks(execute=True):
        set_base(Currency.objects.get(code="USD"), actor=admin)
    assert rates.base_currency() == "USD"
    run_queued_tasks()
    assert (stored(dollars.pk), stored(euros.pk)) == (Decimal("1100.00"), None)
    # Rates are now stated per dollar: 0.9 euros per dollar.
    with django_capture_on_commit_callbacks(execute=True):
        add_rate("EUR", EARLY, "0.900000", actor=admin)
    run_queued_tasks()
    assert stored(euros.pk) == Decimal("77.78")  # 70 / 0.9
    assert list(Currency.objects.filter(is_base=True).values_list("code", flat=True)) == ["USD"]


def test_the_nightly_command_moves_open_deals_to_a_rate_whose_day_has_come(
    rep, admin, usd, monkeypatch
):
    tomorrow = rates.today() + timedelta(days=1)
    open_deal = deal(rep)
    closed = deal(rep, sales_stage="Closed Won", date_closed=date(2025, 8, 1))
    add_rate("USD", tomorrow, "1.000000", actor=admin)
    call_command("recompute_base_amounts", verbosity=0)
    assert stored(open_deal.pk) == Decimal("880.00")  # tomorrow's rate is not valid yet
    monkeypatch.setattr(rates, "today", lambda: tomorrow)
    call_command("recompute_base_amounts", verbosity=0)
    assert stored(open_deal.pk) == Decimal("1100.00")
    assert stored(closed.pk) == Decimal("880.00")


def test_recompute_rounds_exactly_as_a_save_does(rep, admin):
    add_rate("GBP", EARLY, "0.857300", actor=admin)
    amounts = ["0.01", "0.02", "1.005", "999999.99", "12345.67", "3.14", "1000000.00", "7.77"]
    made = [deal(rep, currency="GBP", amount=Decimal(a).quantize(Decimal("0.01"))) for a in amounts]
    saved = {r.pk: stored(r.pk) for r in made}
    Opportunity.objects.update(amount_base=None)
    assert recompute(["GBP"]) == len(made)
    assert {r.pk: stored(r.pk) for r in made} == saved
    assert saved[made[0].pk] == Decimal("0.01") and saved[made[1].pk] == Decimal("0.02")


# --- the record page --------------------------------------------------------------------------


def test_the_page_shows_the_base_amount_beside_a_foreign_amount_in_both_languages(
    rep_client, rep, usd
):
    dollars = deal(rep, amount=Decimal("12000"))
    page = rep_client.get(f"/opportunities/{dollars.pk}/").content.decode()
    assert "12,000.00 USD ≈ 9,600.00 EUR" in page
    pounds = deal(rep, currency="GBP")
    assert (
        "(no exchange rate to EUR)"
        in rep_client.get(f"/opportunities/{pounds.pk}/").content.decode()
    )
    euros = deal(rep, currency="EUR")
    assert "≈" not in rep_client.get(f"/opportunities/{euros.pk}/").content.decode()
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    page = rep_client.get(f"/opportunities/{dollars.pk}/").content.decode()
    assert "12.000,00 USD ≈ 9.600,00 EUR" in page
    german = rep_client.get(f"/opportunities/{pounds.pk}/").content.decode()
    assert "(kein Wechselkurs zu EUR)" in german
