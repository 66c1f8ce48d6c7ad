"""A run's commits stop waiting for the disk (PostgreSQL) and wait again afterwards; when the
run fails on a connection that broke, its own error is what the caller gets, not the failed
reset's."""

import pytest
from django.db import DatabaseError, connection

from kontor.suitecrm.run import _commits_without_waiting


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


if connection.vendor == "postgresql":

    @pytest.mark.django_db
    def test_commits_wait_again_after_the_run_whether_it_failed_or_not():
        with _commits_without_waiting():
            assert synchronous_commit() == "off"
        assert synchronous_commit() == "on"
        with pytest.raises(KeyError), _commits_without_waiting():
            raise KeyError("step")
        assert synchronous_commit() == "on"

    # Transactional: the test breaks its connection, which a test transaction could not survive.
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_a_reset_on_a_broken_connection_does_not_hide_the_runs_error():
        with pytest.raises(ValueError, match="the run's own error"), _commits_without_waiting():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            except DatabaseError:
                pass  # the server ended this connection, as a restart or a network cut would
            raise ValueError("the run's own error")
        # The broken connection was closed: the next statement opens a fresh one.
        assert synchronous_commit() == "on"
