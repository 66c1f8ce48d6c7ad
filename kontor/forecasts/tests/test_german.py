"""The forecast and the Quotas page in German: words, numbers and errors."""

import pytest

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
    response = mia_de.post(url, {f"q-{quarter.sam.pk}-2027-01": "-1"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Eine Vorgabe kann nicht negativ sein." in text
    assert "Nichts wurde gespeichert" in text
