"""Administration → Currencies: admins only, currencies and the base, rates with their field
errors, each change in the admin change log; German pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kontor.core.admin_log import AdminChange
from kontor.currencies.models import Currency, ExchangeRate
from kontor.currencies.tests.helpers import add_rate
from kontor.users.actions import update_profile

pytestmark = pytest.mark.django_db

LIST = reverse("currencies:list")


def snapshot():
    return (
        list(Currency.objects.values_list("code", "name", "active", "is_base")),
        list(ExchangeRate.objects.values_list("currency", "valid_from", "rate")),
        AdminChange.objects.count(),
    )


def test_every_page_is_404_to_a_rep_and_changes_nothing(rep_client, admin):
    rate = add_rate("USD", date(2026, 1, 1), "1.1", actor=admin)
    before = snapshot()
    for url in (
        LIST,
        reverse("currencies:create"),
        reverse("currencies:import"),
        reverse("currencies:detail", args=["USD"]),
        reverse("currencies:rate-edit", args=[rate.pk]),
    ):
        assert rep_client.get(url).status_code == 404, url
    posts = {
        reverse("currencies:create"): {"code": "SEK", "name": "Krona", "active": "on"},
        reverse("currencies:detail", args=["USD"]): {"name": "X"},
        reverse("currencies:base", args=["USD"]): {},
        reverse("currencies:rate-add", args=["USD"]): {"valid_from": "2026-02-01", "rate": "2"},
        reverse("currencies:rate-edit", args=[rate.pk]): {"valid_from": "2026-01-01", "rate": "3"},
        reverse("currencies:rate-delete", args=[rate.pk]): {},
    }
    for url, data in posts.items():
        assert rep_client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_the_list_shows_the_base_the_current_rates_and_is_in_the_menu(admin_client, admin):
    add_rate("USD", date(2025, 1, 1), "1.1", actor=admin)
    add_rate("USD", date(2026, 1, 1), "1.085", actor=admin)
    page = admin_client.get(LIST).content.decode()
    assert "Base currency" in page and "1.0850" in page and "no rate yet" in page
    assert LIST in admin_client.get(reverse("admin-index")).content.decode()


def test_an_admin_adds_a_currency_and_it_is_logged(admin_client):
    response = admin_client.post(
        reverse("currencies:create"), {"code": " nzd ", "name": "New Zealand Dollar"}
    )
    assert response.status_code == 302
    assert Currency.objects.filter(code="NZD", name="New Zealand Dollar", active=False).exists()
    entry = AdminChange.objects.get()
    assert (entry.area, entry.target, entry.summary) == ("currency", "NZD", "Currency added")
    again = admin_client.post(reverse("currencies:create"), {"code": "SEK", "name": "Zwei"})
    assert again.status_code == 400
    assert "already exists" in str(again.context["form"].errors["code"])
    assert Currency.objects.get(code="SEK").name == "Swedish Krona"
    bad = admin_client.post(reverse("currencies:create"), {"code": "N1", "name": "X"})
    assert bad.context["form"].errors["code"] == ["Enter a three-letter currency code such as EUR."]
    assert AdminChange.objects.count() == 1


def test_the_base_cannot_be_deactivated(admin_client):
    before = snapshot()
    response = admin_client.post(
        reverse("currencies:detail", args=["EUR"]), {"name": "Euro", "symbol": "€"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["active"] == ["The base currency cannot be deactivated."]
    assert snapshot() == before


def test_rates_are_added_edited_and_deleted_each_logged(admin_client):
    add = reverse("currencies:rate-add", args=["USD"])
    response = admin_client.post(add, {"valid_from": "2026-01-01", "rate": "1.0850"})
    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.currency_id, rate.valid_from, rate.rate) == (
        "USD",
        date(2026, 1, 1),
        Decimal("1.085"),
    )
    edit = reverse("currencies:rate-edit", args=[rate.pk])
    assert admin_client.post(edit, {"valid_from": "2026-01-02", "rate": "1.09"}).status_code == 302
    rate.refresh_from_db()
    assert (rate.valid_from, rate.rate) == (date(2026, 1, 2), Decimal("1.09"))
    delete = reverse("currencies:rate-delete", args=[rate.pk])
    assert admin_client.post(delete).status_code == 302
    assert not ExchangeRate.objects.exists()
    assert list(AdminChange.objects.order_by("id").values_list("summary", flat=True)) == [
        "Exchange rate added",
        "Exchange rate changed",
        "Exchange rate deleted",
    ]


@pytest.mark.parametrize(
    ("code", "data", "field", "message"),
    [
        (
            "USD",
            {"valid_from": "2026-01-01", "rate": "0"},
            "rate",
            "The rate must be greater than zero.",
        ),
        (
            "USD",
            {"valid_from": "2026-01-01", "rate": "-1"},
            "rate",
            "The rate must be greater than zero.",
        ),
        ("USD", {"valid_from": "2026-01-01", "rate": "zwölf"}, "rate", "Enter a number."),
        ("USD", {"valid_from": "2026-02-30", "rate": "1"}, "valid_from", "Enter a valid date."),
        (
            "USD",
            {"valid_from": "2025-06-01", "rate": "1.2"},
            "valid_from",
            "USD already has a rate valid from this day.",
        ),
        (
            "SEK",
            {"valid_from": "2026-01-01", "rate": "11"},
            "currency",
            "SEK is not an active currency.",
        ),
        (
            "EUR",
            {"valid_from": "2026-01-01", "rate": "1"},
            "currency",
            "EUR is the base currency: its rate is always 1.",
        ),
    ],
)
def test_an_invalid_rate_gets_its_error_and_changes_nothing(
    admin_client, admin, code, data, field, message
):
    add_rate("USD", date(2025, 6, 1), "1.1", actor=admin)
    before = snapshot()
    response = admin_client.post(reverse("currencies:rate-add", args=[code]), data)
    assert response.status_code == 400
    form = response.context["rate_form"]
    errors = form.errors.get(field) or form.non_field_errors()
    assert message in errors
    assert snapshot() == before


def test_the_base_change_is_refused_while_rates_exist_then_done(admin_client, admin):
    rate = add_rate("USD", date(2026, 1, 1), "1.1", actor=admin)
    before = snapshot()
    base = reverse("currencies:base", args=["USD"])
    response = admin_client.post(base, follow=True)
    assert "only be changed while no exchange rates are entered" in response.content.decode()
    assert snapshot() == before
    admin_client.post(reverse("currencies:rate-delete", args=[rate.pk]))
    admin_client.post(base)
    assert list(Currency.objects.filter(is_base=True).values_list("code", flat=True)) == ["USD"]
    assert AdminChange.objects.filter(summary="Base currency changed", target="USD").exists()


def test_the_german_pages(admin_client, admin):
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    add_rate("USD", date(2026, 1, 1), "1.085", actor=admin)
    page = admin_client.get(LIST).content.decode()
    assert "Währungen" in page and "Basiswährung" in page and "1,0850" in page
    detail = admin_client.get(reverse("currencies:detail", args=["USD"])).content.decode()
    assert "Wechselkurse" in detail and "01.01.2026" in detail
    response = admin_client.post(
        reverse("currencies:rate-add", args=["USD"]), {"valid_from": "2026-03-01", "rate": "0"}
    )
    assert "Der Kurs muss größer als null sein." in response.content.decode()
    ok = admin_client.post(
        reverse("currencies:rate-add", args=["USD"]), {"valid_from": "2026-03-01", "rate": "1,0925"}
    )
    assert ok.status_code == 302
    assert ExchangeRate.objects.filter(valid_from=date(2026, 3, 1), rate=Decimal("1.0925")).exists()
