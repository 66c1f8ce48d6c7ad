"""The journeys: what the listener keeps after each commit equals what a rebuild derives, with
hand-computed stage times."""

import pytest

from kontor.core.actions import delete_records, restore_records
from kontor.funnel import maintain
from kontor.funnel.models import Journey
from kontor.funnel.tests.helpers import at, change, rows

pytestmark = pytest.mark.django_db


def test_rebuild_derives_each_stage_time_by_hand(journeys, rep):
    maintain.rebuild()
    got = rows()
    start, direct, hot = journeys["target"], journeys["direct"], journeys["hot"]
    assert set(got) == {str(start.pk), str(direct.pk), str(hot.pk)}
    whole = got[str(start.pk)]
    assert (whole["lead_id"], whole["opportunity_id"]) == (journeys["lead"].pk, journeys["deal"].pk)
    assert (whole["cohort_at"], whole["campaign_name"], whole["owner_id"]) == (
        at(1, 10),
        "Messe",
        rep.pk,
    )
    assert [whole[f"{s}_at"] for s in ("target", "lead", "mql", "sql", "opportunity", "won")] == [
        at(1, 10),
        at(1, 12),
        at(1, 15),
        at(1, 20),
        at(2, 1),
        at(3, 1),
    ]
    # Moved back from SQL to MQL: SQL stays reached; MQL first reached after SQL.
    back = got[str(direct.pk)]
    assert (back["target_at"], back["lead_at"], back["mql_at"], back["sql_at"]) == (
        None,
        at(2, 5),
        at(2, 7),
        at(2, 6),
    )
    assert back["lead_source"] == "Email" and back["opportunity_at"] is None
    # Created in MQL, never moved: MQL when it entered it.
    assert (got[str(hot.pk)]["mql_at"], got[str(hot.pk)]["sql_at"]) == (at(2, 8), None)


def test_events_keep_the_same_rows_as_a_rebuild(journeys):
    kept = rows()
    maintain.rebuild()
    assert rows() == kept
    assert len(kept) == 3


def test_a_stage_once_reached_is_never_cleared(journeys, rep, django_capture_on_commit_callbacks):
    direct = journeys["direct"]
    with django_capture_on_commit_callbacks(execute=True):
        change(direct, "lifecycle_stage", "ML", at(2, 9), actor=rep)
    stored = Journey.objects.get(pk=direct.pk)
    assert (stored.mql_at, stored.sql_at) == (at(2, 7), at(2, 6))


def test_a_trashed_lead_leaves_the_funnel_until_restored(
    journeys, rep, django_capture_on_commit_callbacks
):
    converted = journeys["lead"]
    with django_capture_on_commit_callbacks(execute=True):
        delete_records([converted], actor=rep)
    assert Journey.objects.get(pk=journeys["target"].pk).trashed is True
    maintain.rebuild()
    assert Journey.objects.get(pk=journeys["target"].pk).trashed is True
    with django_capture_on_commit_callbacks(execute=True):
        restore_records([type(converted).with_deleted.get(pk=converted.pk)], actor=rep)
    restored = Journey.objects.get(pk=journeys["target"].pk)
    assert restored.trashed is False and restored.won_at == at(3, 1)


def bulk_leads(actor, n: int) -> list:
    """`n` leads written in one statement, as an import chunk writes them (no save_record)."""
    from django.utils import timezone

    from kontor.leads.models import Lead

    now = timezone.now()
    made = [
        Lead(last_name=f"Massen{i}", lead_source="Email", date_entered=now, created_by=actor)
        for i in range(n)
    ]
    return Lead.objects.bulk_create(made)


def test_a_bulk_event_is_refreshed_in_a_fixed_number_of_statements(
    rep, django_capture_on_commit_callbacks
):
    """An import chunk's event, 2 or 40 leads: the same statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kontor.core import events
    from kontor.leads.models import Lead

    statements = []
    for n in (2, 40):
        with django_capture_on_commit_callbacks():
            made = bulk_leads(rep, n)
            event = events.record_events(
                events.CREATED, Lead, [(r.pk, {}) for r in made], actor=rep
            )
        maintain.journeys.params()  # the record types, read once per process
        with CaptureQueriesContext(connection) as queries:
            maintain.on_events([event])
        statements.append([q["sql"].split()[0] for q in queries.captured_queries])
        ids = [r.pk for r in made]
        assert Journey.objects.filter(lead_source="Email", lead_id__in=ids).count() == n
    # The start ids, the journeys' groups before and after, the upsert, the orphans' delete,
    # and the rollup's delete and grouped insert (in a savepoint), whatever the size.
    assert statements[0] == statements[1]
    writes = [s for s in statements[0] if s in ("INSERT", "WITH", "DELETE")]
    assert writes.count("DELETE") == 2 and len(writes) == 4


def test_the_command_rebuilds_the_table(journeys):
    from django.core.management import call_command

    Journey.objects.all().delete()
    call_command("rebuild_funnel", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Journey.objects.count() == 3


WRITES = ("INSERT", "DELETE", "WITH")


def _journey_statements(callbacks) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    return [q["sql"] for q in queries.captured_queries if "funnel_" in q["sql"]]


def test_a_lead_saved_with_a_new_stage_costs_one_write_and_its_group_recounted(
    journeys, rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        change(journeys["hot"], "lifecycle_stage", "SQL", at(2, 9), actor=rep)
    writes = [q for q in _journey_statements(callbacks) if q.split()[0] in WRITES]
    # The journey's upsert, then its one rollup group deleted and counted again.
    assert len(writes) == 3
    assert writes[0].startswith("INSERT INTO funnel_journey")
    assert "funnel_funnelmonth" in writes[1] and "funnel_funnelmonth" in writes[2]
    # SQL again, later: the journey keeps its first time, and the rollup is not recounted.
    with django_capture_on_commit_callbacks() as callbacks:
        change(journeys["direct"], "lifecycle_stage", "SQL", at(2, 9), actor=rep)
    writes = [q for q in _journey_statements(callbacks) if q.split()[0] in WRITES]
    assert len(writes) == 1 and writes[0].startswith("INSERT INTO funnel_journey")


def test_a_save_that_changes_no_column_of_the_journey_costs_no_statement(
    journeys, rep, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from kontor.funnel import results

    before, version = rows(), results._version()
    with django_capture_on_commit_callbacks() as callbacks:
        change(journeys["direct"], "phone_work", "+49 30 123456", at(2, 9), actor=rep)
        change(journeys["deal"], "next_step", "Call back", at(2, 9), actor=rep)
    assert callbacks and _journey_statements(callbacks) == []
    assert rows() == before and cache.get(results.VERSION_KEY) == version
