"""A note's attachment through SuiteCRM's APIs, kept in Kontor's own note file field
(`Note.filename`, with its allowed file types and `FILE_UPLOAD_MAX_SIZE`).

For the mapping (the Notes attributes `filename`, `filecontents` and `file_mime_type`) and the
v4_1 attachment methods. As in SuiteCRM 7.14: a V8 create or update with `filename` and
`filecontents` (base64) attaches the file, a read shows the file's name and MIME type and an
empty `filecontents`; v4_1's `get_note_attachment` hands out the contents. The file is checked
by the note's own validation when the record is saved (`save_record`), so a refused file
leaves the note, its change log and the storage as they were.
"""

import base64
import binascii
import mimetypes
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from kontor.suiteapi.attributes import Attribute, invalid, like_q
from kontor.suiteapi.references import Computed

#: Where a file's name and contents wait on the record until both have been sent
PENDING = "_suiteapi_attachment"


def stored_name(record) -> str:
    """The file's own name ("offer.pdf"), without Kontor's folder; "" without a file."""
    value = getattr(record, "filename", None)
    path = getattr(value, "name", value) or ""
    return posixpath.basename(str(path))


def mime_type(record) -> str:
    name = stored_name(record)
    return (mimetypes.guess_type(name)[0] or "application/octet-stream") if name else ""


def _mime_of(record, prepared) -> str:
    return mime_type(record)


def decoded(raw) -> bytes:
    """The bytes of base64 `raw` (line breaks allowed); ValidationError keyed filecontents."""
    text = "".join(str(raw).split())
    # the decoded size, known before decoding (a request can hold megabytes of base64)
    if len(text) * 3 // 4 - (len(text) - len(text.rstrip("="))) > settings.FILE_UPLOAD_MAX_SIZE:
        raise ValidationError({"filecontents": _("The file is too large.")})
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            {"filecontents": _("The file's contents are not valid base64.")}
        ) from None


def safe_name(raw) -> str:
    """A client's file name as Kontor stores it: no folders, no unsafe characters."""
    name = posixpath.basename(str(raw or "").replace("\\", "/")).strip()
    try:
        return get_valid_filename(name)
    except SuspiciousFileOperation:
        raise invalid("filename", raw) from None


def attach(record, name, contents: bytes) -> None:
    """Put a file on the (unsaved) note; the note's validation checks it on saving."""
    record.filename = ContentFile(contents, name=safe_name(name))


def _offer(record, **part) -> None:
    """Remember a name or contents sent for `record`; attach once both are there."""
    pending = {**getattr(record, PENDING, {}), **part}
    setattr(record, PENDING, pending)
    if pending.get("name") and pending.get("contents") is not None:
        attach(record, pending["name"], pending["contents"])


@dataclass
class NoteFile(Attribute):
    """`filename`: the attachment's name; written together with `filecontents` (a name
    alone changes nothing, as the file stays what it is)."""

    type: str = "file"
    len: int | None = 255

    def get(self, record, prepared=None):
        return stored_name(record) or None

    def condition(self, op, raw):
        op = op.lower()
        if op == "like":
            return like_q(self.field, f"%/{raw}")
        if op not in ("eq", "neq"):
            raise ValueError(op)
        q = Q(filename="") if raw in (None, "") else Q(filename__endswith=f"/{raw}")
        return ~q if op == "neq" else q

    def set(self, record, raw, user):
        if raw not in (None, ""):
            _offer(record, name=str(raw))


@dataclass
class FileContents(Computed):
    """`filecontents`: the attachment's bytes in base64, write-only (empty on reading)."""

    def get(self, record, prepared=None):
        return None

    def set(self, record, raw, user):
        if raw not in (None, ""):
            _offer(record, contents=decoded(raw))


def attributes() -> tuple:
    """The Notes attributes of the attachment, in SuiteCRM's names."""
    return (
        NoteFile("filename", "filename"),
        FileContents("filecontents", None),
        Computed("file_mime_type", None, read_only=True, len=100, compute=_mime_of),
    )


def contents(record) -> bytes:
    """The attachment's bytes (b"" without a file or when the stored file is gone)."""
    if not getattr(record, "filename", None):
        return b""
    try:
        with record.filename.open("rb") as stored:
            return stored.read()
    except OSError:
        return b""
