"""Raw inbound messages read into the fields of an e-mail, whatever the sender did to them.

Parsed with `email.policy.default` (each header parsed once: `POLICY`); every header and part
is read on its own and a broken one is read as raw text or left out, never raised: malformed
MIME, unknown charsets, missing or doubled headers, NUL bytes (which PostgreSQL refuses in
text) and addresses that do not parse. Attachments above the size limit are left out with a
note in the plain text. A forged From is stored as received; it only decides which records
the mail is linked to, as any header does.
"""

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime

from django.utils import timezone
from django.utils.translation import gettext as _


@functools.lru_cache(maxsize=4096)
def _header_object(name: str, value: str):
    return policy.default.header_fetch_parse(name, value)


class _Policy(EmailPolicy):
    """`email.policy.default`, but each header is parsed once: the standard policy parses a
    header again on every read, and walking a message's parts reads each Content-Type a dozen
    times (half of a message's parsing time). Parsed headers are immutable, so sharing is safe."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name") or len(value) > 4096:
            return super().header_fetch_parse(name, value)
        return _header_object(name, value)


POLICY = _Policy()

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Attachment:
    filename: str
    mime_type: str
    content: bytes


@dataclass
class ParsedMail:
    key: str
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    date_sent: datetime | None = None
    from_addr: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    reply_to: str = ""
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def addresses(self) -> set[str]:
        """Every address of From, To and Cc, lower-cased."""
        return {a for a in (self.from_addr, *self.to, *self.cc) if a}


def clean_text(value: str) -> str:
    """`value` without NUL and other control characters (tabs and line breaks stay)."""
    return _CONTROL.sub("", value or "")


def message_key(header: bytes) -> str:
    """The key a message is remembered by: its Message-ID, or a hash of its header."""
    found = _MESSAGE_ID.search(_header_value(header, b"message-id"))
    if found:
        return clean_text(found.group(1))[:255]
    return "sha256:" + hashlib.sha256(header).hexdigest()


def _header_value(header: bytes, name: bytes) -> str:
    for line in re.split(rb"\r?\n(?![ \t])", header):
        key, _sep, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.decode("utf-8", "replace")
    return ""


def parse(raw: bytes, *, max_attachment: int, header_only: bool = False) -> ParsedMail:
    """The fields of the raw message `raw`; `header_only` when only its header was fetched
    (a message above the size limit)."""
    header = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    mail = ParsedMail(key=message_key(header))
    message = message_from_bytes(raw, policy=POLICY)
    mail.message_id = _first_id(_header(message, "Message-ID"))
    mail.in_reply_to = _first_id(_header(message, "In-Reply-To"))
    mail.references = [
        clean_text(i)[:255] for i in _MESSAGE_ID.findall(_header(message, "References"))
    ]
    mail.subject = clean_text(" ".join(_header(message, "Subject").split()))
    mail.date_sent = _date(_header(message, "Date"))
    senders = _addresses(message, "From")
    if senders:
        mail.from_name, mail.from_addr = senders[0]
    mail.to = [a for _n, a in _addresses(message, "To")]
    mail.cc = [a for _n, a in _addresses(message, "Cc")]
    replies = _addresses(message, "Reply-To")
    mail.reply_to = replies[0][1] if replies else ""
    if header_only:
        mail.notes.append(_("The message was too large: only its header was read."))
    else:
        _read_body(message, mail, max_attachment)
    if message.defects:
        mail.notes.append(_("The message is malformed; it was read as far as possible."))
    return mail


def _header(message: EmailMessage, name: str) -> str:
    try:
        values = message.get_all(name) or []
        return clean_text(str(values[0])) if values else ""
    except Exception:  # noqa: BLE001 - a header the parser cannot read is read raw
        for key, value in message.raw_items():
            if key.lower() == name.lower():
                return clean_text(str(value))
        return ""


def _first_id(value: str) -> str:
    found = _MESSAGE_ID.search(value)
    return clean_text(found.group(1))[:255] if found else ""


def _date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_fixed_timezone(0))
    return moment


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(name, lower-cased address) of each address in header `name` that looks like one."""
    found = []
    for display, address in getaddresses([_header(message, name)]):
        address = address.strip().lower()
        if "@" in address and " " not in address and len(address) <= 254:
            found.append((clean_text(display)[:100], address))
    return found


def _read_body(message: EmailMessage, mail: ParsedMail, max_attachment: int) -> None:
    for kind in ("plain", "html"):
        try:
            part = message.get_body(preferencelist=(kind,))
        except Exception:  # noqa: BLE001 - a broken structure: try the next part kind
            part = None
        if part is not None:
            setattr(mail, "text" if kind == "plain" else "html", _content(part))
    try:
        attachments = list(message.iter_attachments())
    except Exception:  # noqa: BLE001 - not a multipart after all, or a broken one
        attachments = []
    for part in attachments:
        _attachment(part, mail, max_attachment)


def _content(part) -> str:
    try:
        content = part.get_content()
    except Exception:  # noqa: BLE001 - an unknown charset or transfer encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return clean_text(str(content))


def _attachment(part, mail: ParsedMail, max_attachment: int) -> None:
    try:
        filename = clean_text(part.get_filename() or "")
    except Exception:  # noqa: BLE001 - a filename parameter that does not decode
        filename = ""
    filename = (filename.replace("/", "_").replace("\\", "_") or _("attachment"))[:200]
    try:
        content = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001
        content = b""
    if len(content) > max_attachment:
        mail.notes.append(
            _("Attachment %(name)s (%(size)d MB) was not stored: larger than %(limit)d MB.")
            % {
                "name": filename,
                "size": len(content) // (1024 * 1024),
                "limit": max_attachment // (1024 * 1024),
            }
        )
        return
    mime_type = clean_text(part.get_content_type())[:100]
    mail.attachments.append(Attachment(filename, mime_type, content))
