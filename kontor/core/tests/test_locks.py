"""The same-key locks of web forms, API upserts and imports (kontor.core.locks): what they take,
and that two of these paths writing one new e-mail at the same moment make one lead.

The races: the first writer runs in a thread that lingers while holding its lock, and the
second starts only once the lock is held, so it surely arrives meanwhile; without a shared lock
it would find no lead and create a second one. On SQLite the in-memory test database cannot
hold two writer threads (see kontor/conversion/tests/test_concurrency.py), so there the two run
one after the other, which must give the same result.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kontor.api.tests.conftest import token_client
from kontor.core import locks
from kontor.core.models import ChangeLog
from kontor.imports import actions as imports
from kontor.imports.tests.helpers import run, upload
from kontor.leads.models import Lead
from kontor.webforms import actions as webforms
from kontor.webforms.tests.factories import make_webform

EMAIL = "gleich@zeitig.example"
LINGER = 1.0  # seconds the first writer holds its lock


def test_lock_numbers_are_fixed_and_names_follow_the_record_type():
    # The numbers must agree between processes (not Python's hash()) and stay those of the
    # API's earlier locks, so a rolling deploy keeps old and new workers apart.
    assert locks.namespace(Lead, locks.EMAIL) == "leads.lead:email"
    assert (
        locks.number(locks.key_name("leads.lead:email", "anna@example.org")) == -5201349506831172837
    )
    assert locks.number(locks.namespace_name("leads.lead:email")) != locks.number(
        "leads.lead:email"
    )


def test_locks_outside_a_transaction_are_refused():
    with pytest.raises(RuntimeError):
        locks.lock_keys([("leads.lead:email", "anna@example.org")])
    with pytest.raises(RuntimeError):
        locks.lock_namespace("leads.lead:email")


@pytest.mark.django_db
def test_a_single_writer_shares_the_namespace_and_holds_its_keys():
    space = locks.namespace(Lead, locks.EMAIL)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locks.lock_keys([(space, "anna@example.org"), (space, ""), (space, "anna@example.org")])
        held = _advisory_locks()
    if connection.vendor == "postgresql":
        assert held == {
            (locks.number(locks.namespace_name(space)), "ShareLock"),
            (locks.number(locks.key_name(space, "anna@example.org")), "ExclusiveLock"),
        }
    else:  # IMMEDIATE transactions already run one at a time: no statement at all
        assert held == set() and len(queries) == 0


@pytest.mark.django_db
def test_a_bulk_writer_holds_the_namespace_alone():
    space = locks.namespace(Lead, locks.EXTERNAL)
    with transaction.atomic():
        locks.lock_namespace(space)
        held = _advisory_locks()
    expected = {(locks.number(locks.namespace_name(space)), "ExclusiveLock")}
    assert held == (expected if connection.vendor == "postgresql" else set())


def _advisory_locks() -> set:
    """(number, mode) of the advisory locks this connection holds (none on SQLite)."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (classid::bigint << 32) | objid::bigint, mode FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted"
        )
        return {(_signed(number), mode) for number, mode in cursor.fetchall()}


def _signed(number: int) -> int:
    return number - (1 << 64) if number >= 1 << 63 else number


# --- races between the three paths --------------------------------------------------------
def _webform_writer(rep):
    webform = make_webform(rep)
    values = {
        "first_name": "Gleich",
        "last_name": "Zeitig",
        "email1": EMAIL,
        "phone_work": "",
        "description": "",
    }

    def write():
        return webforms.submit_webform(
            webform, dict(values), nonce="race-webform", consent=True
        ).created

    return write


def _api_writer(rep):
    client = token_client(rep)

    def write():
        response = client.post(
            "/api/v1/leads/upsert/", {"last_name": "Api", "email1": EMAIL}, format="json"
        )
        assert response.status_code in (200, 201), response.content
        return response.status_code == 201

    return write


def _import_writer(admin):
    text = f"Email,Last Name\n{EMAIL.upper()},Import\n"
    batch = imports.create_batch(upload("list.csv", text.encode()), model=Lead, actor=admin)

    def write():
        done = run(batch, actor=admin)
        assert done.created_count + done.duplicate_count == 1, done.error
        return done.created_count == 1

    return write


WRITERS = {"webform": _webform_writer, "api": _api_writer, "import": _import_writer}


@pytest.mark.parametrize(
    "first,second",
    [
        ("webform", "api"),
        ("api", "webform"),
        ("import", "webform"),
        ("webform", "import"),
        ("import", "api"),
    ],
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_paths_writing_one_new_email_make_one_lead(first, second, rep, admin, monkeypatch):
    writers = [
        WRITERS[first](rep if first != "import" else admin),
        WRITERS[second](rep if second != "import" else admin),
    ]
    held = threading.Event()
    _linger_in_first_thread(monkeypatch, held)

    created = _race(writers, held)

    # The second waited for the first's commit, then found its lead (without the lock it
    # creates its own while the first lingers, and the first then finds that one).
    assert created == [True, False], created
    lead = Lead.objects.get(email1=EMAIL)
    if "webform" in (first, second):
        # The submission was made or attached on the one lead: its event or its creation.
        assert ChangeLog.objects.filter(record_id=lead.pk, origin__startswith="webform:").exists()
    assert Lead.objects.count() == 1


def _linger_in_first_thread(monkeypatch, held: threading.Event) -> None:
    """The thread named "first" keeps its transaction open a while after taking its lock."""
    for name in ("lock_keys", "lock_namespace"):
        real = getattr(locks, name)

        def lock_and_linger(*args, _real=real, **kwargs):
            _real(*args, **kwargs)
            if threading.current_thread().name == "first":
                held.set()
                time.sleep(LINGER)

        monkeypatch.setattr(locks, name, lock_and_linger)


def _race(writers: list, held: threading.Event) -> list:
    """Run the writers in threads "first" and "second"; their results (or errors) in order."""
    together = connection.vendor != "sqlite"
    results: list = [None, None]

    def call(index):
        try:
            results[index] = writers[index]()
        except Exception as error:  # noqa: BLE001 - the result is what the test checks
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=call, args=(i,), name=name)
        for i, name in enumerate(("first", "second"))
    ]
    threads[0].start()
    if together:
        assert held.wait(timeout=30), "the first writer never took its lock"
    else:
        threads[0].join(timeout=60)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
    return results
