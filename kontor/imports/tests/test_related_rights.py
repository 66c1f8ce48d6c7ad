"""Related records an import creates ("Create missing related records") need the right to
create their type: a row that would need one without it is refused, with the same words
whether or not a record of that name exists out of the user's sight."""

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.accounts.models import Account
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.imports import actions
from kontor.imports.models import ImportRow
from kontor.imports.tests.helpers import run, upload
from kontor.leads.models import Lead
from kontor.users.actions import create_user
from kontor.users.models import Role

pytestmark = pytest.mark.django_db

ROWS = (
    "Last Name,Account\n"
    "Eins,Nordlicht Netze GmbH\n"  # exists, but Lina may not see it
    "Zwei,Gibt Es Nicht AG\n"  # exists nowhere
    "Drei,\n"  # needs no account
)
EVERY_ACTION = ("access", "view", "list", "edit", "import")


def user_with(grants: dict, name: str = "lina"):
    role = Role.objects.create(name=f"Role of {name}", grants=grants)
    return create_user(name, password=f"pw-{name}-12345!", roles=[role])


def batch_of(text, actor):
    batch = actions.create_batch(upload("leads.csv", text.encode()), model=Lead, actor=actor)
    actions.configure(batch, {**batch.options, "create_missing": True}, actor=actor)
    assert [c["field"] for c in batch.options["columns"]] == ["last_name", "account"]
    return batch


def account_log():
    return list(
        ChangeLog.objects.filter(record_type=ContentType.objects.get_for_model(Account))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@pytest.fixture
def nordlicht(admin):
    return save_record(Account(name="Nordlicht Netze GmbH"), actor=admin)


@pytest.fixture
def lina(db):
    """Creates and imports leads; no access to accounts at all."""
    return user_with({"leads": dict.fromkeys(EVERY_ACTION, "all")})


def test_rows_needing_an_account_the_user_may_not_create_are_refused_alike(nordlicht, lina):
    accounts, log = (
        list(Account.with_deleted.order_by("pk").values_list("pk", "name")),
        account_log(),
    )

    plans, _more = actions.preview(batch_of(ROWS, lina), actor=lina)
    assert [p.outcome for p in plans] == ["failed", "failed", "create"]
    assert plans[0].message == plans[1].message == "Account: You may not create Accounts."

    batch = run(batch_of(ROWS, lina), actor=lina)

    assert (batch.status, batch.created_count, batch.failed_count) == ("done", 1, 2)
    assert batch.related_created_count == 0
    refused = dict(
        ImportRow.objects.filter(batch=batch, outcome="failed").values_list("row", "message")
    )
    assert refused == {
        1: "Account: You may not create Accounts.",
        2: "Account: You may not create Accounts.",
    }
    assert list(Account.with_deleted.order_by("pk").values_list("pk", "name")) == accounts
    assert account_log() == log
    assert list(Lead.objects.values_list("last_name", "account")) == [("Drei", None)]


def test_the_refusal_is_translated(nordlicht, lina):
    from django.utils import translation

    with translation.override("de"):
        plans, _more = actions.preview(batch_of(ROWS, lina), actor=lina)
    assert plans[0].message == plans[1].message == "Firma: Sie dürfen keine Firmen anlegen."


def test_seeing_accounts_links_them_but_creating_one_needs_the_right(nordlicht):
    """Viewing is enough to link an existing account; a new one still needs edit rights."""
    viewer = user_with(
        {
            "leads": dict.fromkeys(EVERY_ACTION, "all"),
            "accounts": dict.fromkeys(("access", "view", "list"), "all"),
        },
        "vera",
    )
    count, log = Account.with_deleted.count(), account_log()

    batch = run(batch_of(ROWS, viewer), actor=viewer)

    assert (batch.created_count, batch.failed_count, batch.related_created_count) == (2, 1, 0)
    assert Lead.objects.get(last_name="Eins").account == nordlicht
    assert ImportRow.objects.get(batch=batch, outcome="failed").row == 2
    assert Account.with_deleted.count() == count and account_log() == log


def test_a_user_who_may_create_accounts_still_gets_them(nordlicht, rep):
    batch = run(batch_of(ROWS, rep), actor=rep)
    assert (batch.created_count, batch.failed_count, batch.related_created_count) == (3, 0, 1)
    assert Account.objects.filter(name="Gibt Es Nicht AG").count() == 1
    assert Lead.objects.get(last_name="Eins").account == nordlicht
