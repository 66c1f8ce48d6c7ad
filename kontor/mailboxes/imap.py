"""The IMAP side of a poll: connect, sign in, open the folder read-only, list and fetch by UID.

Every failure becomes a `MailboxError` with a translated message a person can act on (wrong
user or password, server not reachable, folder missing), which the mailbox's page shows.
"""

import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

#: Seconds to wait for the server before giving up (a poll must not hang the worker)
TIMEOUT = 30

_FETCH_UID = re.compile(rb"UID (\d+)")
_FETCH_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """A mailbox that could not be read. `text` is the English message (marked for
    translation) with its `params`; `message` is it in the active language. The mailbox keeps
    both, so its page shows the reason in the reader's language, not the worker's."""

    def __init__(self, text: str, **params):
        self.text, self.params = text, {k: str(v) for k, v in params.items()}
        self.message = _(text) % self.params if self.params else _(text)
        super().__init__(self.message)

    @classmethod
    def lost(cls, host: str, error: Exception) -> "MailboxError":
        """A connection that broke off while reading."""
        return cls(
            gettext_noop("The connection to %(host)s broke off: %(error)s"), host=host, error=error
        )


@dataclass
class Settings:
    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str


class Connection:
    """A signed-in IMAP connection with the folder selected read-only (nothing is marked read)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = _open(settings)
        try:
            self.client.login(settings.username, settings.password)
        except imaplib.IMAP4.error as error:
            self.close()
            raise MailboxError(
                gettext_noop("The server refused the user name or password.")
            ) from error
        try:
            status, _data = self.client.select(_quoted(settings.folder), readonly=True)
        except imaplib.IMAP4.error:
            status = "NO"
        if status != "OK":
            self.close()
            raise MailboxError(
                gettext_noop("The folder %(folder)s does not exist on the server."),
                folder=settings.folder,
            )
        self.uidvalidity = int(self.client.response("UIDVALIDITY")[1][0])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self.client.logout()

    def uids_above(self, last_uid: int) -> list[int]:
        """The UIDs of the folder above `last_uid`, ascending ("n:*" also answers the last
        message when none is above n, so the list is filtered)."""
        status, data = self.client.uid("SEARCH", None, f"UID {last_uid + 1}:*")
        _check(status, data)
        return sorted(u for u in (int(x) for x in data[0].split()) if u > last_uid)

    def headers(self, uids: list[int]) -> dict[int, tuple[int, bytes]]:
        """UID → (size in bytes, the raw header) of each of `uids`."""
        return {
            uid: (size, body)
            for uid, size, body in self._fetch(uids, "(UID RFC822.SIZE BODY.PEEK[HEADER])")
        }

    def messages(self, uids: list[int]) -> dict[int, bytes]:
        """UID → the whole raw message of each of `uids` (BODY.PEEK: nothing marked read)."""
        return {uid: body for uid, _size, body in self._fetch(uids, "(UID BODY.PEEK[])")}

    def _fetch(self, uids: list[int], what: str):
        if not uids:
            return
        status, data = self.client.uid("FETCH", ",".join(map(str, uids)), what)
        _check(status, data)
        for item in data:
            if not isinstance(item, tuple):
                continue
            head, body = item
            uid, size = _FETCH_UID.search(head), _FETCH_SIZE.search(head)
            if uid:
                yield int(uid.group(1)), int(size.group(1)) if size else len(body), body


def connect(settings: Settings) -> Connection:
    """A connection to the mailbox of `settings`; MailboxError when that fails."""
    try:
        return Connection(settings)
    except MailboxError:
        raise
    except ssl.SSLError as error:
        raise MailboxError(
            gettext_noop(
                "The secure connection to %(host)s failed: check the port and encryption."
            ),
            host=settings.host,
        ) from error
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(
            gettext_noop("The server %(host)s:%(port)s could not be reached."),
            host=settings.host,
            port=settings.port,
        ) from error


def _open(settings: Settings) -> imaplib.IMAP4:
    if settings.security == "ssl":
        return imaplib.IMAP4_SSL(
            settings.host, settings.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
        )
    client = imaplib.IMAP4(settings.host, settings.port, timeout=TIMEOUT)
    if settings.security == "starttls":
        client.starttls(ssl.create_default_context())
    return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(status: str, data) -> None:
    if status != "OK":
        raise MailboxError(gettext_noop("The server answered with an error: %(error)s"), error=data)
