"""vCard (3.0, RFC 2426) of people: one record, or a whole list as filtered, through the
permission filter for "export".

Offered for the person modules (contacts, leads, targets); others answer 404. Written with the
`vobject` library, which escapes text (backslash, comma, semicolon, line breaks) and folds
lines at 75 octets, so names with commas or line breaks in a note cannot break the card; the
contact import reads cards with the same library.
"""

import re
from datetime import UTC

import vobject
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kontor.core import permissions
from kontor.core.people import ADDRESS_PARTS as ADDRESS
from kontor.core.people import Person
from kontor.core.records.export import ExportView, chunked

# Control characters other than tab and line breaks are not allowed in a content line; the
# library escapes what is allowed but passes these through.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value) -> str:
    """A TEXT value with line breaks made LF (written as \\n) and control characters dropped."""
    value = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


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


#: (property, TYPE parameters, field) of the card's optional single-value properties.
OPTIONAL = (
    ("title", (), "title"),
    ("email", ("INTERNET", "PREF"), "email1"),
    ("email", ("INTERNET",), "email2"),
    ("tel", ("WORK", "VOICE"), "phone_work"),
    ("tel", ("CELL",), "phone_mobile"),
    ("tel", ("HOME",), "phone_home"),
    ("tel", ("WORK", "FAX"), "phone_fax"),
    ("note", (), "description"),
)
#: The card's two addresses: ADR's TYPE and the record's field prefix.
ADDRESSES = (("WORK", "primary_address"), ("HOME", "alt_address"))
#: vCard's ADR components in the order of the record's address parts.
ADR_PARTS = ("street", "city", "region", "code", "country")


def card(v: dict) -> vobject.base.Component:
    """One person's vCard from its values (empty properties left out)."""
    item = vobject.vCard()
    item.add("n").value = vobject.vcard.Name(
        family=clean(v["last_name"]), given=clean(v["first_name"]), prefix=clean(v["salutation"])
    )
    item.add("fn").value = clean(" ".join(p for p in (v["first_name"], v["last_name"]) if p))
    item.add("uid").value = f"urn:uuid:{v['id']}"
    company = clean(v.get("company") or v.get("account_name"))
    if company:
        item.add("org").value = [company]
    for name, types, field in OPTIONAL:
        if value := clean(v[field]):
            line = item.add(name)
            line.value = value
            if types:
                line.type_paramlist = list(types)
    for kind, prefix in ADDRESSES:
        parts = [clean(v[f"{prefix}_{part}"]) for part in ADDRESS]
        if any(parts):
            line = item.add("adr")
            line.value = vobject.vcard.Address(**dict(zip(ADR_PARTS, parts, strict=True)))
            line.type_param = kind
    if v["birthdate"]:
        item.add("bday").value = v["birthdate"].isoformat()
    item.add("rev").value = v["date_modified"].astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return item


def cards(rows):
    """The serialized cards, one string per person, streamed."""
    for values in rows:
        yield card(values).serialize()


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
