"""vCard (3.0, RFC 2426 with RFC 6350's escaping) of people: one record, or a whole list as
filtered, through the permission filter for "export" (issue 5, item 9).

Offered for the person modules (contacts, leads, targets); others answer 404. Text is escaped
(backslash, comma, semicolon, line breaks) and lines are folded at 75 octets, so names with
commas or line breaks in a note cannot break the card.
"""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kontor.core.people import Person
from kontor.core.records.export import ExportView

ADDRESS = ("street", "city", "state", "postalcode", "country")


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11, RFC 6350 §3.4): shared by vCard and iCalendar."""
    value = (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    # Other control characters are not allowed in a content line at all.
    return "".join(ch for ch in value if ch == "\t" or ord(ch) >= 0x20 and ord(ch) != 0x7F)


def fold(line: str) -> str:
    """A content line folded to at most 75 octets per physical line, ending in CRLF."""
    data = line.encode()
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while end > start and (data[end] & 0xC0) == 0x80:  # never inside a UTF-8 character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with one space
    parts.append(data[start:])
    return "\r\n ".join(p.decode() for p in parts) + "\r\n"


def _company(record) -> str:
    account = getattr(record, "account", None) if getattr(record, "account_id", None) else None
    return getattr(account, "name", "") or getattr(record, "account_name", "")


def card_lines(record) -> list[str]:
    """The lines of one person's vCard (empty properties left out)."""
    e = escape_text
    lines = ["BEGIN:VCARD", "VERSION:3.0",
             f"N:{e(record.last_name)};{e(record.first_name)};;{e(record.salutation)};",
             f"FN:{e(str(record) or record.last_name)}",
             f"UID:urn:uuid:{record.pk}"]
    optional = [("ORG", _company(record)), ("TITLE", record.title),
                ("EMAIL;TYPE=INTERNET,PREF", record.email1), ("EMAIL;TYPE=INTERNET",
                                                                record.email2),
                ("TEL;TYPE=WORK,VOICE", record.phone_work), ("TEL;TYPE=CELL", record.phone_mobile),
                ("TEL;TYPE=HOME", record.phone_home), ("TEL;TYPE=WORK,FAX", record.phone_fax),
                ("NOTE", record.description)]
    lines += [f"{name}:{e(value)}" for name, value in optional if value]
    for prefix, kind in (("primary_address", "WORK"), ("alt_address", "HOME")):
        parts = [getattr(record, f"{prefix}_{part}") for part in ADDRESS]
        if any(parts):
            lines.append(f"ADR;TYPE={kind}:;;" + ";".join(e(p) for p in parts))
    if record.birthdate:
        lines.append(f"BDAY:{record.birthdate.isoformat()}")
    lines.append(f"REV:{record.date_modified.strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return lines


def cards(records):
    for record in records:
        for line in card_lines(record):
            yield fold(line)


def _response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class VcardExportView(ExportView):
    """All people of the list (as filtered and sorted) as one .vcf file."""

    extension = "vcf"

    def dispatch(self, request, *args, **kwargs):
        if not issubclass(self.module.model, Person):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def export_queryset(self):
        queryset = super().export_queryset().defer("search_text", "custom")
        if any(f.name == "account" for f in self.module.model._meta.fields):
            queryset = queryset.select_related("account")
        return queryset

    def get(self, request):
        records = self.export_queryset().iterator(chunk_size=2000)
        return _response(cards(records), self.filename())


class VcardView(VcardExportView):
    """One person's vCard, from the detail page."""

    def get(self, request, pk):
        record = get_object_or_404(self.export_queryset(), pk=pk)
        stamp = timezone.localtime().strftime("%Y%m%d")
        name = "".join(ch for ch in str(record)
                       if ch.isascii() and (ch.isalnum() or ch in " -_"))[:60] or "card"
        return _response(cards([record]), f"{name}-{stamp}.vcf")
