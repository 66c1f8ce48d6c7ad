"""Concurrent edits of one record: a save writes only what it changed, an edit form keeps what
others changed meanwhile and shows a field both changed as a conflict (docs/architecture.md,
"Concurrent edits")."""

import pytest

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.core.actions import mass_update, save_record
from kontor.core.edits import EditConflict, VersionMismatch, edit_from
from kontor.core.models import ChangeLog
from kontor.core.records import conflicts
from kontor.core.testing_tools import form_data
from kontor.users.actions import profile_of


def fetch(record):
    return type(record).with_deleted.get(pk=record.pk)


def updates(record) -> list[tuple]:
    rows = ChangeLog.objects.filter(record_id=record.pk, action="update").order_by("at", "id")
    return [(r.field, r.old_value, r.new_value, r.actor.username) for r in rows]


@pytest.fixture
def account(rep):
    return AccountFactory(name="Fjord GmbH", rating="A", employees="10", actor=rep)


# --- the action: only what changed ---------------------------------------------------------


def test_a_stale_instance_writes_only_its_own_change(account, rep, admin):
    stale, other = fetch(account), fetch(account)
    other.rating = "B"
    save_record(other, actor=admin)

    stale.employees = "25"
    save_record(stale, actor=rep)

    stored = fetch(account)
    assert (stored.rating, stored.employees) == ("B", "25")  # both survive
    # The log's old value is what was stored, not what the stale instance had loaded.
    assert updates(account) == [("rating", "A", "B", "ada"), ("employees", "10", "25", "rolf")]
    assert (stale.rating, stale.modified_by) == ("B", rep)  # the instance is the stored row now


def test_a_stale_instance_that_changed_nothing_writes_nothing(account, rep, admin):
    stale, other = fetch(account), fetch(account)
    other.rating = "B"
    save_record(other, actor=admin)
    version = fetch(account).date_modified

    save_record(stale, actor=rep)

    stored = fetch(account)
    assert (stored.rating, stored.modified_by, stored.date_modified) == ("B", admin, version)
    assert (stale.rating, stale.date_modified) == ("B", version)
    assert len(updates(account)) == 1


def test_custom_values_merge_key_by_key(account, rep, admin):
    Account.objects.filter(pk=account.pk).update(custom={"a": "1", "b": "1", "c": "1"})
    stale, other = fetch(account), fetch(account)
    other.custom = {**other.custom, "a": "2"}
    save_record(other, actor=admin, validate=False)

    stale.custom = {"a": "1", "b": "3"}  # b changed, c taken off
    save_record(stale, actor=rep, validate=False)

    assert fetch(account).custom == {"a": "2", "b": "3"}
    assert [u[:3] for u in updates(account)] == [
        ("custom.a", "1", "2"),
        ("custom.b", "1", "3"),
        ("custom.c", "1", ""),
    ]


def test_a_custom_value_changed_in_place_is_a_change(account, rep):
    Account.objects.filter(pk=account.pk).update(custom={"a": "1"})
    record = fetch(account)
    record.custom["a"] = "2"
    save_record(record, actor=rep, validate=False)
    assert fetch(account).custom == {"a": "2"}


def test_a_field_named_as_sent_is_written_even_when_it_equals_the_loaded_value(account, rep):
    stale, other = fetch(account), fetch(account)
    other.rating = "B"
    save_record(other, actor=rep)

    stale.rating = "A"  # as loaded: without `sent`, this save would keep "B"
    save_record(stale, actor=rep, sent={"rating"})

    assert fetch(account).rating == "A"


def test_mass_update_keeps_other_fields_changed_meanwhile(account, rep, admin):
    stale, other = fetch(account), fetch(account)
    other.employees = "99"
    save_record(other, actor=admin)

    changed, refused = mass_update([stale], {"rating": "C"}, actor=rep)

    assert (changed, refused) == (1, {})
    stored = fetch(account)
    assert (stored.rating, stored.employees) == ("C", "99")


def test_taking_a_stored_value_validates_again(account, rep, admin):
    # The name key is derived from the name: another request's new name brings its own key.
    stale, other = fetch(account), fetch(account)
    other.name = "Nordlicht AG"
    save_record(other, actor=admin)

    stale.rating = "B"
    save_record(stale, actor=rep)

    stored = fetch(account)
    assert (stored.name, stored.name_key, stored.rating) == ("Nordlicht AG", "nordlicht", "B")


def test_if_version_refuses_another_version_and_writes_nothing(account, rep, admin):
    stale, other = fetch(account), fetch(account)
    other.rating = "B"
    save_record(other, actor=admin)
    before = fetch(account)

    stale.employees = "25"
    with pytest.raises(VersionMismatch) as refused:
        save_record(stale, actor=rep, if_version=stale.date_modified)

    assert refused.value.version == before.date_modified
    stored = fetch(account)
    assert (stored.employees, stored.date_modified) == ("10", before.date_modified)
    assert len(updates(account)) == 1


def test_if_version_of_the_stored_row_saves(account, rep):
    record = fetch(account)
    record.employees = "25"
    save_record(record, actor=rep, if_version=record.date_modified)
    assert fetch(account).employees == "25"


def test_a_form_edit_refuses_a_field_someone_else_changed_to_another_value(account, rep, admin):
    shown = fetch(account)._loaded
    other = fetch(account)
    other.rating, other.employees = "B", "50"
    save_record(other, actor=admin)

    record = fetch(account)
    edit_from(record, shown)
    record.rating, record.website = "C", "https://fjord.example"
    with pytest.raises(EditConflict) as conflict:
        save_record(record, actor=rep)

    assert conflict.value.fields == {"rating": "B"}
    stored = fetch(account)
    assert (stored.rating, stored.website, stored.employees) == ("B", "", "50")
    # What a form shown again starts from: the stored row, with the user's changes.
    assert (record.rating, record.website, record.employees) == ("C", "https://fjord.example", "50")
    assert record._loaded["rating"] == "B"
    assert record.date_modified == stored.date_modified


def test_the_same_new_value_from_both_is_no_conflict(account, rep, admin):
    shown = fetch(account)._loaded
    other = fetch(account)
    other.rating = "B"
    save_record(other, actor=admin)

    record = fetch(account)
    edit_from(record, shown)
    record.rating = "B"
    save_record(record, actor=rep)
    assert len(updates(account)) == 1


# --- the edit form ----------------------------------------------------------------------------


def edit_url(account) -> str:
    return f"/accounts/{account.pk}/edit/"


def test_the_edit_form_keeps_what_someone_else_changed_meanwhile(account, rep_client, admin):
    data = form_data(rep_client.get(edit_url(account)).context["form"])
    other = fetch(account)
    other.rating = "B"
    save_record(other, actor=admin)

    data["employees"] = "25"
    response = rep_client.post(edit_url(account), data)

    assert response.status_code == 302
    stored = fetch(account)
    assert (stored.rating, stored.employees) == ("B", "25")
    assert [u[0] for u in updates(account)] == ["rating", "employees"]


def a_conflict(account, rep_client, admin) -> dict:
    """Rolf's form comes back with a conflict on the rating; the data it would send again."""
    data = form_data(rep_client.get(edit_url(account)).context["form"])
    other = fetch(account)
    other.rating, other.employees = "B", "50"
    save_record(other, actor=admin)
    before = fetch(account)

    data.update(rating="C", website="https://fjord.example")
    response = rep_client.post(edit_url(account), data)

    assert response.status_code == 409
    stored = fetch(account)
    assert (stored.rating, stored.website, stored.date_modified) == ("B", "", before.date_modified)
    [row] = response.context["conflict_rows"]
    assert (row.name, row.mine, row.theirs, row.theirs_data, row.by) == (
        "rating",
        "C",
        "B",
        ["B"],
        "Ada Admin",
    )
    assert row.at == ChangeLog.objects.get(record_id=account.pk, field="rating").at
    html = response.content.decode()
    assert "Someone else changed this record while you were editing it." in html
    assert 'name="choice-rating"' in html and 'name="theirs-rating" value="B"' in html
    again = form_data(response.context["form"])
    # The form shown again: the user's changes and the other person's.
    assert (again["rating"], again["website"], again["employees"]) == (
        "C",
        "https://fjord.example",
        "50",
    )
    return again


def test_a_field_both_changed_comes_back_with_both_values(account, rep_client, admin):
    again = a_conflict(account, rep_client, admin)
    assert fetch(account).rating == "B"
    assert again[conflicts.SHOWN]  # the new token: the stored row it starts from


def test_keep_mine_saves_the_users_value_and_keeps_theirs_elsewhere(account, rep_client, admin):
    again = a_conflict(account, rep_client, admin)
    response = rep_client.post(edit_url(account), {**again, "choice-rating": "mine"})
    assert response.status_code == 302
    stored = fetch(account)
    assert (stored.rating, stored.website, stored.employees) == (
        "C",
        "https://fjord.example",
        "50",
    )


def test_take_theirs_keeps_the_other_value(account, rep_client, admin):
    again = a_conflict(account, rep_client, admin)
    response = rep_client.post(
        edit_url(account), {**again, "choice-rating": "theirs", "theirs-rating": "B"}
    )
    assert response.status_code == 302
    stored = fetch(account)
    assert (stored.rating, stored.website, stored.employees) == ("B", "https://fjord.example", "50")
    assert sorted(u[0] for u in updates(account)) == ["employees", "rating", "website"]


def test_a_change_after_the_conflict_is_a_conflict_again(account, rep_client, admin):
    again = a_conflict(account, rep_client, admin)
    other = fetch(account)
    other.rating = "D"
    save_record(other, actor=admin)

    response = rep_client.post(edit_url(account), again)

    assert response.status_code == 409
    assert [(r.name, r.theirs) for r in response.context["conflict_rows"]] == [("rating", "D")]
    assert fetch(account).rating == "D"


def test_the_conflict_panel_speaks_german(account, rep, rep_client, admin):
    profile = profile_of(rep)
    profile.language = "de"
    profile.save()
    data = form_data(rep_client.get(edit_url(account)).context["form"])
    other = fetch(account)
    other.rating = "B"
    save_record(other, actor=admin)

    response = rep_client.post(edit_url(account), {**data, "rating": "C"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Jemand anderes hat diesen Datensatz geändert" in html
    assert "Ihr Wert" in html and "Meinen behalten" in html and "Den anderen übernehmen" in html


def test_a_forged_shown_token_counts_as_none(account, rep_client, admin):
    data = form_data(rep_client.get(edit_url(account)).context["form"])
    other = fetch(account)
    other.rating = "B"
    save_record(other, actor=admin)

    response = rep_client.post(edit_url(account), {**data, conflicts.SHOWN: "forged"})

    # Without the values it showed, the form's values are all the user's (the earlier
    # behaviour): the posted rating is written back.
    assert response.status_code == 302
    assert fetch(account).rating == "A"


def test_an_activitys_parent_changed_meanwhile_is_kept(rep, rep_client, admin):
    from kontor.activities.tests.factories import TaskFactory

    first, second = AccountFactory(actor=rep), AccountFactory(actor=rep)
    task = TaskFactory(name="Anrufen", parent=first, actor=rep)
    url = f"/tasks/{task.pk}/edit/"
    data = form_data(rep_client.get(url).context["form"])
    other = type(task).objects.get(pk=task.pk)
    other.parent_id = second.pk  # Ada moves it to the other account
    save_record(other, actor=admin)

    response = rep_client.post(url, {**data, "name": "Zurückrufen"})

    assert response.status_code == 302
    stored = type(task).objects.get(pk=task.pk)
    assert (stored.name, stored.parent_id) == ("Zurückrufen", second.pk)
