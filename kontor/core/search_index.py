"""The substring index behind record search, on PostgreSQL and SQLite.

See docs/performance.md rule 3.

For developers adding a record module and for operators. Every record table's `search_text`
(lower-cased, maintained by `save_record`) gets an index through the migration operation
`CreateSearchIndex("lead")`, written into the app's `0002_search_index.py`:

* PostgreSQL: the `pg_trgm` extension and a GIN index `<table>_search_trgm` on
  `replace(replace(search_text, '.', 'Q'), '@', 'X')…` (see `PG_PUNCTUATION`), used for
  `LIKE '%term%'` on the same expression; nothing else to keep in sync. pg_trgm cuts words
  at punctuation, so "anna.schmidt@web.de" would only give the trigrams of the common words
  anna, schmidt, web and de, and intersecting their long posting lists costs tens of
  milliseconds at a million rows. Mapping the punctuation to upper-case letters (which
  lower-cased `search_text` never contains, so the mapping loses nothing) keeps an address
  one word with rare trigrams such as "aqs" and "txw". `kontor.core.search.SearchMatch`
  pairs that indexed test with a plain one on the column (see there for why).
* SQLite: a contentless FTS5 table `<table>_fts` with the trigram tokenizer, keyed by the
  record table's rowid and kept in sync by three triggers (`<table>_fts_ai/_ad/_au`). The
  indexed text is `search_text` with every word preceded by two spaces (`'  ' || replace(…)`),
  so "a word starting with x" is the three-character phrase `"  x"` and short terms can use
  the index too (see `fts_phrase`).

SQLite rowids: the FTS rows point at the record table's rowid. Django's SQLite schema editor
rebuilds a table for most ALTERs (AddField of a NOT NULL column, AlterField …): that drops the
triggers and renumbers rowids. `heal_after_migrate` (connected to `post_migrate` by the core
app) notices the missing triggers after every `migrate` and rebuilds that table's index.
`VACUUM` may renumber rowids of tables without an INTEGER PRIMARY KEY according to SQLite's
documentation (3.40 keeps them for tables that have an index, which every record table
has); after a VACUUM of a database on another SQLite version, or whenever in doubt, rebuild:

    kontor search_index check       # samples rows, reports a stale index
    kontor search_index rebuild     # every record table (or name module slugs)

`INSERT OR REPLACE` into a record table would also bypass the delete trigger; Django never
issues it.
"""

import random
from contextlib import contextmanager

from django.db import connections, router, transaction
from django.db.migrations.operations.base import Operation

#: The trigram tokenizer and pg_trgm index three-character sequences: shorter terms match
#: words that start with them instead of any substring.
MIN_SUBSTRING = 3


# --- names and SQL -----------------------------------------------------------------------------


def fts_table(table: str) -> str:
    return f"{table}_fts"


def trigram_index(table: str) -> str:
    return f"{table}_search_trgm"


def _triggers(table: str) -> list[str]:
    return [f"{table}_fts_ai", f"{table}_fts_ad", f"{table}_fts_au"]


def _indexed(expr: str) -> str:
    """SQL of the text the FTS table indexes for a `search_text` value (see `fts_phrase`)."""
    return f"'  ' || replace({expr}, ' ', '  ')"


def fts_phrase(term: str) -> str:
    """The FTS5 query for a normalized term against the indexed text `'  ' + s.replace(' ', '  ')`.

    Doubling the spaces on both sides keeps "contains term" exact for terms of three or more
    characters. A two-character term gets one leading space and a one-character term two, so
    the phrase has a full trigram and means "a word starts with the term", as on PostgreSQL.
    """
    body = term.replace(" ", "  ")
    if len(term) < MIN_SUBSTRING:
        body = " " * (MIN_SUBSTRING - len(term)) + body
    return '"' + body.replace('"', '""') + '"'


#: Punctuation inside e-mail addresses, web sites and phone numbers, and the upper-case
#: letters it becomes in the PostgreSQL index expression (one letter each).
PG_PUNCTUATION, PG_LETTERS = ".@-+/", "QXJYV"
PG_MAP = str.maketrans(PG_PUNCTUATION, PG_LETTERS)


def pg_expression(column: str) -> str:
    """The indexed expression; queries must use it verbatim for the index to apply.

    Nested replace() rather than translate(): 0.7 µs a row against 3-6 µs, which counts when
    a sequential scan checks the rows that match.
    """
    expr = column
    for char, letter in zip(PG_PUNCTUATION, PG_LETTERS, strict=True):
        expr = f"replace({expr}, '{char}', '{letter}')"
    return expr


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_create_sql(table: str) -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX IF NOT EXISTS {quote(trigram_index(table))} ON {quote(table)} "
        f"USING gin (({pg_expression('search_text')}) gin_trgm_ops)",
    ]


def _pg_drop_sql(table: str) -> list[str]:
    # The extension stays: other tables' indexes (and other apps) may use it.
    return [f"DROP INDEX IF EXISTS {quote(trigram_index(table))}"]


def _sqlite_trigger_sql(table: str) -> list[str]:
    fts, (ai, ad, au) = quote(fts_table(table)), [quote(t) for t in _triggers(table)]
    delete_old = (
        f"INSERT INTO {fts}({fts}, rowid, search_text) "
        f"VALUES ('delete', old.rowid, {_indexed('old.search_text')});"
    )
    insert_new = (
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.rowid, {_indexed('new.search_text')});"
    )
    return [
        f"CREATE TRIGGER {ai} AFTER INSERT ON {quote(table)} BEGIN {insert_new} END",
        f"CREATE TRIGGER {ad} AFTER DELETE ON {quote(table)} BEGIN {delete_old} END",
        # Django writes every column on save(); only a changed text is worth re-indexing.
        f"CREATE TRIGGER {au} AFTER UPDATE ON {quote(table)} "
        "WHEN old.search_text IS NOT new.search_text OR old.rowid IS NOT new.rowid "
        f"BEGIN {delete_old} {insert_new} END",
    ]


def _sqlite_drop_triggers_sql(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {quote(t)}" for t in _triggers(table)]


def _sqlite_fill_sql(table: str) -> list[str]:
    """(Re)create the FTS table and index every row; triggers are added separately."""
    fts = quote(fts_table(table))
    return [
        f"DROP TABLE IF EXISTS {fts}",
        # contentless: the index holds only what the triggers put in, which is the transformed
        # text; detail=full keeps token positions, needed for phrase (= substring) queries.
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='', "
        "tokenize='trigram', detail=full)",
        f"INSERT INTO {fts}(rowid, search_text) "
        f"SELECT rowid, {_indexed('search_text')} FROM {quote(table)}",
        # One merged b-tree per term: fewer segments to read on every query.
        f"INSERT INTO {fts}({fts}) VALUES ('optimize')",
    ]


def create_sql(vendor: str, table: str) -> list[str]:
    """Statements that build (or rebuild) the search index of `table` on `vendor`."""
    if vendor == "postgresql":
        return _pg_create_sql(table)
    if vendor == "sqlite":
        return (
            _sqlite_drop_triggers_sql(table) + _sqlite_fill_sql(table) + _sqlite_trigger_sql(table)
        )
    return []


def drop_sql(vendor: str, table: str) -> list[str]:
    """Statements that remove the search index of `table` on `vendor`."""
    if vendor == "postgresql":
        return _pg_drop_sql(table)
    if vendor == "sqlite":
        fts = quote(fts_table(table))
        return [*_sqlite_drop_triggers_sql(table), f"DROP TABLE IF EXISTS {fts}"]
    return []


# --- the migration operation ----------------------------------------------------------------


class CreateSearchIndex(Operation):
    """Migration operation: the substring index on `<model>.search_text` for this database.

    Reversible (the reverse drops the index; `pg_trgm` stays installed). It changes no model
    state, so the autodetector never sees it. Used in each record app's `0002_search_index.py`.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name.lower()

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})

    def state_forwards(self, app_label, state):
        pass

    def _run(self, app_label, schema_editor, state, make_sql):
        model = state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        for sql in make_sql(schema_editor.connection.vendor, model._meta.db_table):
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, create_sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, drop_sql)

    def describe(self):
        return f"Create the search index of {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"search_index_{self.model_name}"


# --- maintenance: rebuild, bulk loads, self-repair after migrations ---------------------------


def _exists(connection, table: str) -> bool:
    """Is the search index of `table` installed?"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [trigram_index(table)])
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [fts_table(table)]
            )
        else:
            return False
        return cursor.fetchone() is not None


def _execute(connection, statements: list[str]) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows written earlier in this transaction (a bulk load) leave deferred foreign
            # key checks pending, and CREATE INDEX refuses to run until they have fired.
            connection.check_constraints()
            # Building a GIN index over a million rows wants more than the 64 MB default.
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for sql in statements:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("RESET maintenance_work_mem")


def rebuild(model, using: str = "default") -> None:
    """Rebuild the search index of `model`'s table from its `search_text` column."""
    connection = connections[using]
    table = model._meta.db_table
    statements = create_sql(connection.vendor, table)
    if connection.vendor == "postgresql":
        statements = _pg_drop_sql(table) + statements
    _execute(connection, statements)


@contextmanager
def suspended(models, using: str = "default"):
    """For bulk loads: no per-row index upkeep inside the block, one rebuild at its end.

    A trigram index slows bulk writes about sixfold (docs/performance.md rule 7). Inside a
    transaction, a failing block rolls the dropped index back with everything else; outside
    one, the index is rebuilt even when the block fails. Either way it matches the table.
    """
    connection = connections[using]
    tables = [m._meta.db_table for m in models if _exists(connection, m._meta.db_table)]
    for table in tables:
        _execute(connection, drop_sql(connection.vendor, table))
    ok = False
    try:
        yield
        ok = True
    finally:
        if ok or not connection.in_atomic_block:
            for table in tables:
                _execute(connection, create_sql(connection.vendor, table))


def stale_tables(models, using: str = "default", sample: int = 20) -> list[str]:
    """Tables of `models` whose search index is missing or points at the wrong rows.

    SQLite: the triggers must exist, and `sample` random rows must be found through the index
    under their own rowid (a renumbering VACUUM or table rebuild breaks that).
    """
    connection = connections[using]
    stale = []
    for model in models:
        table = model._meta.db_table
        if (
            not _exists(connection, table)
            or _outdated(connection, table)
            or (connection.vendor == "sqlite" and not _sqlite_consistent(connection, table, sample))
        ):
            stale.append(table)
    return stale


def _sqlite_consistent(connection, table: str, sample: int) -> bool:
    """Are `sample` random rows found through the index under their own rowid?"""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(rowid) FROM {quote(table)}")
        top = cursor.fetchone()[0] or 0
        rng = random.Random()
        fts = quote(fts_table(table))
        for _ in range(sample if top else 0):
            cursor.execute(
                f"SELECT rowid, search_text FROM {quote(table)} WHERE rowid >= %s "
                "AND length(search_text) >= %s LIMIT 1",
                [rng.randint(1, top), MIN_SUBSTRING],
            )
            row = cursor.fetchone()
            if row is None:
                continue
            cursor.execute(
                f"SELECT 1 FROM {fts} WHERE {fts} MATCH %s AND rowid = %s",
                [fts_phrase(" ".join(row[1][:40].split())), row[0]],
            )
            if cursor.fetchone() is None:
                return False
    return True


def _outdated(connection, table: str) -> bool:
    """Is the installed index of `table` not the one this version queries?

    SQLite: a migration rebuilt the table (Django's SQLite schema editor copies a table for
    most ALTERs, which drops its triggers and renumbers its rowids). PostgreSQL: the index
    was built on another expression by an earlier version of this module.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name IN (%s, %s, %s)",
                _triggers(table),
            )
            return cursor.fetchone()[0] != 3
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [trigram_index(table)]
        )
        row = cursor.fetchone()
        return row is not None and pg_expression("search_text") not in row[0].replace("::text", "")


def heal_after_migrate(
    sender, using: str = "default", apps=None, verbosity: int = 1, **kwargs
) -> None:
    """post_migrate: rebuild the search indexes of `sender`'s tables that are `_outdated`."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql") or apps is None:
        return
    try:
        models = apps.get_app_config(sender.label).get_models()
    except LookupError:
        return
    for model in models:
        table = model._meta.db_table
        if (
            router.allow_migrate_model(using, model)
            and _exists(connection, table)
            and _outdated(connection, table)
        ):
            if verbosity:
                print(f"  Rebuilding the search index of {table}")
            rebuild(model, using)


# Connected on import: every `migrate` imports the record apps' 0002 migrations, which import
# this module, so the handler is in place whenever migrations run.
