"""The forecast page: its figures, its drills into the opportunities list, its scopes, its
query count, and who may open it."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from kontor.core.testing import count_queries
from kontor.forecasts.tests.conftest import client_of

pytestmark = pytest.mark.django_db
PAGE = "/forecast/"
MONTHS = {"period": "month", "from": "2027-01", "to": "2027-03"}


def figure(response, table: int, row: str, name: str):
    """The figure `name` of `row` in the page's table number `table` (0: the first period)."""
    found = response.context["tables"][table]
    line = next(li for li in found["lines"] if li.get("label") == row)
    return next(f for f in line["figures"] if f.name == name)


def listed(client, url: str) -> list[str]:
    """The names of the opportunities the list at `url` shows."""
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["filterset"].errors
    return sorted(row.name for row in response.context["page"].rows)


def test_every_figure_drills_into_exactly_its_opportunities(client, quarter):
    sam = client_of(client, quarter.sam)
    response = sam.get(PAGE, MONTHS)
    assert response.status_code == 200
    cases = {
        (0, "open"): ["S1", "S6"],
        (0, "best_case"): ["S6"],
        (1, "open"): ["S2", "S3", "S8"],
        (1, "commit"): ["S2"],
        (2, "open"): ["S9"],
        (2, "won"): ["S4"],
        (3, "open"): ["S1", "S2", "S3", "S6", "S8", "S9"],
        (3, "commit"): ["S2", "S9"],
    }
    for (table, name), names in cases.items():
        url = figure(response, table, "Sam Schulz", name).url
        assert url and listed(sam, url) == names, (table, name, url)
    # A figure without opportunities has nothing to show.
    assert figure(response, 0, "Sam Schulz", "won").url is None


def test_the_drill_keeps_the_omitted_and_lost_out(client, quarter, admin):
    viewer = client_of(client, admin)
    response = viewer.get(PAGE, {**MONTHS, "scope": f"user:{quarter.sam.pk}"})
    march_open = figure(response, 2, "Sam Schulz", "open")
    # S5 (Negotiation, omitted) shares its stage with S9: the drill names the categories too.
    assert "forecast_category=commit" in march_open.url
    assert listed(viewer, march_open.url) == ["S9"]


def test_the_page_shows_the_figures_in_the_viewers_formats(client, quarter):
    page = client_of(client, quarter.sam).get(PAGE, MONTHS).content.decode()
    assert "9,400.00" in page and "5,030.00" in page and "75.0 %" in page
    assert "1 opportunity has no amount in the base currency" in unescape(page)


def test_a_team_subtotal_and_the_total_drill_into_all_their_members(client, quarter, admin):
    viewer = client_of(client, admin)
    response = viewer.get(
        PAGE, {"period": "quarter", "from": "2027-Q1", "to": "2027-Q1", "scope": "all"}
    )
    total = figure(response, 0, "Total", "won")
    assert total.value == 13000
    assert listed(viewer, total.url) == ["S4", "T1"]
    assert figure(response, 0, "Subtotal Süd", "attainment").value == 50


def test_query_count_does_not_grow_with_people_or_opportunities(client, quarter, admin):
    from kontor.opportunities.tests.factories import OpportunityFactory
    from kontor.users.actions import create_user

    viewer = client_of(client, admin)
    params = {**MONTHS, "scope": "all"}
    viewer.get(PAGE, params)
    first, _response = count_queries(lambda: viewer.get(PAGE, params))
    for n in range(3):
        user = create_user(
            f"extra{n}", password="pw-extra-123!", roles=["sales_rep"], teams=[quarter.sued]
        )
        OpportunityFactory(
            name=f"X{n}",
            assigned_user=user,
            actor=user,
            date_closed=quarter.deals["T1"].date_closed,
        )
    second, response = count_queries(lambda: viewer.get(PAGE, params))
    assert second == first == 8
    assert len(response.context["forecast"].sections[1].lines) == 4


def test_people_who_may_not_list_opportunities_get_404(client, quarter):
    outsider = get_user_model().objects.create_user("out", password="pw-out-123!")
    from kontor.users.models import Profile

    Profile.objects.create(user=outsider)
    assert client_of(client, outsider).get(PAGE).status_code == 404


def test_a_scope_the_viewer_may_not_choose_is_refused(client, quarter):
    sam = client_of(client, quarter.sam)
    response = sam.get(PAGE, {"scope": f"team:{quarter.sued.pk}"})
    assert response.status_code == 400 and response.context["forecast"] is None
    assert sam.get(PAGE, {"scope": f"team:{quarter.nord.pk}"}).status_code == 200


def test_a_range_too_long_or_backwards_is_refused(client, quarter):
    sam = client_of(client, quarter.sam)
    response = sam.get(PAGE, {"period": "month", "from": "2027-03", "to": "2027-01"})
    assert response.status_code == 400
    assert "Choose a last period after the first." in response.content.decode()
    response = sam.get(PAGE, {"period": "month", "from": "2027-01", "to": "2028-03"})
    assert response.status_code == 400


OUTSIDE = "Enter a period from 1900 to 2999."


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "quarter", "from": "9999-Q4", "to": "9999-Q4"}, "start"),
        ({"period": "month", "to": "9999-12"}, "end"),
        ({"period": "month", "from": "0001-01", "to": "0001-02"}, "start"),
        ({"period": "month", "from": "1899-12", "to": "3000-01"}, "end"),
    ],
)
def test_a_period_outside_the_years_offered_is_refused_on_its_field(client, quarter, params, field):
    response = client_of(client, quarter.sam).get(PAGE, params)
    assert response.status_code == 400
    assert response.context["forecast"] is None
    assert response.context["form"].errors[field] == [OUTSIDE]
    assert OUTSIDE in response.content.decode()


def test_the_range_selects_offer_a_bounded_list_however_far_the_range(client, quarter):
    from django.utils import timezone

    from kontor.forecasts.periods import start_of

    sam = client_of(client, quarter.sam)
    today = f"{start_of('month', timezone.localdate()):%Y-%m}"
    for params in (
        {"period": "month", "from": "0001-01", "to": "0001-02"},
        {"period": "month", "from": "1900-01", "to": "2999-12"},
        {"period": "quarter", "from": "1900-Q1", "to": "2999-Q4"},
    ):
        response = sam.get(PAGE, params)
        assert response.status_code == 400
        for name in ("start", "end"):
            keys = [key for key, _label in response.context["form"].fields[name].choices]
            assert len(keys) <= 60, (params, len(keys))
            assert keys == sorted(set(keys))
        assert len(response.content) < 200_000
    far = sam.get(PAGE, {"period": "month", "from": "1900-01", "to": "1900-03"})
    assert far.status_code == 200
    assert [p.key for p in far.context["forecast"].periods] == ["1900-01", "1900-02", "1900-03"]
    keys = [key for key, _label in far.context["form"].fields["start"].choices]
    assert keys[0] == "1900-01" and {"1900-11", today} <= set(keys) and len(keys) <= 60
    last = sam.get(PAGE, {"period": "quarter", "from": "2999-Q3", "to": "2999-Q4"})
    assert last.status_code == 200
    assert last.context["forecast"].periods[-1].end.isoformat() == "2999-12-31"
    keys = [key for key, _label in last.context["form"].fields["end"].choices]
    assert keys[-1] == "2999-Q4"


def test_the_default_range_is_this_quarters_months(client, quarter):
    from django.utils import timezone

    from kontor.forecasts.periods import start_of

    response = client_of(client, quarter.sam).get(PAGE)
    periods = response.context["forecast"].periods
    assert [p.start.month for p in periods][0] == start_of("quarter", timezone.localdate()).month
    assert len(periods) == 3
    quarters = client_of(client, quarter.sam).get(PAGE, {"period": "quarter"})
    assert len(quarters.context["forecast"].periods) == 4


def test_the_opportunities_list_links_to_the_forecast(client, quarter):
    page = client_of(client, quarter.sam).get("/opportunities/").content.decode()
    assert re.search(r'href="/forecast/"[^>]*id="forecast-link"', page)
