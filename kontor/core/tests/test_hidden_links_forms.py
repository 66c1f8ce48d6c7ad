"""Saving a record keeps its links to records the user may not see: the form shows such a link
as "(not available)" (never the name), an unchanged save keeps it, the user may replace it by
a record they can see or clear it where the field may be empty, and another hidden record
cannot be chosen. Contacts, opportunities, tasks and meetings, through the edit pages; the
REST API's PATCH keeps what it is not sent."""

import pytest

from kontor.activities.actions import invited, save_with_invitees
from kontor.activities.tests.factories import MeetingFactory, TaskFactory
from kontor.api.tests.conftest import token_client
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import registry
from kontor.core.actions import delete_records
from kontor.core.models import ChangeLog
from kontor.core.testing import log_of
from kontor.core.tests.hidden_links import (
    HIDDEN_PERSON,
    SECRET,
    browser_data,
    snapshot,
)
from kontor.opportunities.models import NEEDS_ACCOUNT
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
NOT_AVAILABLE = "(not available)"


def edit_page(client, record):
    url = registry.find(type(record)).url("edit", record.pk)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html and HIDDEN_PERSON not in html
    assert NOT_AVAILABLE in html
    return url, browser_data(response.context["form"])


def test_an_unchanged_contact_save_keeps_its_hidden_account(sven_client, w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    url, data = edit_page(sven_client, contact)
    data["phone_work"] = "+49 30 1111111"
    assert sven_client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.account_id == w.secret.pk
    assert contact.phone_work == "+49 30 1111111"
    assert [row[1] for row in log_of(contact, "update")] == ["phone_work"]


def test_a_contact_s_hidden_account_is_replaced_or_cleared_only_when_chosen(sven_client, w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    url, data = edit_page(sven_client, contact)
    assert sven_client.post(url, {**data, "account": ""}).status_code == 302
    contact.refresh_from_db()
    assert contact.account_id is None  # the account field may be empty: cleared on purpose

    other = ContactFactory(last_name="Lang", account=w.secret, actor=w.sven)
    url, data = edit_page(sven_client, other)
    assert sven_client.post(url, {**data, "account": str(w.visible.pk)}).status_code == 302
    other.refresh_from_db()
    assert other.account_id == w.visible.pk


def test_another_hidden_account_cannot_be_chosen(sven_client, w):
    contact = ContactFactory(last_name="Krüger", account=w.visible, actor=w.sven)
    url = registry.get("contacts").url("edit", contact.pk)
    data = browser_data(sven_client.get(url).context["form"])
    before = snapshot(contact)
    response = sven_client.post(url, {**data, "account": str(w.secret.pk)})
    assert response.status_code == 400
    assert "account" in response.context["form"].errors
    assert SECRET not in response.content.decode()
    assert snapshot(contact) == before


def test_an_unchanged_opportunity_save_keeps_its_hidden_account(sven_client, w):
    deal = OpportunityFactory(name="Lizenzen", account=w.secret, actor=w.sven)
    url, data = edit_page(sven_client, deal)
    data["next_step"] = "Angebot"
    assert sven_client.post(url, data).status_code == 302
    deal.refresh_from_db()
    assert (deal.account_id, deal.next_step) == (w.secret.pk, "Angebot")


def test_an_opportunity_s_hidden_account_cannot_be_cleared_in_b2b(sven_client, w):
    deal = OpportunityFactory(name="Lizenzen", account=w.secret, actor=w.sven)
    url, data = edit_page(sven_client, deal)
    before = snapshot(deal)
    response = sven_client.post(url, {**data, "account": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["account"] == [str(NEEDS_ACCOUNT)]
    assert snapshot(deal) == before
    assert sven_client.post(url, {**data, "account": str(w.visible.pk)}).status_code == 302
    deal.refresh_from_db()
    assert deal.account_id == w.visible.pk


def test_an_unchanged_task_save_keeps_its_hidden_parent_and_contact(sven_client, w):
    task = TaskFactory(name="Anrufen", contact=w.hidden_contact, actor=w.sven, parent=w.secret)
    url, data = edit_page(sven_client, task)
    assert data["parent_module"] == "accounts"
    data["priority"] = "High"
    assert sven_client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.parent_id, task.contact_id, task.priority) == (
        w.secret.pk,
        w.hidden_contact.pk,
        "High",
    )
    assert [row[1] for row in log_of(task, "update")] == ["priority"]


def test_a_task_s_hidden_parent_is_replaced_only_by_a_visible_record(sven_client, w):
    task = TaskFactory(name="Anrufen", contact=None, actor=w.sven, parent=w.secret)
    url, data = edit_page(sven_client, task)
    other = OpportunityFactory(name="Sichtbar", account=w.visible, actor=w.sven)
    hidden_deal = OpportunityFactory(name="Versteckt", account=w.secret, actor=w.stan)
    before = snapshot(task)
    forged = {**data, "parent_module": "opportunities", "parent_record": str(hidden_deal.pk)}
    assert sven_client.post(url, forged).status_code == 400
    assert snapshot(task) == before
    chosen = {**data, "parent_module": "opportunities", "parent_record": str(other.pk)}
    assert sven_client.post(url, chosen).status_code == 302
    task.refresh_from_db()
    assert task.parent_id == other.pk


def test_a_task_s_hidden_parent_may_be_cleared_on_purpose(sven_client, w):
    task = TaskFactory(name="Anrufen", contact=None, actor=w.sven, parent=w.secret)
    url, data = edit_page(sven_client, task)
    cleared = {**data, "parent_module": "", "parent_record": ""}
    assert sven_client.post(url, cleared).status_code == 302
    task.refresh_from_db()
    assert (task.parent_type_id, task.parent_id) == (None, None)


def test_an_unchanged_meeting_save_keeps_its_hidden_invitee(sven_client, w):
    meeting = MeetingFactory(name="Workshop", actor=w.sven, parent=w.secret)
    mine = ContactFactory(last_name="Sichtbar", account=w.visible, actor=w.sven)
    save_with_invitees(meeting, [w.sven], [mine, w.hidden_contact], [], actor=w.sven)
    rows = ChangeLog.objects.count()
    url, data = edit_page(sven_client, meeting)
    assert sorted(data["invite_contacts"]) == sorted([str(mine.pk), str(w.hidden_contact.pk)])
    data["location"] = "Hamburg"
    assert sven_client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "Hamburg"
    assert {c.pk for c in invited(meeting)["contacts"]} == {mine.pk, w.hidden_contact.pk}
    assert ChangeLog.objects.count() == rows + 1  # the location only
    # Another hidden contact cannot be added.
    other_hidden = ContactFactory(last_name="Fremd", account=None, actor=w.stan)
    before = snapshot(meeting)
    forged = {**data, "invite_contacts": [*data["invite_contacts"], str(other_hidden.pk)]}
    response = sven_client.post(url, forged)
    assert response.status_code == 400 and "Fremd" not in response.content.decode()
    assert snapshot(meeting) == before
    assert {c.pk for c in invited(meeting)["contacts"]} == {mine.pk, w.hidden_contact.pk}
    # Taking the hidden invitee off is a choice the user may make.
    data["invite_contacts"] = [str(mine.pk)]
    assert sven_client.post(url, data).status_code == 302
    assert [c.pk for c in invited(meeting)["contacts"]] == [mine.pk]


def test_a_patch_without_the_link_keeps_the_hidden_account(w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    api = token_client(w.sven)
    response = api.patch(
        f"/api/v1/contacts/{contact.pk}/", {"phone_work": "+49 30 2222222"}, format="json"
    )
    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert (contact.account_id, contact.phone_work) == (w.secret.pk, "+49 30 2222222")
    assert SECRET not in response.content.decode()


def test_a_link_to_a_record_in_the_trash_is_kept_too(client, w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    delete_records([w.secret], actor=w.stan)
    client.force_login(w.stan)  # sees every account, but not the trash's on this page
    url, data = edit_page(client, contact)
    assert client.post(url, {**data, "title": "Einkauf"}).status_code == 302
    contact.refresh_from_db()
    assert (contact.account_id, contact.title) == (w.secret.pk, "Einkauf")


def test_a_custom_link_to_a_hidden_account_is_kept_and_not_named(sven_client, w, admin):
    from kontor.studio.tests.fields import add_field

    add_field(
        admin,
        "contacts",
        name="partner",
        label_en="Partner",
        label_de="Partner",
        field_type="relate",
        link_module="accounts",
    )
    contact = ContactFactory(
        last_name="Krüger", account=w.visible, custom={"partner": str(w.secret.pk)}, actor=w.sven
    )
    url, data = edit_page(sven_client, contact)
    assert data["partner"] == str(w.secret.pk)
    assert sven_client.post(url, {**data, "title": "Einkauf"}).status_code == 302
    contact.refresh_from_db()
    assert (contact.custom, contact.title) == ({"partner": str(w.secret.pk)}, "Einkauf")
    detail = sven_client.get(contact.get_absolute_url()).content.decode()
    assert SECRET not in detail and NOT_AVAILABLE in detail
