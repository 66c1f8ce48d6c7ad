"""Real SuiteCRM databases for the migration's tests, loaded into MariaDB.

The dumps in `data/` were made by SuiteCRM 7.12.12 itself (see data/README.md). Each fixture
loads one into a MariaDB database of its own on 127.0.0.1:3306 (user root, no password) — the
name carries the test process id, so parallel runs never meet — and drops it afterwards.
MariaDB is required: the development machines and CI run it, so its absence fails the tests
with a clear message instead of skipping them.

- `suitecrm_journey` / `suitecrm_demo` (session): a `SuiteCRM` — a `mysql://` URL string to
  hand to `migrate()` or the command, with `.rows()`, `.dicts()`, `.scalar()` for the tests'
  expectations, written against SuiteCRM's schema.
- `suitecrm_query(sql, params=None)`: rows of the journey database (`.scalar(sql)` for one value).
- `suitecrm_uploads`: the journey's upload folder (the note files) unpacked into tmp_path.
- `suitecrm_damaged(*sql)`: a fresh copy of the journey database with `sql` applied to it
  (dropped tables, orphaned join rows, dates 0000-00-00 …), for bad-input tests.
"""

import gzip
import os
import tarfile
from pathlib import Path

import pymysql
import pytest
from django.contrib.auth import get_user_model

DATA = Path(__file__).parent / "data"
JOURNEY_DUMP = DATA / "suitecrm-7.12.12-journey.sql.gz"
DEMO_DUMP = DATA / "suitecrm-7.12.12-demo.sql.gz"
JOURNEY_UPLOADS = DATA / "suitecrm-7.12.12-journey-upload.tar.gz"

HOST, PORT, USER = "127.0.0.1", 3306, "root"


def _server(database: str | None = None, **options):
    try:
        return pymysql.connect(
            host=HOST,
            port=PORT,
            user=USER,
            password="",
            database=database,
            charset="utf8mb4",
            autocommit=True,
            **options,
        )
    except pymysql.MySQLError as error:
        pytest.fail(
            f"The SuiteCRM migration tests need MariaDB at {HOST}:{PORT} (user {USER}, no "
            f"password): {error}. Install and start it (apt-get install mariadb-server).",
            pytrace=False,
        )


class SuiteCRM(str):
    """A loaded SuiteCRM database: its `mysql://` URL, plus queries for the tests' expectations."""

    database: str

    def __new__(cls, database: str):
        url = super().__new__(cls, f"mysql://{USER}@{HOST}:{PORT}/{database}")
        url.database = database
        return url

    def connect(self):
        return _server(self.database)

    def rows(self, sql: str, params=None) -> list[tuple]:
        """The rows of `sql` as tuples."""
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        finally:
            connection.close()

    def dicts(self, sql: str, params=None) -> list[dict]:
        """The rows of `sql` as dicts (column name → value)."""
        connection = self.connect()
        try:
            with connection.cursor(pymysql.cursors.DictCursor) as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        finally:
            connection.close()

    def scalar(self, sql: str, params=None):
        """The first column of the first row of `sql` (None without rows)."""
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def execute(self, *statements: str) -> None:
        """Run statements against the database (for damaging a copy — never the shared ones)."""
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def tables(self) -> list[str]:
        return [row[0] for row in self.rows("SHOW TABLES")]

    def checksums(self) -> dict[str, int]:
        """`CHECKSUM TABLE` of every table: equal before and after means nothing was written."""
        tables = self.tables()
        listed = ", ".join(f"`{t}`" for t in tables)
        return {
            name.split(".", 1)[1]: value for name, value in self.rows(f"CHECKSUM TABLE {listed}")
        }


def sc(url: str) -> SuiteCRM:
    """The `SuiteCRM` helper for a `mysql://root@127.0.0.1:3306/<db>` URL."""
    return SuiteCRM(url.rsplit("/", 1)[1])


def statements(dump: Path):
    """The SQL statements of a mysqldump file (gzip): one or more lines each, ending in `;`.

    Comment lines (`--`) and MariaDB's client-only sandbox line are left out; the `/*!…*/;`
    version comments are statements the server runs. mysqldump escapes newlines inside values,
    so a line ending in `;` always ends a statement.
    """
    pending: list[str] = []
    with gzip.open(dump, "rt", encoding="utf-8", newline="\n") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not pending and (not line.strip() or line.startswith(("--", "/*M!999999"))):
                continue
            pending.append(line)
            if line.rstrip().endswith(";"):
                yield "\n".join(pending)
                pending = []
    if pending:
        yield "\n".join(pending)


def create_database(name: str, dump: Path = JOURNEY_DUMP) -> SuiteCRM:
    """A new database `name` (utf8mb3, like SuiteCRM's) holding `dump`; replaces an old one."""
    connection = _server(client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci"
            )
            cursor.execute(f"USE `{name}`")
            # Statements go in batches: one round trip per ~1 MB instead of one per row.
            batch, size = [], 0
            for statement in statements(dump):
                batch.append(statement)
                size += len(statement)
                if size > 1_000_000:
                    _run_batch(cursor, batch)
                    batch, size = [], 0
            _run_batch(cursor, batch)
    finally:
        connection.close()
    return SuiteCRM(name)


def _run_batch(cursor, batch: list[str]) -> None:
    if not batch:
        return
    cursor.execute("\n".join(batch))
    while cursor.nextset():
        pass


def drop_database(name: str) -> None:
    connection = _server()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    finally:
        connection.close()


def _name(kind: str) -> str:
    return f"kontor_test_sc_{os.getpid()}_{kind}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_stale_databases() -> None:
    """Drop the databases of test processes that are gone (killed runs leave theirs behind)."""
    connection = _server()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW DATABASES LIKE 'kontor\\_test\\_sc\\_%'")
            for (name,) in cursor.fetchall():
                pid = name.split("_")[3]
                if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                    cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    finally:
        connection.close()


@pytest.fixture(scope="session")
def suitecrm_journey():
    """The journey database (demo data + a German sales team's work), shared: never write to it."""
    drop_stale_databases()
    database = create_database(_name("journey"), JOURNEY_DUMP)
    yield database
    drop_database(database.database)


@pytest.fixture(scope="session")
def suitecrm_demo():
    """SuiteCRM's shipped demo database, shared: never write to it."""
    database = create_database(_name("demo"), DEMO_DUMP)
    yield database
    drop_database(database.database)


@pytest.fixture
def suitecrm_query(suitecrm_journey):
    """`suitecrm_query(sql, params=None)` → rows (tuples) of the journey database;
    `suitecrm_query.scalar(sql, params=None)` → one value."""

    def query(sql, params=None):
        return suitecrm_journey.rows(sql, params)

    query.scalar = suitecrm_journey.scalar
    query.dicts = suitecrm_journey.dicts
    return query


@pytest.fixture
def suitecrm_uploads(tmp_path) -> Path:
    """SuiteCRM's upload folder of the journey database: the two note files, named by note id."""
    folder = tmp_path / "upload"
    folder.mkdir()
    with tarfile.open(JOURNEY_UPLOADS) as archive:
        archive.extractall(folder, filter="data")
    return folder


@pytest.fixture
def suitecrm_damaged():
    """`suitecrm_damaged(*sql)`: a new copy of the journey database with `sql` applied.

    The statements run with an empty sql_mode, so MariaDB accepts what SuiteCRM's own data can
    hold after years of use (dates 0000-00-00 and the like). Each copy is dropped after the test.
    """
    made = []

    def damaged(*sql: str) -> SuiteCRM:
        database = create_database(_name(f"damaged{len(made)}"), JOURNEY_DUMP)
        made.append(database.database)
        if sql:
            database.execute("SET SESSION sql_mode = ''", *sql)
        return database

    yield damaged
    for name in made:
        drop_database(name)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files a migration stores (note attachments) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def actor(db):
    """The administrator a migration acts as."""
    return get_user_model().objects.create_superuser("migrator", "migrator@example.com", "x")
