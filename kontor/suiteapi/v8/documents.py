"""Records as SuiteCRM's V8 API writes them: `{"type","id","attributes","relationships"}`,
attribute values as SuiteCRM's database hands them out (strings, "" for empty, "1"/"0"),
datetimes in ISO 8601, `" < > '` HTML-encoded, and the relationship links of each module.

For the V8 views.
"""

import re
from datetime import UTC
from decimal import Decimal

from kontor.suiteapi.attributes import Attribute, text
from kontor.suiteapi.references import Custom, RecordRef, UserRef
from kontor.suiteapi.v8.links import first_links

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_ENCODE = str.maketrans({'"': "&quot;", "<": "&lt;", ">": "&gt;", "'": "&#039;"})
#: where a request path's part relative to the API base starts ("V8/…")
_BASE = re.compile(r"^.*?/Api/(?:index\.php/)?")

EMPTY_MESSAGE = "Request was successful, but there is no result"


def api_path(request) -> str:
    """The request's path relative to the API base, as SuiteCRM's links repeat it
    ("V8/module/Accounts/…"), whichever prefix (`/Api`, `/legacy/Api`) the client used."""
    return _BASE.sub("", request.path, count=1)


def value(text: str) -> str:
    """One attribute value as V8 shows it (after SuiteCRM's to-string conversion)."""
    if _DATETIME.match(text):
        return f"{text[:10]}T{text[11:]}+00:00"
    return text.translate(_ENCODE)


def shown_attributes(module, names=None) -> list:
    """(name, renderer) of what V8 shows of `module`: all it may see, or those of `names`
    (in the module's order, as SuiteCRM filters them). Worked out once per request; a
    renderer turns a record (and the prepared rows) into the attribute's V8 text."""
    chosen = None if names is None else set(names)
    model = module.model
    return [
        (name, _renderer_of(attribute, model))
        for name, attribute in module.attributes.items()
        if attribute.api_visible and (chosen is None or name in chosen)
    ]


#: (id(attribute), model) → (attribute, renderer) for the module table's fixed attributes,
#: which live as long as the process (a custom field's attribute is made anew per request:
#: not kept); the attribute is held so that its id is not reused
_renderers: dict = {}


def _renderer_of(attribute, model):
    if isinstance(attribute, Custom):
        return renderer(attribute, model)
    found = _renderers.get((id(attribute), model))
    if found is None or found[0] is not attribute:
        found = _renderers[(id(attribute), model)] = (attribute, renderer(attribute, model))
    return found[1]


def renderer(attribute, model):
    """The fastest way to an attribute's V8 text: a plain column is read and formatted
    by its type (a list renders sixty of them a hundred times), a user's or a record's id
    from the prepared rows; anything else goes through the attribute's own `text`."""
    kind = type(attribute)
    if kind in (UserRef, RecordRef):
        column, key = f"{attribute.field}_id", "users" if kind is UserRef else "ids"

        def reference(record, prepared):
            pk = getattr(record, column, None)
            if pk is None:
                return ""
            if prepared is None:
                return value(attribute.text(record, prepared))
            known = prepared.get(key, {})
            return value(known[pk] if pk in known else str(pk))

        return reference
    if kind is not Attribute or "__" in (attribute.field or "__"):
        text_of = attribute.text
        return lambda record, prepared: value(text_of(record, prepared))
    name, kind = attribute.field, attribute.type
    if kind == "bool":
        return lambda record, prepared: "1" if getattr(record, name) else "0"
    if kind in ("datetime", "datetimecombo"):
        return lambda record, prepared: _iso(getattr(record, name))
    if kind in ("currency", "decimal"):
        # as stored: a value just saved from "2500" reads "2500.00" like one loaded
        step = Decimal(1).scaleb(-model._meta.get_field(name).decimal_places)
        return lambda record, prepared: _decimal(getattr(record, name), step)
    if kind in ("int", "date"):
        return lambda record, prepared: text(getattr(record, name))

    def plain(record, prepared):
        found = getattr(record, name)
        return "" if found is None else str(found).translate(_ENCODE)

    return plain


def _decimal(number, step) -> str:
    return "" if number is None else format(Decimal(number).quantize(step), "f")


def _iso(when) -> str:
    return "" if when is None else when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def attributes(module, record, prepared, names=None, shown=None) -> dict:
    """The attributes V8 shows of `record`."""
    shown = shown if shown is not None else shown_attributes(module, names)
    return {name: render(record, prepared) for name, render in shown}


def resource(module, record, prepared, path: str, names=None, shown=None) -> dict:
    """One record's resource object; `path` is the record's own path (for its links)."""
    return {
        "type": module.object_name,
        "id": module.suitecrm_id(record, prepared),
        "attributes": attributes(module, record, prepared, names, shown),
        "relationships": {
            related: {"links": {"related": f"{path}/relationships/{link}"}}
            for related, link in first_links(module.name)
        },
    }


def message(text: str, **meta) -> dict:
    """A document with only a message (`data` is then an empty list)."""
    return {"meta": {"message": text, **meta}, "data": []}
