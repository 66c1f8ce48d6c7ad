"""A client that sends back the links it read keeps them, even those to records its user may
not see (a contact's hidden account, an activity's hidden parent); another hidden record is
still refused and nothing changes."""

import pytest

from kontor.activities.tests.factories import TaskFactory
from kontor.api.tests.conftest import token_client
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.tests.hidden_links import snapshot, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_a_contact_sent_back_as_read_keeps_its_hidden_account(w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    api = token_client(w.sven)
    read = api.get(f"/api/v1/contacts/{contact.pk}/").json()
    assert read["account"] == str(w.secret.pk)
    answer = api.put(
        f"/api/v1/contacts/{contact.pk}/",
        {"last_name": "Krüger-Lang", "account": read["account"]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    contact.refresh_from_db()
    assert (contact.last_name, contact.account_id) == ("Krüger-Lang", w.secret.pk)


def test_another_hidden_account_is_still_refused(w):
    contact = ContactFactory(last_name="Krüger", account=w.visible, actor=w.sven)
    before = snapshot(contact)
    answer = token_client(w.sven).patch(
        f"/api/v1/contacts/{contact.pk}/", {"account": str(w.secret.pk)}, format="json"
    )
    assert answer.status_code == 400 and "account" in answer.json()["errors"]
    assert snapshot(contact) == before


def test_a_task_sent_back_as_read_keeps_its_hidden_parent(w):
    task = TaskFactory(
        name="Nachfassen", parent=w.hidden_contact, actor=w.sven, assigned_user=w.sven
    )
    api = token_client(w.sven)
    read = api.get(f"/api/v1/tasks/{task.pk}/").json()
    answer = api.patch(
        f"/api/v1/tasks/{task.pk}/",
        {"name": "Nachfassen!", "parent": read["parent"]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    task.refresh_from_db()
    assert (task.name, task.parent_id) == ("Nachfassen!", w.hidden_contact.pk)
