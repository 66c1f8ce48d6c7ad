"""Two visitors send the same new e-mail at the same moment (two renderings, two tokens): one
lead is created and the other submission is attached to it, not a duplicate.

Both threads start together at a barrier, each on its own connection, in real transactions.
Whoever holds the e-mail's lock lingers, so the other surely arrives meanwhile. On SQLite the
in-memory test database cannot run two writer threads (see kontor/conversion/tests/
test_concurrency.py), so there the two run one after the other, which must give the same result.
"""

import time

import pytest

import kontor.webforms.actions as actions
from kontor.core.models import ChangeLog
from kontor.core.testing import race
from kontor.leads.models import Lead
from kontor.webforms.tests.factories import make_webform

VALUES = {
    "first_name": "Gleich",
    "last_name": "Zeitig",
    "email1": "same@example.org",
    "phone_work": "",
    "description": "",
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_of_one_new_email_make_one_lead(rep, monkeypatch):
    webform = make_webform(rep)
    real = actions._serialize

    def serialize_and_linger(*args):
        real(*args)
        time.sleep(0.3)

    monkeypatch.setattr(actions, "_serialize", serialize_and_linger)
    outcomes = race(
        [
            lambda i=i: actions.submit_webform(
                webform, dict(VALUES), nonce=f"race-{i}", consent=True
            )
            for i in range(2)
        ]
    )

    assert sorted(o.created for o in outcomes) == [False, True], outcomes
    lead = Lead.objects.get()
    assert {o.record_id for o in outcomes} == {lead.pk}
    assert ChangeLog.objects.filter(record_id=lead.pk, field=actions.EVENT_FIELD).count() == 1
