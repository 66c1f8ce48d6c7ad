"""Minimal valid bodies of every record type, for the declarative API tests."""

from datetime import date

from django.contrib.contenttypes.models import ContentType

from kontor.accounts.models import Account
from kontor.core.actions import save_record


def body_for(slug: str, actor) -> dict:
    """A valid POST body of `slug` (creating the account an opportunity needs)."""
    people = {"last_name": "Schmidt", "first_name": "Anna", "email1": f"anna-{slug}@web.de"}
    if slug in ("targets", "leads", "contacts"):
        return people
    if slug == "accounts":
        return {"name": "Müller GmbH"}
    if slug == "opportunities":
        account = save_record(Account(name="Käufer AG"), actor=actor)
        return {
            "name": "Lizenzen",
            "amount": "1200.00",
            "date_closed": str(date(2027, 3, 1)),
            "sales_stage": "Prospecting",
            "account": str(account.pk),
        }
    if slug in ("calls", "meetings"):
        return {
            "name": "Erstgespräch",
            "date_start": "2026-12-01T10:00:00+01:00",
            "duration_minutes": 30,
        }
    return {"name": "Angebot schicken"}


def parent_of(record) -> dict:
    return {"parent_type": ContentType.objects.get_for_model(record), "parent_id": record.pk}
