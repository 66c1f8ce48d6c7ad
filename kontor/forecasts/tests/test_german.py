"""The forecast and the Quotas page in German: words, numbers and errors."""

import pytest

from kontor.forecasts.models import Quota
from kontor.forecasts.tests.conftest import client_of
from kontor.users.actions import update_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia_de(client, quarter):
    update_profile(quarter.mia, language="de", time_zone="Europe/Berlin", actor=quarter.mia)
    return client_of(client, quarter.mia)


def test_the_forecast_speaks_german(mia_de, quarter):
    page = mia_de.get(
        "/forecast/", {"period": "quarter", "from": "2027-Q1", "to": "2027-Q1", "scope": "all"}
    ).content.decode()
    for word in (
        "Prognose",
        "Offene Pipeline",
        "Gewichtet",
        "Bester Fall",
        "Zugesagt",
        "Gewonnen",
        "Vorgabe",
        "Zielerreichung",
        "Fehlbetrag",
        "Zwischensumme Nord",
        "Alle, die ich sehen darf",
        "Q1 2027",
        "Basiswährung",
    ):
        assert word in page, word
    assert "9.400,00" in page and "75,0 %" in page
    for english in ("Open pipeline", "Attainment", "Best case", "Subtotal", "Quota"):
        assert english not in page, english


def test_the_quotas_page_refuses_in_german(mia_de, quarter):
    url = "/forecast/quotas/?period=month&from=2027-01&to=2027-03"
    page = mia_de.get(url).content.decode()
    assert "Vorgaben speichern" in page and "Januar 2027" in page
    assert '<nav aria-label="Brotkrumennavigation">' in page
    before = stored()
    assert len(before) == 4
    # One good cell beside the refused one: the refusal keeps it from being saved too.
    response = mia_de.post(
        url, {f"q-{quarter.sam.pk}-2027-01": "-1", f"q-{quarter.sam.pk}-2027-02": "5000"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Eine Vorgabe kann nicht negativ sein." in text
    assert "Nichts wurde gespeichert" in text
    assert stored() == before


def test_a_period_outside_the_years_offered_is_refused_in_german(mia_de):
    response = mia_de.get("/forecast/", {"period": "month", "to": "9999-12"})
    assert response.status_code == 400
    assert "Geben Sie einen Zeitraum von 1900 bis 2999 ein." in response.content.decode()
    quotas = mia_de.get("/forecast/quotas/", {"period": "quarter", "to": "9999-Q4"})
    assert "Geben Sie einen Zeitraum von 1900 bis 2999 ein." in quotas.content.decode()


def stored() -> dict:
    """Every stored quota: (user, kind, first day) → amount."""
    return {
        (q.user_id, q.period_kind, q.period_start): q.amount for q in Quota.objects.order_by("pk")
    }
