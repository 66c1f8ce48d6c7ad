"""The board's figures, cards and filters, against sums computed by hand (conftest.py)."""

import html
import re
from decimal import Decimal

import pytest

from kontor.core.actions import restore_records
from kontor.core.testing import count_queries
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.pipeline import board, figures

pytestmark = pytest.mark.django_db

BOARD = "/opportunities/board/"
MORE = re.compile(r'class="board-more[^"]*" hx-get="([^"]+)"')
CARD_IDS = re.compile(r'class="board-card" tabindex="0" data-id="([^"]+)"')


def heads(response) -> dict:
    """{stage: (count, amount, weighted, without rate)} as the page shows them."""
    assert response.status_code == 200, response.status_code
    return {
        s.key: (
            s.header["shown"].count,
            s.header["shown"].amount,
            s.header["shown"].weighted,
            s.header["shown"].without_rate,
        )
        for s in response.context["columns"]
    }


def test_a_manager_sees_every_stage_summed_in_the_base_currency(rep_client, pipeline):
    found = heads(rep_client.get(BOARD))
    assert found["Prospecting"] == (3, Decimal("2000.00"), Decimal("200.00"), 1)
    assert found["Qualification"] == (1, Decimal("2000.50"), Decimal("400.10"), 0)
    assert found["Closed Won"] == (1, Decimal("3000.00"), Decimal("3000.00"), 0)
    assert found["Closed Lost"] == (0, Decimal("0.00"), Decimal("0.00"), 0)
    total = rep_client.get(BOARD).context["total"]
    # The open pipeline leaves the closed stages out.
    assert (total.count, total.amount, total.weighted, total.without_rate) == (
        4,
        Decimal("4000.50"),
        Decimal("600.10"),
        1,
    )


def test_a_rep_sees_only_the_sums_of_their_own_opportunities(sam_client, pipeline):
    found = heads(sam_client.get(BOARD))
    assert found["Prospecting"] == (2, Decimal("1000.00"), Decimal("100.00"), 1)
    assert found["Qualification"] == (1, Decimal("2000.50"), Decimal("400.10"), 0)
    assert found["Closed Won"][0] == 0
    page = sam_client.get(BOARD).content.decode()
    assert "Wartung" in page and "Lizenzen" not in page


def test_sums_in_a_chosen_currency_are_the_base_sums_at_todays_rate(rep_client, pipeline):
    found = heads(rep_client.get(BOARD, {"currency": "USD"}))
    assert found["Prospecting"] == (3, Decimal("2500.00"), Decimal("250.00"), 1)
    page = rep_client.get(BOARD, {"currency": "USD"}).content.decode()
    assert "2,500.00 USD" in page
    # A currency without a rate today shows no sum at all rather than a wrong one.
    response = rep_client.get(BOARD, {"currency": "GBP"})
    assert heads(response)["Prospecting"][1] is None
    assert "No exchange rate for GBP today." in response.content.decode()


def test_the_trash_is_not_counted_and_a_restored_opportunity_is_again(rep_client, rep, pipeline):
    assert heads(rep_client.get(BOARD))["Prospecting"][0] == 3
    restore_records(Opportunity.with_deleted.filter(pk=pipeline.trashed.pk), actor=rep)
    assert heads(rep_client.get(BOARD))["Prospecting"] == (
        4,
        Decimal("2700.00"),
        Decimal("270.00"),
        1,
    )


def test_weighted_sums_are_rounded_once_per_stage(rep):
    for amount in ("333.33", "333.35"):
        OpportunityFactory(amount=Decimal(amount), sales_stage="Needs Analysis", actor=rep)
    found = figures.by_stage(Opportunity.objects.visible_to(rep, "list"))["Needs Analysis"]
    # (333.33 + 333.35) × 25 / 100 = 166.67 (83.3325 + 83.3375)
    assert (found.amount, found.weighted) == (Decimal("666.68"), Decimal("166.67"))


def test_filters_narrow_the_figures_and_the_cards(rep_client, pipeline):
    mine = heads(rep_client.get(BOARD, {"mine": "on"}))
    assert mine["Prospecting"] == (1, Decimal("1000.00"), Decimal("100.00"), 0)
    searched = rep_client.get(BOARD, {"q": "wartung"})
    assert heads(searched)["Prospecting"][0] == 1
    assert [c.name for c in searched.context["columns"][0].cards] == ["Wartung"]
    owner = heads(rep_client.get(BOARD, {"assigned_user": pipeline.rep.pk}))
    assert owner["Prospecting"][0] == 2 and owner["Closed Won"][0] == 0
    period = {"date_closed_min": "2025-10-01"}
    assert heads(rep_client.get(BOARD, period))["Prospecting"][0] == 0


def test_the_team_filter_keeps_the_opportunities_of_that_team(rep_client, pipeline):
    Team = Opportunity.teams.rel.model  # noqa: N806
    team = Team.objects.create(name="Süd")
    pipeline.usd.teams.add(team)
    assert heads(rep_client.get(BOARD, {"team": team.pk}))["Prospecting"][0] == 1
    page = rep_client.get(BOARD, {"team": "abc"})
    assert "Choose a team from the list." in page.content.decode()
    assert not page.context["selection"].valid


def test_cards_show_account_amount_owner_and_days_in_stage(rep_client, pipeline):
    response = rep_client.get(BOARD)
    card = next(c for c in response.context["columns"][0].cards if c.name == "Wartung")
    assert card.amount_text == "1,250.00 USD"
    assert card.owner_text == "Sam Sales"
    assert card.days_in_stage == 0
    assert card.account_text == str(pipeline.usd.account)
    # Closed stages are folded: their cards load when opened.
    won = next(c for c in response.context["columns"] if c.key == "Closed Won")
    assert won.cards == [] and won.more


def test_a_column_pages_by_keyset_until_every_card_was_shown_once(rep_client, rep):
    for n in range(board.PAGE * 2 + 3):
        OpportunityFactory(name=f"Deal {n:03d}", sales_stage="Prospecting", actor=rep)
    first = rep_client.get(BOARD).context["columns"][0]
    assert len(first.cards) == board.PAGE and first.more
    seen = [str(c.pk) for c in first.cards]
    url = html.unescape(MORE.search(str(first.html)).group(1))
    while url:
        page = rep_client.get(url).content.decode()
        seen += CARD_IDS.findall(page)
        found = MORE.search(page)
        url = html.unescape(found.group(1)) if found else None
    order = Opportunity.objects.order_by("date_closed", "pk").values_list("pk", flat=True)
    assert seen == [str(pk) for pk in order] and len(set(seen)) == board.PAGE * 2 + 3


def test_the_board_costs_a_fixed_number_of_queries(rep_client, rep):
    def measure():
        return count_queries(lambda: rep_client.get(BOARD))[0]

    OpportunityFactory(sales_stage="Prospecting", actor=rep)
    rep_client.get(BOARD)  # the cached dropdowns and rates
    few = measure()
    for stage in ("Prospecting", "Qualification", "Needs Analysis", "Closed Won"):
        for _ in range(8):
            OpportunityFactory(sales_stage=stage, actor=rep)
    # All columns' cards in one query: none per column or card.
    assert measure() == few == 8


def test_a_column_page_costs_a_fixed_number_of_queries(rep_client, rep):
    for _ in range(board.PAGE + 5):
        OpportunityFactory(sales_stage="Prospecting", actor=rep)
    url = "/opportunities/board/column/?stage=Prospecting"
    rep_client.get(url)
    assert count_queries(lambda: rep_client.get(url))[0] == 4


def test_a_user_without_opportunities_gets_404(client, db):
    from kontor.users.actions import create_user

    nobody = create_user("nora", password="pw-nora-123!", roles=[])
    client.force_login(nobody)
    assert client.get(BOARD).status_code == 404
    assert client.get("/opportunities/board/column/?stage=Prospecting").status_code == 404


def test_the_list_page_and_the_board_link_to_each_other_with_the_filters(rep_client, pipeline):
    page = rep_client.get("/opportunities/", {"mine": "on"}).content.decode()
    assert 'href="/opportunities/board/?mine=on"' in page
    board_page = rep_client.get(BOARD, {"mine": "on"}).content.decode()
    assert 'href="/opportunities/?mine=on"' in board_page


def test_the_board_in_german(rep_client, rep, pipeline):
    rep.profile.language = "de"
    rep.profile.save()
    page = rep_client.get(BOARD).content.decode()
    for text in (
        "Pipeline-Board",
        "Akquise",
        "Gewichtet",
        "1 ohne Wechselkurs",
        "Verschieben nach",
    ):
        assert text in page
    assert "2.000,00 EUR" in page


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_cards_amount_reads_as_the_money_filter_writes_it(language):
    from django.utils import translation

    from kontor.pipeline.templatetags.pipeline import money, money_formatter

    with translation.override(language):
        fast = money_formatter()
        for text in ("0", "0.5", "7.00", "999.99", "1000", "1234567.89", "-1250.50", "0.001"):
            value = Decimal(text)
            assert fast(value, "EUR") == money(value, "EUR")
        assert fast(Decimal("1234567.89"), "EUR") == (
            "1.234.567,89 EUR" if language == "de" else "1,234,567.89 EUR"
        )
