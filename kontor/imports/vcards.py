"""vCard files (.vcf, versions 2.1, 3.0 and 4.0) turned into the CSV the import reads.

For the import's upload: a file of vCards (an address book exported from a phone, Outlook,
Apple Contacts or Google) becomes, before anything else reads it, a UTF-8 CSV whose columns
are the person fields' own names (`first_name`, `email1`, `phone_mobile` …), so the mapping
page maps them without help and every later step — dry run, row errors, parallel parts, undo —
works on it as on any CSV. Row n of the CSV is the n-th card of the file. A card that cannot
be read refuses the whole file with its number, line and reason: nothing half imported.
Parsing is `vobject`'s (folding, escaping, quoted-printable and the versions' differences).
"""

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO, TextIO

import vobject
from django.utils.translation import gettext as _

from kontor.imports.readers import ReaderError, detect_encoding

COLUMNS = (
    "salutation",
    "first_name",
    "last_name",
    "title",
    "account_name",
    "department",
    "email1",
    "email2",
    "phone_work",
    "phone_mobile",
    "phone_home",
    "phone_other",
    "phone_fax",
    "primary_address_street",
    "primary_address_city",
    "primary_address_state",
    "primary_address_postalcode",
    "primary_address_country",
    "alt_address_street",
    "alt_address_city",
    "alt_address_state",
    "alt_address_postalcode",
    "alt_address_country",
    "birthdate",
    "description",
)
#: Name prefixes and the salutation keys they stand for (salutation_dom's keys, as SuiteCRM).
SALUTATIONS = {
    "mr": "Mr.",
    "herr": "Mr.",
    "ms": "Ms.",
    "frau": "Ms.",
    "mrs": "Mrs.",
    "miss": "Miss",
    "dr": "Dr.",
    "prof": "Prof.",
}
#: A card's lines are unlimited in the format; one that is longer is not an address book.
MAX_CARD_LINES = 2000
#: The most cards named in a refusal.
SHOWN_ERRORS = 5


def is_vcard(head: bytes) -> bool:
    """Whether a file starting with `head` is a vCard file (UTF-8, or UTF-16 with BOM)."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, errors="ignore").encode()
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return text[:11].upper() == b"BEGIN:VCARD"


def to_csv(source: BinaryIO, target: TextIO) -> int:
    """Write the cards of `source` as CSV rows into `target`; returns the number of cards.
    ReaderError, naming the first bad cards, when any card cannot be read."""
    writer = csv.writer(target)
    writer.writerow(COLUMNS)
    count, errors = 0, []
    for number, line, text in _cards(source):
        count = number
        try:
            card = vobject.readOne(text, validate=False)
            writer.writerow(_row(card))
        except Exception as error:  # noqa: BLE001 - vobject raises many kinds on broken input
            errors.append(
                _("card %(number)s (line %(line)s): %(reason)s")
                % {"number": number, "line": line, "reason": _reason(error)}
            )
    if errors:
        shown = "; ".join(errors[:SHOWN_ERRORS])
        raise ReaderError(
            _("%(count)s of the file's vCards cannot be read, so nothing was taken: %(cards)s")
            % {"count": len(errors), "cards": shown}
        )
    if not count:
        raise ReaderError(_("The file holds no vCard."))
    return count


def _reason(error: Exception) -> str:
    """vobject's own words (English; they name the line's problem), or the error's kind."""
    return str(error)[:200] or type(error).__name__


def _cards(source: BinaryIO) -> Iterator[tuple[int, int, str]]:
    """(card number, first line, text) of each BEGIN:VCARD … END:VCARD block."""
    lines = _lines(source)
    number, block, first = 0, [], 0
    for line_number, line in enumerate(lines, start=1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD" and not block:
            first, block = line_number, [line]
        elif block:
            block.append(line)
            if upper == "END:VCARD":
                number += 1
                yield number, first, "\r\n".join(block) + "\r\n"
                block = []
            elif len(block) > MAX_CARD_LINES:
                raise ReaderError(
                    _("The vCard starting on line %(line)s has more than %(limit)s lines.")
                    % {"line": first, "limit": MAX_CARD_LINES}
                )
    if block:
        raise ReaderError(_("The vCard starting on line %(line)s has no end.") % {"line": first})


def _lines(source: BinaryIO) -> Iterator[str]:
    encoding = detect_encoding(source)  # one streaming pass; UTF-8, else Windows-1252
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        for line in text:
            yield line.rstrip("\r\n")
    finally:
        text.detach()  # the caller closes its file


def _row(card) -> list[str]:
    values = dict.fromkeys(COLUMNS, "")
    _name(card, values)
    if "org" in card.contents:
        org = card.org.value if isinstance(card.org.value, list) else [card.org.value]
        values["account_name"] = org[0] if org else ""
        values["department"] = ", ".join(o for o in org[1:] if o)
    values["title"] = _text(card, "title")
    emails = sorted(card.contents.get("email", []), key=lambda e: not _is(e, "pref"))
    for field, email in zip(("email1", "email2"), emails, strict=False):
        values[field] = str(email.value).strip()
    for tel in card.contents.get("tel", []):
        field = _phone_field(tel)
        if not values[field]:
            values[field] = str(tel.value).strip()
    addresses = sorted(card.contents.get("adr", []), key=lambda a: _is(a, "home"))
    for prefix, adr in zip(("primary_address", "alt_address"), addresses, strict=False):
        _address(adr.value, prefix, values)
    values["birthdate"] = _date(_text(card, "bday"))
    notes = [_text(card, "note")]
    notes += [str(url.value) for url in card.contents.get("url", [])]
    values["description"] = "\n".join(n for n in notes if n)
    return [values[c] for c in COLUMNS]


def _name(card, values: dict) -> None:
    if "n" in card.contents and isinstance(card.n.value, vobject.vcard.Name):
        name = card.n.value
        values["last_name"] = _joined(name.family)
        values["first_name"] = " ".join(
            p for p in (_joined(name.given), _joined(name.additional)) if p
        )
        words = (w.rstrip(".") for w in _joined(name.prefix).lower().split())
        values["salutation"] = next((SALUTATIONS[w] for w in words if w in SALUTATIONS), "")
    if not values["last_name"]:
        full = _text(card, "fn").split()
        values["first_name"] = values["first_name"] or " ".join(full[:-1])
        values["last_name"] = full[-1] if full else ""


def _phone_field(tel) -> str:
    if _is(tel, "cell"):
        return "phone_mobile"
    if _is(tel, "fax"):
        return "phone_fax"
    if _is(tel, "home"):
        return "phone_home"
    if (
        _is(tel, "work")
        or not _is(tel, "cell")
        and _is(tel, "voice")
        or not tel.params
        and not tel.singletonparams
    ):
        return "phone_work"
    return "phone_other"


def _address(adr, prefix: str, values: dict) -> None:
    street = [_joined(adr.box), _joined(adr.extended), _joined(adr.street)]
    values[f"{prefix}_street"] = "\n".join(s for s in street if s)
    values[f"{prefix}_city"] = _joined(adr.city)
    values[f"{prefix}_state"] = _joined(adr.region)
    values[f"{prefix}_postalcode"] = _joined(adr.code)
    values[f"{prefix}_country"] = _joined(adr.country)


def _is(prop, kind: str) -> bool:
    # 3.0 and 4.0 write TYPE=CELL,VOICE; 2.1 writes the types as bare parameters (TEL;CELL).
    types = [t.lower() for value in prop.params.get("TYPE", []) for t in value.split(",")]
    types += [name.lower() for name in (*prop.params, *prop.singletonparams)]
    return kind in types


def _text(card, name: str) -> str:
    prop = card.contents.get(name)
    return str(prop[0].value).strip() if prop else ""


def _joined(part) -> str:
    return " ".join(p for p in part if p).strip() if isinstance(part, list) else str(part).strip()


def _date(text: str) -> str:
    """ISO date of a vCard birthday (1985-04-12, 19850412; a date without year is dropped)."""
    digits = text[:10].replace("-", "")
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    return ""
