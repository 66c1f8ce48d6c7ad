"""The shared write actions: save_record, delete_records, restore_records, mass_update.

Every test states what must be written (records and change-log rows) and, for refusals, that
nothing was.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Task
from kontor.activities.tests.factories import TaskFactory
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import actions
from kontor.core.actions import as_text, delete_records, mass_update, restore_records, save_record
from kontor.core.context import origin
from kontor.core.models import ChangeLog
from kontor.core.testing import (
    log_of,
)
from kontor.opportunities.tests.factories import OpportunityFactory


def fetch(record):
    return type(record).with_deleted.get(pk=record.pk)


# --- save_record: create ----------------------------------------------------------------------


def test_creating_writes_the_record_and_one_create_row(rep):
    with origin("job:import-42"):
        account = save_record(Account(name=" Fjord GmbH ", email1="Info@Fjord.Example"), actor=rep)
    stored = fetch(account)
    assert (stored.name, stored.email1) == ("Fjord GmbH", "info@fjord.example")
    assert (stored.created_by, stored.modified_by, stored.assigned_user) == (rep, rep, rep)
    assert "fjord gmbh" in stored.search_text
    row = ChangeLog.objects.get(record_id=account.pk)
    assert (row.action, row.field, row.actor, row.origin) == ("create", "", rep, "job:import-42")
    assert row.record_type == ContentType.objects.get_for_model(Account)
    assert row.at == stored.date_entered == stored.date_modified


def test_creating_keeps_a_chosen_assigned_user(rep, admin):
    account = save_record(Account(name="Fjord", assigned_user=admin), actor=rep)
    assert (fetch(account).created_by, fetch(account).assigned_user) == (rep, admin)


def test_an_invalid_new_record_raises_field_errors_and_writes_nothing(rep):
    with pytest.raises(ValidationError) as refused:
        save_record(Contact(last_name="", email1="anna@"), actor=rep)
    assert refused.value.message_dict == {
        "last_name": ["This field cannot be blank."],
        "email1": ["Enter a valid email address."],
    }
    assert (Contact.with_deleted.count(), ChangeLog.objects.count()) == (0, 0)


# --- save_record: update ----------------------------------------------------------------------


def test_saving_without_a_change_writes_nothing(rep, admin):
    account = fetch(AccountFactory(actor=rep))
    with CaptureQueriesContext(connection) as queries:
        save_record(account, actor=admin)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert writes == []
    stored = fetch(account)
    assert (stored.modified_by, stored.date_modified) == (rep, account.date_modified)
    assert log_of(account) == [("create", "", "", "")]


def test_each_changed_field_gets_one_row_with_old_and_new(rep, admin):
    account = fetch(AccountFactory(name="Fjord", industry="Technology", actor=rep))
    account.name, account.industry, account.website = "Fjord AG", "Banking", "https://f.example"
    save_record(account, actor=admin)
    rows = ChangeLog.objects.filter(record_id=account.pk, action="update")
    assert sorted((r.field, r.old_value, r.new_value) for r in rows) == [
        ("industry", "Technology", "Banking"),
        ("name", "Fjord", "Fjord AG"),
        ("website", "", "https://f.example"),
    ]
    assert {(r.actor, r.at) for r in rows} == {(admin, fetch(account).date_modified)}
    assert fetch(account).modified_by == admin
    assert "fjord ag" in fetch(account).search_text


def test_values_are_logged_as_stored_keys_and_iso_text(rep):
    opportunity = fetch(OpportunityFactory(actor=rep))
    other = AccountFactory()
    old_account = opportunity.account_id
    opportunity.amount = Decimal("1500.5")
    opportunity.date_closed = datetime.date(2025, 12, 31)
    opportunity.account = other
    save_record(opportunity, actor=rep)
    contact = fetch(ContactFactory(actor=rep))
    contact.email_opt_out = True
    save_record(contact, actor=rep)
    assert sorted(row[1:] for row in log_of(opportunity, "update")) == [
        ("account", str(old_account), str(other.pk)),
        ("amount", "1000.00", "1500.5"),
        ("date_closed", "2025-09-30", "2025-12-31"),
    ]
    assert log_of(contact, "update") == [("update", "email_opt_out", "0", "1")]


def test_the_old_value_is_the_stored_one_not_the_loaded_one(rep, admin):
    mine = fetch(AccountFactory(name="Fjord", actor=rep))
    theirs = fetch(mine)
    theirs.name = "Fjord (Ada)"
    save_record(theirs, actor=admin)
    mine.name = "Fjord (Rolf)"
    save_record(mine, actor=rep)
    assert [row[1:] for row in log_of(mine, "update")] == [
        ("name", "Fjord", "Fjord (Ada)"),
        ("name", "Fjord (Ada)", "Fjord (Rolf)"),
    ]


def test_an_invalid_change_writes_nothing(rep):
    contact = fetch(ContactFactory(actor=rep))
    before = (contact.email1, contact.last_name, contact.date_modified)
    contact.email1, contact.last_name = "not an email", "x" * 101
    with pytest.raises(ValidationError) as refused:
        save_record(contact, actor=rep)
    assert set(refused.value.message_dict) == {"email1", "last_name"}
    stored = fetch(contact)
    assert (stored.email1, stored.last_name, stored.date_modified) == before
    assert log_of(contact, "update") == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outermost, as in a view
def test_a_failure_while_logging_rolls_the_change_back(rep, monkeypatch):
    account = fetch(AccountFactory(name="Fjord", actor=rep))

    def broken(*args, **kwargs):
        raise RuntimeError("log table unavailable")

    monkeypatch.setattr(actions.ChangeLog.objects, "bulk_create", broken)
    account.name = "Fjord AG"
    with pytest.raises(RuntimeError):
        save_record(account, actor=rep)
    assert fetch(account).name == "Fjord"


# --- trash ------------------------------------------------------------------------------------


def test_delete_and_restore_move_records_once_and_log_each(rep, admin):
    first, second = AccountFactory.create_batch(2, actor=rep)
    assert delete_records([first, second], actor=admin) == 2
    assert delete_records([fetch(first), fetch(second)], actor=admin) == 0
    assert Account.objects.count() == 0 and Account.with_deleted.count() == 2
    assert fetch(first).deleted_at is not None and fetch(first).modified_by == admin
    assert restore_records([fetch(first)], actor=rep) == 1
    assert restore_records([fetch(first)], actor=rep) == 0
    assert list(Account.objects.all()) == [first]
    assert fetch(first).deleted_at is None
    assert [row[0] for row in log_of(first)] == ["create", "delete", "restore"]
    assert [row[0] for row in log_of(second)] == ["create", "delete"]
    assert ChangeLog.objects.get(record_id=first.pk, action="delete").actor == admin


# --- mass_update ------------------------------------------------------------------------------


def test_mass_update_sets_the_value_on_every_record(rep, admin):
    records = [fetch(a) for a in AccountFactory.create_batch(3, industry="Technology")]
    assert mass_update(records, {"industry": "Banking", "assigned_user": admin}, actor=rep) == (
        3,
        {},
    )
    assert {(fetch(a).industry, fetch(a).assigned_user) for a in records} == {("Banking", admin)}
    for account in records:
        assert sorted(row[1] for row in log_of(account, "update")) == ["assigned_user", "industry"]


def test_mass_update_is_all_or_nothing(rep):
    started = fetch(
        TaskFactory(
            date_start=datetime.datetime(2025, 6, 10, 9, tzinfo=datetime.UTC),
            date_due=datetime.datetime(2025, 6, 12, 9, tzinfo=datetime.UTC),
            actor=rep,
        )
    )
    plain = fetch(TaskFactory(actor=rep))
    stored = {t.pk: (t.date_due, t.date_modified) for t in Task.objects.all()}
    logs = ChangeLog.objects.count()
    early = datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC)
    count, refused = mass_update([plain, started], {"date_due": early}, actor=rep)
    assert count == 0
    assert refused == {started: {"date_due": ["The due date is before the start."]}}
    assert {t.pk: (t.date_due, t.date_modified) for t in Task.objects.all()} == stored
    assert ChangeLog.objects.count() == logs


def test_mass_update_refuses_an_unknown_dropdown_key_for_all(rep):
    records = [fetch(a) for a in AccountFactory.create_batch(2)]
    logs = ChangeLog.objects.count()
    count, refused = mass_update(records, {"industry": "Mining"}, actor=rep)
    assert count == 0
    assert list(refused.values()) == [{"industry": ["“Mining” is not a valid choice."]}] * 2
    assert {fetch(a).industry for a in records} == {"Technology"}
    assert ChangeLog.objects.count() == logs


def test_mass_update_counts_only_the_records_it_changed(rep):
    banking = fetch(AccountFactory(industry="Banking"))
    other = fetch(AccountFactory(industry="Technology"))
    assert mass_update([banking, other], {"industry": "Banking"}, actor=rep) == (1, {})
    assert log_of(banking, "update") == []
    assert log_of(other, "update") == [("update", "industry", "Technology", "Banking")]


# --- the change log's text form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "1"),
        (False, "0"),
        (Decimal("12.50"), "12.50"),
        (7, "7"),
        (datetime.date(2025, 2, 28), "2025-02-28"),
        (datetime.datetime(2025, 2, 28, 9, 30, tzinfo=datetime.UTC), "2025-02-28T09:30:00+00:00"),
        ({"b": 1, "a": "ä"}, '{"a": "ä", "b": 1}'),
        (["x"], '["x"]'),
        ("Text", "Text"),
    ],
)
def test_values_become_change_log_text(value, text):
    assert as_text(value) == text
