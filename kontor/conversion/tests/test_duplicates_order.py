"""Which of several similar accounts the lead conversion proposes first (docs/domain.md §5):
within one kind of match the exact name, then the most history, then the newest."""

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Call
from kontor.activities.tests.factories import CallFactory, NoteFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.duplicates import similar_accounts
from kontor.conversion.tests.pages import convert_url
from kontor.core.actions import delete_records
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def company(rep, name, **fields):
    return AccountFactory(actor=rep, name=name, email1="", website="", **fields)


def on(account) -> dict:
    return {"parent_type": ContentType.objects.get_for_model(Account), "parent_id": account.pk}


def give_history(rep, account, calls=1) -> None:
    ContactFactory(actor=rep, account=account, email1="", phone_work="")
    OpportunityFactory(actor=rep, account=account)
    for _ in range(calls):
        CallFactory(actor=rep, **on(account))


def test_the_account_with_history_is_pre_selected_over_a_newer_namesake(rep_client, rep):
    old = company(rep, "Grow-Fast Inc")
    give_history(rep, old)
    NoteFactory(actor=rep, contact=None, **on(old))
    new = company(rep, "Grow-Fast Inc.")  # entered later, nothing linked
    lead = LeadFactory(actor=rep, account_name="Grow-Fast", email1="")
    assert similar_accounts(lead, rep) == [old, new]
    conversion = rep_client.get(convert_url(lead)).context["conversion"]
    assert conversion.account["choice"].value() == str(old.pk)


def test_the_exact_name_comes_before_more_history(rep):
    busy = company(rep, "Grow-Fast Inc")
    give_history(rep, busy, calls=3)
    exact = company(rep, "Grow-Fast Inc.")
    lead = LeadFactory(actor=rep, account_name=" grow-fast inc. ", email1="")
    assert similar_accounts(lead, rep) == [exact, busy]


def test_more_history_wins_and_records_in_the_trash_do_not_count(rep):
    one = company(rep, "Grow-Fast GmbH")
    give_history(rep, one, calls=1)
    two = company(rep, "Grow-Fast AG")
    give_history(rep, two, calls=2)
    lead = LeadFactory(actor=rep, account_name="Grow-Fast Inc", email1="")
    assert similar_accounts(lead, rep) == [two, one]
    calls = list(Call.objects.filter(parent_id=two.pk))
    assert len(calls) == 2
    delete_records(calls, actor=rep)
    assert similar_accounts(lead, rep) == [one, two]


def test_equal_history_keeps_the_newest_first(rep):
    first = company(rep, "Grow-Fast GmbH")
    second = company(rep, "Grow-Fast AG")
    lead = LeadFactory(actor=rep, account_name="Grow-Fast Inc", email1="")
    assert similar_accounts(lead, rep) == [second, first]


def test_the_order_costs_no_extra_query(rep, django_assert_num_queries):
    for i in range(3):
        give_history(rep, company(rep, f"Grow-Fast {['GmbH', 'AG', 'KG'][i]}"), calls=i)
    lead = LeadFactory(actor=rep, account_name="Grow-Fast Inc", email1="")
    similar_accounts(lead, rep)  # the user's roles and content types are read once
    with django_assert_num_queries(1):
        found = similar_accounts(lead, rep)
    assert len(found) == 3
