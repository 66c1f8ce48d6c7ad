"""Statements prepared once per PostgreSQL connection (kontor.core.fast.prepared): prepared on
first use, reused afterwards, prepared again on a new connection, kept across a rollback; plain
statements on SQLite (which caches compiled statements itself), when turned off and when the
fast paths are off.

Each test runs its own statement (the test database's connection outlives a test)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kontor.core.fast import prepared


def _run(sql: str, value: int) -> tuple[tuple, list[str]]:
    """The row `sql` gives for `value`, and the statements sent for it."""
    with CaptureQueriesContext(connection) as sent, connection.cursor() as cursor:
        prepared.execute(cursor, sql, [value])
        row = cursor.fetchone()
    return row, [q["sql"].split(" ", 1)[0] for q in sent.captured_queries]


def _expected(*first_words: str) -> list[str]:
    """What a call sends: on PostgreSQL `first_words`, elsewhere the plain statement."""
    return list(first_words) if connection.vendor == "postgresql" else ["SELECT"]


@pytest.mark.django_db
def test_prepared_on_first_use_then_only_executed_and_the_answer_is_the_plain_ones():
    sql = "SELECT CAST(%s AS integer) + 1 AS first_use, 'fifty %%'"
    assert _run(sql, 41) == ((42, "fifty %"), _expected("PREPARE", "EXECUTE"))
    assert _run(sql, 1) == ((2, "fifty %"), _expected("EXECUTE"))
    assert _run(sql, 2) == ((3, "fifty %"), _expected("EXECUTE"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_connection_prepares_again_and_a_rollback_keeps_the_statement():
    sql = "SELECT CAST(%s AS integer) + 1 AS reconnect"
    assert _run(sql, 1) == ((2,), _expected("PREPARE", "EXECUTE"))
    connection.close()  # the next query opens a new connection, which has no statement yet
    assert _run(sql, 5) == ((6,), _expected("PREPARE", "EXECUTE"))
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert _run(sql, 6) == ((7,), _expected("EXECUTE"))
        raise ZeroDivisionError
    # PostgreSQL keeps a statement prepared in a transaction that rolled back
    assert _run(sql, 7) == ((8,), _expected("EXECUTE"))


@pytest.mark.django_db
def test_turned_off_it_sends_the_plain_statement(settings):
    settings.KONTOR_DB_PREPARED = False
    sql = "SELECT CAST(%s AS integer) + 1 AS turned_off"
    assert _run(sql, 9) == ((10,), ["SELECT"])
    assert _run(sql, 10) == ((11,), ["SELECT"])


@pytest.mark.django_db
def test_with_the_fast_paths_off_it_sends_the_plain_statement(settings):
    settings.KONTOR_FAST_PATHS = False
    sql = "SELECT CAST(%s AS integer) + 1 AS fast_paths_off"
    assert _run(sql, 3) == ((4,), ["SELECT"])
    assert _run(sql, 4) == ((5,), ["SELECT"])


@pytest.mark.django_db
def test_left_to_psycopg_where_it_prepares_statements_itself():
    # psycopg may then DEALLOCATE ALL after a rollback, which would drop ours
    sql = "SELECT CAST(%s AS integer) + 1 AS psycopg_prepares"
    connection.ensure_connection()
    raw = connection.connection
    postgres = connection.vendor == "postgresql"
    if postgres:
        raw.prepare_threshold = 5
    try:
        assert _run(sql, 1) == ((2,), ["SELECT"])
    finally:
        if postgres:
            raw.prepare_threshold = None
