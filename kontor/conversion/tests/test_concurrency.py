"""Two users convert the same lead (or target) at the same moment: one conversion, one refusal.

Both threads start together at a barrier, each on its own database connection, in real
transactions (transaction=True: the test's data is committed, as in production). Whoever locks
the record first is slowed down while holding the lock, so the other is sure to arrive while
the conversion is in progress: without the row lock both would see an unconverted record.

PostgreSQL: the second thread waits on `SELECT … FOR UPDATE` and then sees the converted row.

SQLite: in production the transactions begin IMMEDIATE on a WAL file (kontor/settings.py), so a
second writer waits (busy_timeout) until the first commits. The test database, however, is
in-memory with a shared cache, where a second writer gets SQLITE_LOCKED ("database table is
locked") at once: busy_timeout does not apply to shared-cache table locks. Two writer threads
cannot run there, so on SQLite the same two threads run one after the other; the second still
meets the converted record and must be refused.

serialized_rollback restores the seeded dropdown values that a transactional test's flush
removes.
"""

import time

import pytest

import kontor.conversion.actions as actions
from kontor.accounts.models import Account
from kontor.activities.models import Call
from kontor.contacts.models import Contact
from kontor.conversion.actions import (
    ConversionRefused,
    LeadConversionResult,
    convert_lead,
    convert_target,
)
from kontor.core import testing
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target
from kontor.targets.tests.factories import TargetFactory

HOLD = 0.3  # seconds the winner holds the lock: ample time for the other to run into it


def race(convert, actors) -> list:
    """Run `convert(actor)` in one thread per actor, released together; their outcomes."""
    return testing.race([lambda a=actor: convert(a) for actor in actors])


@pytest.fixture
def slow_after_lock(monkeypatch):
    """Make whoever holds the lock linger before writing anything."""
    real = actions._lock

    def lock_and_linger(*args, **kwargs):
        locked = real(*args, **kwargs)
        time.sleep(HOLD)
        return locked

    monkeypatch.setattr(actions, "_lock", lock_and_linger)


def count(*models) -> list[int]:
    return [m._base_manager.count() for m in models]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_converting_one_lead_make_one_conversion(admin, rep, slow_after_lock):
    lead = LeadFactory(actor=admin)
    models = (Contact, Account, Opportunity, Call)
    before = count(*models)

    outcomes = race(
        lambda actor: convert_lead(
            Lead.objects.get(pk=lead.pk),
            actor=actor,
            new_account={},
            opportunity={},
            call={"name": "Erstgespräch", "date_start": lead.date_entered},
        ),
        [admin, rep],
    )

    won = [o for o in outcomes if isinstance(o, LeadConversionResult)]
    lost = [o for o in outcomes if isinstance(o, ConversionRefused)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    assert lost[0].existing == won[0].contact
    assert count(*models) == [n + 1 for n in before]
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.converted, stored.contact, stored.opportunity) == (
        True,
        won[0].contact,
        won[0].opportunity,
    )
    converts = ChangeLog.objects.filter(action="convert")
    assert sorted(converts.values_list("record_id", flat=True)) == sorted(
        r.pk for r in (stored, won[0].contact, won[0].account, won[0].opportunity)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_converting_one_target_make_one_lead(admin, rep, slow_after_lock):
    target = TargetFactory(actor=admin)
    leads = Lead.objects.count()

    outcomes = race(
        lambda actor: convert_target(Target.objects.get(pk=target.pk), actor=actor), [admin, rep]
    )

    won = [o for o in outcomes if isinstance(o, Lead)]
    lost = [o for o in outcomes if isinstance(o, ConversionRefused)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    assert lost[0].existing == won[0]
    assert Lead.objects.count() == leads + 1
    assert Target.objects.get(pk=target.pk).lead == won[0]
    assert sorted(
        ChangeLog.objects.filter(action="convert").values_list("record_id", flat=True)
    ) == sorted([target.pk, won[0].pk])
