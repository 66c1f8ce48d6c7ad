"""vCard (3.0, RFC 2426 with RFC 6350's escaping) of people: one record, or a whole list as
filtered, through the permission filter for "export".

Offered for the person modules (contacts, leads, targets); others answer 404. Text is escaped
(backslash, comma, semicolon, line breaks) and lines are folded at 75 octets, so names with
commas or line breaks in a note cannot break the card.
"""

import re
from datetime import UTC

from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kontor.core import permissions
from kontor.core.people import ADDRESS_PARTS as ADDRESS
from kontor.core.people import Person
from kontor.core.records.export import ExportView, chunked

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11, RFC 6350 §3.4): shared by vCard and iCalendar."""
    value = (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    # Other control characters are not allowed in a content line at all.
    return _CONTROL.sub("", value)


def fold(line: str) -> str:
    """A content line folded to at most 75 octets per physical line, ending in CRLF."""
    if len(line) <= 18 or len(line) <= 75 and line.isascii():  # 18 chars are ≤ 72 octets
        return line + "\r\n"
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while end > start and (data[end] & 0xC0) == 0x80:  # never inside a UTF-8 character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with one space
    parts.append(data[start:])
    return "\r\n ".join(p.decode() for p in parts) + "\r\n"


FIELDS = (
    "id",
    "salutation",
    "first_name",
    "last_name",
    "title",
    "email1",
    "email2",
    "phone_work",
    "phone_mobile",
    "phone_home",
    "phone_fax",
    "description",
    "birthdate",
    "date_modified",
    *[f"{p}_{part}" for p in ("primary_address", "alt_address") for part in ADDRESS],
)


def card_lines(v: dict) -> list[str]:
    """The lines of one person's vCard from its values (empty properties left out)."""
    e = escape_text
    full_name = " ".join(p for p in (v["first_name"], v["last_name"]) if p)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{e(v['last_name'])};{e(v['first_name'])};;{e(v['salutation'])};",
        f"FN:{e(full_name)}",
        f"UID:urn:uuid:{v['id']}",
    ]
    company = v.get("company") or v.get("account_name") or ""
    optional = [
        ("ORG", company),
        ("TITLE", v["title"]),
        ("EMAIL;TYPE=INTERNET,PREF", v["email1"]),
        ("EMAIL;TYPE=INTERNET", v["email2"]),
        ("TEL;TYPE=WORK,VOICE", v["phone_work"]),
        ("TEL;TYPE=CELL", v["phone_mobile"]),
        ("TEL;TYPE=HOME", v["phone_home"]),
        ("TEL;TYPE=WORK,FAX", v["phone_fax"]),
        ("NOTE", v["description"]),
    ]
    lines += [f"{name}:{e(value)}" for name, value in optional if value]
    for prefix, kind in (("primary_address", "WORK"), ("alt_address", "HOME")):
        parts = [v[f"{prefix}_{part}"] for part in ADDRESS]
        if any(parts):
            lines.append(f"ADR;TYPE={kind}:;;" + ";".join(e(p) for p in parts))
    if v["birthdate"]:
        lines.append(f"BDAY:{v['birthdate'].isoformat()}")
    lines.append(f"REV:{v['date_modified'].astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    lines.append("END:VCARD")
    return lines


def cards(rows):
    for values in rows:
        for line in card_lines(values):
            yield fold(line)


def _response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunked(lines), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class VcardExportView(ExportView):
    """All people of the list (as filtered and sorted) as one .vcf file."""

    extension = "vcf"

    def dispatch(self, request, *args, **kwargs):
        if not issubclass(self.module.model, Person):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def card_values(self, queryset):
        """Only the vCard's columns, as dicts (no model instances: ~3x faster)."""
        names = {f.name for f in self.module.model._meta.fields}
        if "account" in names:
            queryset = queryset.annotate(company=self.company())
        extra = ["account_name"] if "account_name" in names else []
        return queryset.values(*FIELDS, *extra, *(["company"] if "account" in names else []))

    def company(self):
        """The name of the linked account for ORG, only when the reader may see the account
        and it is not in the trash (a card has no place for "not available": ORG is left
        out). One expression of the export's query, no query per card."""
        account = self.module.model._meta.get_field("account").related_model
        if permissions.scope(self.request.user, "view", account) == "all":
            return Case(When(account__deleted=False, then=F("account__name")), default=Value(""))
        visible = account.objects.visible_to(self.request.user, "view")
        return Subquery(visible.filter(pk=OuterRef("account_id")).values("name")[:1])

    def get(self, request):
        rows = self.card_values(self.export_queryset()).iterator(chunk_size=2000)
        return _response(cards(rows), self.filename())


class VcardView(VcardExportView):
    """One person's vCard, from the detail page."""

    def get(self, request, pk):
        values = get_object_or_404(self.card_values(self.export_queryset()), pk=pk)
        stamp = timezone.localtime().strftime("%Y%m%d")
        name = "".join(
            ch
            for ch in f"{values['first_name']} {values['last_name']}"
            if ch.isascii() and (ch.isalnum() or ch in " -_")
        ).strip()[:60]
        return _response(cards([values]), f"{name or 'card'}-{stamp}.vcf")
