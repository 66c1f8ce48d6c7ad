"""The import of a rate file: German and English formats, all or nothing, every bad line
reported with its reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kontor.core.admin_log import AdminChange
from kontor.currencies.models import ExchangeRate
from kontor.currencies.tests.helpers import add_rate
from kontor.users.actions import update_profile

pytestmark = pytest.mark.django_db

IMPORT = reverse("currencies:import")


def post(client, text: str, fmt: str, name="rates.csv"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(IMPORT, {"file": upload, "number_format": fmt})


def stored():
    return sorted(ExchangeRate.objects.values_list("currency", "valid_from", "rate"))


def test_a_german_file_is_imported_whole(admin_client):
    text = (
        "Code;Gültig ab;Kurs\n"
        "USD;01.01.2026;1,0850\n"
        "gbp;2026-01-01;0,842\n"
        "\n"
        "CHF;15.01.2026;0,9412\n"
    )
    response = post(admin_client, text, "de")
    assert response.status_code == 302, response.content.decode()
    assert stored() == [
        ("CHF", date(2026, 1, 15), Decimal("0.9412")),
        ("GBP", date(2026, 1, 1), Decimal("0.842")),
        ("USD", date(2026, 1, 1), Decimal("1.085")),
    ]
    entry = AdminChange.objects.get()
    assert entry.summary == "Exchange rates imported"
    assert entry.detail == {"file": "rates.csv", "rates": 3, "currencies": ["CHF", "GBP", "USD"]}


def test_an_english_file_skips_rates_it_repeats(admin_client, admin):
    add_rate("USD", date(2026, 1, 1), "1.085", actor=admin)
    text = 'code,valid_from,rate\nUSD,01/01/2026,1.0850\nUSD,02/01/2026,"1,234.5"\n'
    response = post(admin_client, text, "en")
    assert response.status_code == 302
    assert stored()[-1] == ("USD", date(2026, 2, 1), Decimal("1234.5"))
    follow = admin_client.get(response.url).content.decode()
    assert "Imported 1 rate. 1 was stored already." in follow


def test_a_file_with_bad_lines_saves_nothing_and_names_each(admin_client, admin):
    add_rate("USD", date(2025, 1, 1), "1.1", actor=admin)
    before, entries = stored(), AdminChange.objects.count()
    text = (
        "code;valid_from;rate\n"
        "USD;01.01.2026;1,08\n"  # good
        "XYZ;01.01.2026;1\n"  # unknown
        "SEK;01.01.2026;11\n"  # inactive
        "USD;32.01.2026;1\n"  # no date
        "USD;02.01.2026;0\n"  # not positive
        "USD;03.01.2026;abc\n"  # no number
        "USD;01.01.2025;1,2\n"  # another rate on a stored day
        "USD;01.01.2026;1,09\n"  # twice in the file
        "EUR;01.01.2026;1\n"  # the base
        "USD;04.01.2026;1,1234567\n"  # too many decimals
    )
    response = post(admin_client, text, "de")
    assert response.status_code == 400
    problems = dict(response.context["problems"])
    assert problems == {
        3: "“XYZ” is not a known currency.",
        4: "SEK is not an active currency.",
        5: "“32.01.2026” is not a valid date.",
        6: "The rate must be greater than zero.",
        7: "“abc” is not a number in the format 1.234,56.",
        8: "USD already has a rate valid from this day.",
        9: "USD has another rate valid from this day in line 2.",
        10: "EUR is the base currency: its rate is always 1.",
        11: "Ensure that there are no more than 6 decimal places.",
    }
    assert "9 lines cannot be imported. No rate was saved." in response.content.decode()
    assert (stored(), AdminChange.objects.count()) == (before, entries)


def test_a_file_without_the_columns_is_refused_on_the_file_field(admin_client):
    response = post(admin_client, "Währung;Datum\nUSD;01.01.2026\n", "de")
    assert response.status_code == 400
    assert "missing: rate" in str(response.context["form"].errors["file"])
    assert not ExchangeRate.objects.exists()


def test_the_import_page_in_german(admin_client, admin):
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    page = admin_client.get(IMPORT).content.decode()
    assert "Kurse importieren" in page
    response = post(admin_client, "code;valid_from;rate\nUSD;01.01.2026;-1\n", "de")
    body = response.content.decode()
    assert "1 Zeile kann nicht importiert werden. Es wurde kein Kurs gespeichert." in body
    assert "Der Kurs muss größer als null sein." in body
    assert not ExchangeRate.objects.exists()
