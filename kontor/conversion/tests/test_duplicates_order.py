"""Which of several similar accounts the lead conversion proposes first (docs/domain.md §5):
within one kind of match the exact name, then the most history, then the newest."""

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Call
from kontor.activities.tests.factories import CallFactory, NoteFactory
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.duplicates import similar_accounts
from kontor.conversion.tests.pages import convert_url
from kontor.core.actions import delete_records, set_teams
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import create_user
from kontor.users.models import Team

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


def test_only_history_the_user_may_see_counts(db):
    nord, sued = Team.objects.create(name="Nord"), Team.objects.create(name="Süd")
    rep = create_user("rita", password="pw-rita-12345!", roles=["sales_rep"], teams=[nord])
    boss = create_user("bert", password="pw-bert-12345!", roles=["sales_manager"], teams=[sued])
    seen = company(rep, "Grow-Fast GmbH")
    CallFactory(actor=rep, **on(seen))
    hidden_history = company(rep, "Grow-Fast AG")
    for _ in range(3):
        contact = ContactFactory(actor=boss, account=hidden_history, email1="", phone_work="")
        set_teams(contact, [sued.pk], actor=boss)
    lead = LeadFactory(actor=rep, account_name="Grow-Fast Inc", email1="")
    assert Contact.objects.visible_to(rep, "view").filter(account=hidden_history).count() == 0
    assert similar_accounts(lead, rep) == [seen, hidden_history]
    assert similar_accounts(lead, boss) == [hidden_history, seen]
