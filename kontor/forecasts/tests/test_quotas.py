"""The Quotas page: who keeps whose quotas, all-or-nothing saves, translated errors, the log."""

import datetime
from decimal import Decimal

import pytest

from kontor.core.admin_log import AdminChange
from kontor.forecasts.models import Quota
from kontor.forecasts.tests.conftest import client_of

pytestmark = pytest.mark.django_db
PAGE = "/forecast/quotas/?period=month&from=2027-01&to=2027-03"
D = datetime.date


def stored() -> dict:
    return {
        (q.user.username, q.period_kind, q.period_start): q.amount
        for q in Quota.objects.select_related("user")
    }


def test_a_manager_keeps_the_quotas_of_their_teams_members(client, quarter):
    mia = client_of(client, quarter.mia)
    page = mia.get(PAGE)
    assert page.status_code == 200
    names = [row["name"] for row in page.context["rows"]]
    assert names == ["Mia Meyer", "Sam Schulz"]  # Tom is in Süd, not Mia's team
    before = stored()
    response = mia.post(
        PAGE, {f"q-{quarter.sam.pk}-2027-02": "1500", f"q-{quarter.mia.pk}-2027-01": ""}
    )
    assert response.status_code == 302
    after = stored()
    assert after[("sam", "month", D(2027, 2, 1))] == Decimal("1500.00")
    assert {k: v for k, v in after.items() if k != ("sam", "month", D(2027, 2, 1))} == {
        k: v for k, v in before.items() if k != ("sam", "month", D(2027, 2, 1))
    }
    entry = AdminChange.objects.get(area="quota")
    assert entry.actor == quarter.mia
    assert entry.detail == {
        "changes": [{"user": "sam", "period": "2027-02", "old": "1000.00", "new": "1500.00"}]
    }


def test_an_empty_cell_removes_the_quota(client, quarter, admin):
    client_of(client, admin).post(PAGE, {f"q-{quarter.sam.pk}-2027-03": ""})
    assert ("sam", "month", D(2027, 3, 1)) not in stored()


def test_bad_cells_are_refused_with_translated_errors_and_nothing_changes(client, quarter):
    mia = client_of(client, quarter.mia)
    mia.cookies["django_language"] = "de"
    before = stored()
    response = mia.post(
        PAGE,
        {
            f"q-{quarter.sam.pk}-2027-01": "2000",  # fine, but the others are not
            f"q-{quarter.sam.pk}-2027-02": "-5",
            f"q-{quarter.sam.pk}-2027-03": "viel",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert stored() == before
    assert not AdminChange.objects.filter(area="quota").exists()
    errors = response.context["errors"]
    assert set(errors) == {f"q-{quarter.sam.pk}-2027-02", f"q-{quarter.sam.pk}-2027-03"}


def test_german_numbers_are_read_in_the_users_format(client, quarter, admin):
    from kontor.users.actions import update_profile

    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    viewer = client_of(client, admin)
    viewer.post(PAGE, {f"q-{quarter.tom.pk}-2027-01": "12500,50"})
    assert stored()[("tom", "month", D(2027, 1, 1))] == Decimal("12500.50")
    assert 'value="12500,50"' in viewer.get(PAGE).content.decode()


def test_a_user_outside_the_managers_teams_is_refused(client, quarter):
    mia = client_of(client, quarter.mia)
    before = stored()
    response = mia.post(PAGE, {f"q-{quarter.tom.pk}-2027-01": "500"})
    # Tom's cell is not on Mia's page: a forged cell is not read, nothing changes.
    assert response.status_code == 302
    assert stored() == before


def test_the_action_refuses_users_outside_the_teams_and_reps(quarter):
    from django.core.exceptions import PermissionDenied, ValidationError

    from kontor.forecasts.actions import save_quotas
    from kontor.forecasts.periods import MONTH, Period

    before = stored()
    january = Period(MONTH, D(2027, 1, 1))
    with pytest.raises(ValidationError) as refused:
        save_quotas(
            {(quarter.tom.pk, january): Decimal("5"), (quarter.sam.pk, january): Decimal("9")},
            actor=quarter.mia,
        )
    assert refused.value.message_dict == {
        f"q-{quarter.tom.pk}-2027-01": ["You do not keep the quotas of this user."]
    }
    with pytest.raises(PermissionDenied):
        save_quotas({(quarter.sam.pk, january): Decimal("9")}, actor=quarter.sam)
    assert stored() == before


def test_reps_get_404_and_change_nothing(client, quarter):
    sam = client_of(client, quarter.sam)
    before = stored()
    assert sam.get(PAGE).status_code == 404
    assert sam.post(PAGE, {f"q-{quarter.sam.pk}-2027-01": "99999"}).status_code == 404
    assert stored() == before


@pytest.mark.parametrize(
    ("query", "field"),
    [("period=quarter&to=9999-Q4", "end"), ("period=month&from=0001-01&to=0001-02", "start")],
)
def test_a_period_outside_the_years_offered_is_refused_and_nothing_is_saved(
    client, quarter, admin, query, field
):
    viewer = client_of(client, admin)
    url = f"/forecast/quotas/?{query}"
    response = viewer.get(url)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == ["Enter a period from 1900 to 2999."]
    assert response.context["rows"] == []
    assert 'id="quota-grid"' not in response.content.decode()
    before = stored()
    response = viewer.post(url, {f"q-{quarter.sam.pk}-2027-01": "99999"})
    assert response.status_code == 400
    assert stored() == before


def test_a_backward_range_shows_its_error_not_another_range(client, quarter, admin):
    response = client_of(client, admin).get("/forecast/quotas/?from=2027-03&to=2027-01")
    assert response.status_code == 400
    assert response.context["form"].errors["end"] == ["Choose a last period after the first."]
    assert response.context["rows"] == []


def test_attainment_follows_a_new_quota(client, quarter, admin):
    viewer = client_of(client, admin)
    forecast = {
        "period": "month",
        "from": "2027-03",
        "to": "2027-03",
        "scope": f"user:{quarter.sam.pk}",
    }
    response = viewer.get("/forecast/", forecast)
    assert "150.0 %" in response.content.decode()
    viewer.post(PAGE, {f"q-{quarter.sam.pk}-2027-03": "6000"})
    assert "50.0 %" in viewer.get("/forecast/", forecast).content.decode()
