"""The pipeline board and the saved views of opportunities: the bare board opens the viewer's
default view as the bare list does, "All" stays reachable, and the tabs and the default cost one
query together."""

import pytest

from kontor.core.testing import count_queries
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.savedviews import actions

pytestmark = pytest.mark.django_db

BOARD = "/opportunities/board/"


@pytest.fixture
def deals(rolf, otto):
    return {
        "early": OpportunityFactory(name="Früh", sales_stage="Prospecting", actor=rolf),
        "later": OpportunityFactory(name="Später", sales_stage="Qualification", actor=rolf),
        "otto": OpportunityFactory(name="Ottos", sales_stage="Prospecting", actor=otto),
    }


def prospecting(rolf, name="Akquise", share="private", team=None):
    return actions.create_view(
        "opportunities",
        name=name,
        query="sales_stage=Prospecting&sort=-amount",
        columns=[],
        share=share,
        team=team,
        actor=rolf,
    )


def card_names(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return {card.name for stage in response.context["columns"] for card in stage.cards}


def test_the_bare_board_opens_the_default_view_as_the_list_does(client, rolf, deals):
    view = prospecting(rolf)
    client.force_login(rolf)
    assert card_names(client.get(BOARD)) == {"Früh", "Später", "Ottos"}  # no default yet

    actions.set_default(view, "opportunities", actor=rolf)
    response = client.get(BOARD)
    # The board's address of the view: its filters, no sort (cards go by close date).
    assert response.status_code == 302
    assert response.url == f"{BOARD}?sales_stage=Prospecting&view={view.pk}"
    # The list opens the same view: one rule for both.
    assert client.get("/opportunities/").url.startswith(f"/opportunities/?view={view.pk}&")
    opened = client.get(response.url)
    assert card_names(opened) == {"Früh", "Ottos"}
    tabs = opened.context["tabs"]
    assert [(t["name"], t["active"]) for t in tabs] == [(None, False), ("Akquise", True)]

    # "All" is `view=all`, which the bare address would not be: every opportunity again.
    assert tabs[0]["url"] == f"{BOARD}?view=all"
    everything = client.get(tabs[0]["url"])
    assert card_names(everything) == {"Früh", "Später", "Ottos"}
    assert everything.context["tabs"][0]["active"]
    # Any query is the board's own: a search or a filter is not sent to the default view.
    assert client.get(f"{BOARD}?q=sp").status_code == 200
    assert client.get(f"{BOARD}?currency=EUR").status_code == 200

    actions.set_default(None, "opportunities", actor=rolf)
    assert client.get(BOARD).status_code == 200


def test_another_users_default_is_not_mine(client, rolf, otto, deals):
    """A view shared with everyone that its owner made their default opens for them, not for
    the others who see it (until they choose it themselves)."""
    view = prospecting(rolf, "Für alle", share="everyone")
    actions.set_default(view, "opportunities", actor=rolf)
    client.force_login(otto)
    response = client.get(BOARD)
    assert response.status_code == 200
    assert [t["name"] for t in response.context["tabs"]] == [None, "Für alle"]
    actions.set_default(view, "opportunities", actor=otto)
    assert client.get(BOARD).url == f"{BOARD}?sales_stage=Prospecting&view={view.pk}"


def test_the_default_and_the_tabs_cost_one_query_together(client, rolf, deals):
    """The redirect reads the views once; the board it opens reads them once for its tabs, as
    a board without a default does (its pinned 8 queries)."""
    view = prospecting(rolf)
    client.force_login(rolf)
    client.get(BOARD)  # the cached dropdowns and rates
    without_default = count_queries(lambda: client.get(BOARD))[0]
    actions.set_default(view, "opportunities", actor=rolf)
    queries, redirect = count_queries(lambda: client.get(BOARD))
    # Session, user, roles, the views: what the list's redirect to the same view costs.
    assert redirect.status_code == 302 and queries == 4
    assert count_queries(lambda: client.get("/opportunities/"))[0] == 4
    opened = count_queries(lambda: client.get(f"{BOARD}?sales_stage=Prospecting&view={view.pk}"))
    assert opened[0] == without_default == 8
