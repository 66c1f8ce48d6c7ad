"""A commented tour of Kontor's test helpers (read this before writing a test).

Like Zulip's zerver/tests/test_example.py, every test here is a small, real test that also
explains one habit. The helpers live in `kontor/core/testing.py` and the shared fixtures in the
root `conftest.py`.
"""

import pytest
from django.core.exceptions import ValidationError

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.core.actions import delete_records, save_record

# Importing this autouse fixture makes the named users cheap to create (a fast password hasher).
from kontor.core.testing import (
    count_queries,
    form_data,
    log_of,
)
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory


def test_named_users_and_signed_in_clients(admin, rep, rep_client):
    # `admin` is Ada (superuser), `rep` is Rolf (a sales rep); they exist only when a test
    # asks for them. `rep_client` is Django's test client signed in as Rolf. Prefer these
    # named users to anonymous "user1": a failing test then reads like a story.
    assert (admin.get_full_name(), admin.is_superuser) == ("Ada Admin", True)
    assert (rep.get_full_name(), rep.is_superuser) == ("Rolf Rep", False)
    assert rep_client.get("/").context["user"] == rep


def test_state_is_set_up_through_the_actions(rep):
    # Factories save through `save_record`, the same action the UI uses, so every record a
    # test makes has its audit fields, search text and "create" row. Pass `actor=` to act as
    # someone; they also become the assigned user, as in the UI.
    account = AccountFactory(name="Fjord GmbH", actor=rep)
    assert (account.created_by, account.assigned_user) == (rep, rep)
    # `log_of(record)` lists the change log as (action, field, old, new) tuples.
    assert log_of(account) == [("create", "", "", "")]
    # Never `Account.objects.create(...)` or `.save()` in a test's set-up: it skips the
    # action, and the test then checks a state the app can never reach. When a test needs a
    # state no action makes (a date in the past), set up through the action first and then
    # adjust the one column with `queryset.update()`, saying why.


def test_success_and_failure_in_one_test(rep_client, rep):
    # Test the refusal next to the success, and prove a refusal changed nothing.
    lead = LeadFactory(last_name="Berg", actor=rep)
    url = f"/leads/{lead.pk}/edit/"
    # `form_data(form)` turns the edit form into the POST data an unchanged submit sends;
    # change only what the test is about.
    data = form_data(rep_client.get(url).context["form"])

    refused = rep_client.post(url, {**data, "email1": "berg@"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["email1"] == ["Enter a valid email address."]
    assert Lead.objects.get(pk=lead.pk).email1 == lead.email1
    assert log_of(lead, "update") == []

    saved = rep_client.post(url, {**data, "email1": "Berg@Fjord.Example"})
    assert saved.status_code == 302
    assert log_of(lead, "update") == [("update", "email1", lead.email1, "berg@fjord.example")]


def test_actions_are_tested_without_http(rep):
    # Business rules live in actions and models, so most rules need no client at all.
    account = AccountFactory(actor=rep)
    account.parent = account
    with pytest.raises(ValidationError) as refused:
        save_record(account, actor=rep)
    assert refused.value.message_dict == {"parent": ["An account cannot be a member of itself."]}
    assert Account.objects.get(pk=account.pk).parent_id is None  # nothing was stored
    delete_records([account], actor=rep)
    assert not Account.objects.filter(pk=account.pk).exists()  # `objects` hides the trash
    assert Account.with_deleted.get(pk=account.pk).deleted is True


def test_counting_queries(rep_client, rep):
    # A page's number of queries must not grow with its rows (docs/performance.md rule 10).
    # `count_queries(callable)` returns (queries, response). Make one request first, so the
    # caches every request shares (dropdown lists, content types) are warm.
    AccountFactory.create_batch(2, actor=rep)
    rep_client.get("/accounts/")
    few, _response = count_queries(lambda: rep_client.get("/accounts/"))
    AccountFactory.create_batch(8, actor=rep)
    many, response = count_queries(lambda: rep_client.get("/accounts/"))
    assert len(response.context["rows"]) == 10
    assert few == many
    # The module tests also pin the exact number in kontor/core/tests/query_counts.json:
    #     assert_query_count("accounts", "list", few)
    # When a change is meant to alter a count, re-pin with KONTOR_UPDATE_QUERY_COUNTS=1 and
    # review the diff of the JSON file like code.


# A record module's standard tests (list, detail, create, edit, bad input, trash, restore,
# export, mass actions, 404s, sign-in, pinned query counts) come from subclassing
# `kontor.core.testing.RecordModuleTests` and supplying data only; see
# kontor/accounts/tests/test_accounts.py for a complete example.
