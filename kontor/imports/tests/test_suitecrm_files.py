"""The five real SuiteCRM 7 exports import out of the box, in the order a migration takes:
accounts, contacts, leads, opportunities, targets; every refused row carries its reason."""

from decimal import Decimal

import pytest

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.imports import actions
from kontor.imports.models import ImportRow
from kontor.imports.tests.helpers import run, upload
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target

pytestmark = pytest.mark.django_db


def import_file(name, model, actor, **options):
    batch = actions.create_batch(upload(name), model=model, actor=actor)
    assert batch.source == {"kind": "csv", "encoding": "utf-8", "delimiter": ","}
    assert batch.options["number_format"] == "en"
    return run(batch, actor=actor, **options)


def problems(batch) -> dict:
    return dict(
        ImportRow.objects.filter(batch=batch, outcome__in=["failed", "duplicate"]).values_list(
            "row", "message"
        )
    )


def test_a_whole_suitecrm_migration(admin):
    accounts = import_file("Accounts.csv", Account, admin)
    assert (accounts.created_count, problems(accounts)) == (25, {})
    quoted = Account.objects.get(name='The "Quoted" Company Ltd')
    assert "\n" in quoted.description and ";" in quoted.description

    contacts = import_file("Contacts.csv", Contact, admin)
    assert (contacts.created_count, problems(contacts)) == (40, {})
    assert Contact.objects.filter(account__isnull=False).count() == 33
    juergen = Contact.objects.get(last_name="Müller", first_name="Jürgen")
    assert juergen.account.name == "Müller Bau GmbH"

    leads = import_file("Leads.csv", Lead, admin)
    refused = problems(leads)
    assert leads.created_count == 60 - len(refused)
    assert sum("Already exists" in m or "Duplicate of row" in m for m in refused.values()) == 1
    assert sum("Only converting" in m for m in refused.values()) == 3
    lead = Lead.objects.get(phone_work="+49 221 4711-23")  # the guard apostrophe is gone
    assert lead.lead_source and lead.status

    opportunities = import_file("Opportunities.csv", Opportunity, admin)
    assert (opportunities.created_count, problems(opportunities)) == (20, {})
    assert Opportunity.objects.filter(sales_stage="Id. Decision Makers").exists()
    assert Opportunity.objects.filter(amount=Decimal("23500.75")).exists()

    targets = import_file("Prospects.csv", Target, admin)
    assert (targets.created_count, problems(targets)) == (30, {})
    assert (
        Target.objects.filter(
            lawful_basis="legitimate_interest", lawful_basis_source="third_party"
        ).count()
        == 10
    )
