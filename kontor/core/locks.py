"""Locks that keep writers of the same record key apart, for every path that creates records
from outside: web form submissions, API upserts and imports.

Each of them looks a person up by a key (e-mail, external id) and creates the record when none
is found. Two of them doing that for one new key at the same moment would both find nothing
and make two records, so they lock the key first, for the rest of their transaction.

The locks live in *namespaces*, one per record type and key kind (`namespace(Lead, EMAIL)` is
"leads.lead:email"):

- a single-record writer (a submission, an upsert) calls `lock_keys` with its
  (namespace, key) pairs: each namespace in SHARED mode, then each key EXCLUSIVE. Two writers
  of different keys pass each other; two of one key run one after the other.
- a bulk writer (an import chunk of 2,000 rows) calls `lock_namespace`: the namespace
  EXCLUSIVE, no per-key locks (thousands of advisory locks in one transaction would crowd
  PostgreSQL's shared lock table). It waits for the single writers in flight and holds new
  ones back until its transaction ends — one chunk, well under a second.

Deadlock-free by one order: every caller takes all its namespace locks before any key lock,
each group sorted by lock number; a bulk writer takes a single namespace lock.

PostgreSQL: transaction-scoped advisory locks (`pg_advisory_xact_lock[_shared]`), released at
commit or rollback; a lock's number is the first 8 bytes of the SHA-256 of its name
(deterministic across processes, unlike Python's `hash()`). SQLite: nothing to do — Kontor's
transactions begin IMMEDIATE (kontor/settings.py), so one writing transaction runs at a time.
Both: the caller must be inside `transaction.atomic()` (a lock taken in autocommit would be
released at once); otherwise RuntimeError.
"""

import hashlib
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

#: Key kinds: the primary e-mail address (lower-cased) and an external id ("<source>:<id>").
EMAIL, EXTERNAL = "email", "ext"


def namespace(model, kind: str) -> str:
    """The namespace of `model`'s records looked up by `kind`, e.g. "leads.lead:email"."""
    return f"{model._meta.label_lower}:{kind}"


def number(name: str) -> int:
    """The advisory lock number (a signed bigint) of a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def key_name(space: str, key: str) -> str:
    """The lock name of one key, e.g. "leads.lead:email:anna@example.org"."""
    return f"{space}:{key}"


def namespace_name(space: str) -> str:
    # A prefix that no key name has: a namespace never shares a number with a key.
    return f"namespace {space}"


def lock_keys(pairs: Iterable[tuple[str, str]], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """For a writer of one record: lock each (namespace, key) pair until the transaction ends.

    Empty keys are skipped (nothing to match on, nothing to lock). Waits while a bulk writer
    holds one of the namespaces or another writer holds one of the keys.
    """
    pairs = {(space, key) for space, key in pairs if key}
    connection = _connection(using)
    if not pairs or connection.vendor != "postgresql":
        return
    spaces = sorted({number(namespace_name(space)) for space, _key in pairs})
    keys = sorted({number(key_name(space, key)) for space, key in pairs})
    # One statement, one round trip: PostgreSQL evaluates a select list left to right, so
    # the locks are taken in the order listed (namespaces, then keys, each sorted).
    calls = ["pg_advisory_xact_lock_shared(%s)"] * len(spaces) + [
        "pg_advisory_xact_lock(%s)"
    ] * len(keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(calls)}", [*spaces, *keys])


def lock_namespace(*spaces: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """For a bulk writer: lock whole namespaces until the transaction ends.

    Waits until no single-record writer of them is in flight; new ones wait for this
    transaction. Take them once per transaction, all at once (sorted: two bulk writers never
    deadlock), before looking the keys up. Single-record writes inside the same transaction
    (a bulk API upsert's items) may skip `lock_keys`: the namespaces already keep others out.
    """
    connection = _connection(using)
    if connection.vendor != "postgresql" or not spaces:
        return
    numbers = sorted({number(namespace_name(space)) for space in spaces})
    calls = ", ".join(["pg_advisory_xact_lock(%s)"] * len(numbers))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", numbers)


def _connection(using: str):
    connection = connections[using]
    if not connection.in_atomic_block:
        # In autocommit the lock would end with its own statement and protect nothing.
        raise RuntimeError("kontor.core.locks must be used inside transaction.atomic().")
    return connection
