"""Reading a SuiteCRM database (MySQL or MariaDB), read-only, for the migration's steps.

`Source.open(url)` connects with PyMySQL, makes the session read-only and reads everything in
one consistent snapshot, so a SuiteCRM that keeps working during the migration is seen as it
was at the start. Nothing here writes to SuiteCRM. Values come back as SuiteCRM stores them;
`text()`, `when()` and `day()` turn them into what Kontor stores (NULL and "" alike, entities
decoded, 0000-00-00 as empty, datetimes as UTC).
"""

import datetime
import html
import re
from urllib.parse import unquote, urlsplit

import pymysql
import pymysql.cursors
from django.utils.translation import gettext as _

#: "scheme://user:" … up to the last "@": the password, whatever characters it holds
_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):.*@")


class SourceError(Exception):
    """The SuiteCRM database cannot be read (a clear message, never a traceback)."""


def parse_url(url: str) -> dict:
    """Connection arguments of `mysql://user:password@host:port/database`."""
    parts = urlsplit(url)
    try:
        port, parsed = parts.port, True
    except ValueError:  # a password holding "/", "#" or "?" that was not percent-encoded
        port, parsed = None, False
    if not parsed or parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
        raise SourceError(
            _(
                "Expected mysql://user:password@host:3306/database (characters such as / # ? "
                "in the password percent-encoded), got %(url)s."
            )
            % {"url": redacted(url)}
        )
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": port or 3306,
        "user": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
        "database": parts.path.strip("/"),
    }


def redacted(url: str) -> str:
    """`url` without its password, for reports and logs."""
    # By pattern, not urlsplit: it must also hide the password of a URL that does not parse.
    return _PASSWORD.sub(r"\1:***@", url, count=1)


class Source:
    """An open, read-only connection to one SuiteCRM database."""

    def __init__(self, connection, name: str):
        self.connection = connection
        self.name = name
        self._tables = None
        self._streaming = False
        #: The server's UTC time when the snapshot started (set by `open`)
        self.clock: datetime.datetime | None = None

    @classmethod
    def open(cls, url: str) -> "Source":
        args = parse_url(url)
        try:
            connection = pymysql.connect(
                **args, charset="utf8mb4", autocommit=False, connect_timeout=10
            )
        except pymysql.MySQLError as error:
            raise SourceError(
                _("Cannot connect to %(url)s: %(error)s")
                % {"url": redacted(url), "error": error.args[-1]}
            ) from None
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                # The snapshot needs REPEATABLE READ; a server may default to READ COMMITTED.
                cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SET SESSION time_zone = '+00:00'")
                cursor.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                # SuiteCRM's dates are UTC: the server's UTC time as the snapshot starts is
                # where a later delta run reads from (`MigrationRun.source_clock`).
                cursor.execute("SELECT UTC_TIMESTAMP()")
                clock = cursor.fetchone()[0]
        except pymysql.MySQLError as error:
            connection.close()
            raise SourceError(
                _("Cannot read %(url)s: %(error)s")
                % {"url": redacted(url), "error": error.args[-1]}
            ) from None
        source = cls(connection, f"{args['host']}:{args['port']}/{args['database']}")
        source.clock = clock.replace(tzinfo=datetime.UTC)
        return source

    def close(self) -> None:
        self.connection.close()

    def _idle(self) -> None:
        # One connection reads one result at a time: a query sent while rows() streams would
        # silently drop the rest of the stream (PyMySQL only warns), so it is refused.
        if self._streaming:
            raise RuntimeError(
                "Query on a SuiteCRM source while rows() is streaming: collect the rows (or a "
                "chunk of them) first, or read what the chunk needs before streaming."
            )

    def tables(self) -> set[str]:
        """The names of the tables the database has (lower-case)."""
        if self._tables is None:
            self._idle()
            with self.connection.cursor() as cursor:
                cursor.execute("SHOW TABLES")
                self._tables = {row[0].lower() for row in cursor.fetchall()}
        return self._tables

    def has(self, table: str) -> bool:
        return table.lower() in self.tables()

    def columns(self, table: str) -> list[str]:
        self._idle()
        with self.connection.cursor() as cursor:
            cursor.execute(f"SHOW COLUMNS FROM `{table}`")
            return [row[0] for row in cursor.fetchall()]

    def rows(self, sql: str, params=None, *, batch: int = 2000):
        """Stream the rows of `sql` as dicts, `batch` at a time, without holding them all.

        No other query may use this source until the stream is read to its end (or closed):
        one that does raises RuntimeError instead of cutting the stream short.
        """
        self._idle()
        self._streaming = True
        try:
            with self.connection.cursor(pymysql.cursors.SSDictCursor) as cursor:
                cursor.execute(sql, params)
                while chunk := cursor.fetchmany(batch):
                    yield from chunk
        finally:
            self._streaming = False

    def scalar(self, sql: str, params=None):
        self._idle()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            return row[0] if row else None


def text(value) -> str:
    """A SuiteCRM text value as Kontor stores it: "" for NULL, entities decoded, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    value = str(value)
    return html.unescape(value).strip() if "&" in value else value.strip()


def when(value) -> datetime.datetime | None:
    """A SuiteCRM datetime (UTC, no offset) as an aware datetime; None for empty or 0000-00-00."""
    if not value or isinstance(value, str):
        return None  # PyMySQL hands invalid dates such as 0000-00-00 00:00:00 back as text
    if not isinstance(value, datetime.datetime):  # a date column: its midnight
        value = datetime.datetime.combine(value, datetime.time())
    return value.replace(tzinfo=datetime.UTC)


def day(value) -> datetime.date | None:
    """A SuiteCRM date; None for empty or 0000-00-00 (a datetime gives its UTC date)."""
    if not value or isinstance(value, str):
        return None
    return value.date() if isinstance(value, datetime.datetime) else value


def flag(value) -> bool:
    """A SuiteCRM bool (0/1, NULL meaning 0)."""
    return bool(int(value or 0))


def multienum(value) -> list[str]:
    """`^a^,^b^` as ["a", "b"]."""
    value = text(value)
    return [part.strip("^") for part in value.split(",") if part.strip("^")] if value else []
