"""EUR becomes the base currency, the currencies users may choose as their default are added
(the four most used active, the others ready to activate), and existing opportunities get
their base amount: an amount in the base currency is its own base amount; the others have no
rate yet, so they stay empty until an admin enters one (which recomputes them)."""

from django.db import migrations
from django.db.models import F

CURRENCIES = (
    # code, name, symbol, active
    ("EUR", "Euro", "€", True),
    ("USD", "US Dollar", "$", True),
    ("GBP", "Pound Sterling", "£", True),
    ("CHF", "Swiss Franc", "CHF", True),
    ("AUD", "Australian Dollar", "A$", False),
    ("CAD", "Canadian Dollar", "C$", False),
    ("CNY", "Renminbi", "¥", False),
    ("CZK", "Czech Koruna", "Kč", False),
    ("DKK", "Danish Krone", "kr.", False),
    ("HUF", "Forint", "Ft", False),
    ("JPY", "Yen", "¥", False),
    ("NOK", "Norwegian Krone", "kr", False),
    ("PLN", "Złoty", "zł", False),
    ("SEK", "Swedish Krona", "kr", False),
)


def forward(apps, schema_editor):
    Currency = apps.get_model("currencies", "Currency")
    Opportunity = apps.get_model("opportunities", "Opportunity")
    for code, name, symbol, active in CURRENCIES:
        Currency.objects.get_or_create(
            code=code,
            defaults={"name": name, "symbol": symbol, "active": active, "is_base": code == "EUR"},
        )
    Opportunity.objects.filter(currency="EUR", amount_base__isnull=True).update(
        amount_base=F("amount")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("currencies", "0001_initial"),
        ("opportunities", "0008_fill_stage_and_forecast"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
