"""Pages of v4_1 entries read as plain values, for get_entry_list: a `references.Row` per
record instead of a model instance (with its assigned, created and modified users), and
per attribute a renderer made once per process that writes the attribute's v4_1 text.

A page of 100 leads with all 59 fields renders 5,900 values; through model instances and
each attribute's generic `text` that cost about three times the page's SQL. The answer is the
same text: `slow_text` is what every renderer must equal (the tests compare them).
"""

from datetime import UTC
from json.encoder import encode_basestring_ascii as quoted

from kontor.suiteapi.attributes import Attribute, text
from kontor.suiteapi.references import Custom, RecordRef, UserRef
from kontor.suiteapi.v8.records import page_of
from kontor.suiteapi.v41.output import Prewritten

# What SuiteCRM's read-out encodes in text (its database keeps the decoded text).
_HTML = str.maketrans({'"': "&quot;", "<": "&lt;", ">": "&gt;", "'": "&#039;"})
_STAMP = "%Y-%m-%d %H:%M:%S"


def slow_text(attribute, record, prepared) -> str:
    """An attribute's v4_1 text the generic way (any record, any attribute)."""
    return attribute.text(record, prepared).translate(_HTML)


def row_names(api, names: list[str]) -> list[str]:
    """The values() paths of the rows that show the attributes `names` of `api`: every
    column and the related names those attributes need (ApiModule.row_columns)."""
    return api.row_columns([n for n in names if n != "id"] or None)


def read_page(api, queryset, order: list[str], start: int, size: int, names: list[str]):
    """The rows `start` to `start + size` of `queryset` in `order`, as `Row`s."""
    return page_of(queryset, order, start, size, row_names(api, names))


#: (id(attribute), model) → (attribute, renderer) of the fixed attributes, which live as
#: long as the process (a custom field's attribute is new on every request: not kept); the
#: attribute is held so that its id is not reused
_renderers: dict = {}


def renderer_of(attribute, model):
    """The renderer of `attribute` for records of `model` (see `renderer`)."""
    if isinstance(attribute, Custom):
        return renderer(attribute)
    found = _renderers.get((id(attribute), model))
    if found is None or found[0] is not attribute:
        found = _renderers[(id(attribute), model)] = (attribute, renderer(attribute))
    return found[1]


def renderer(attribute):
    """A function (record, prepared) → the attribute's v4_1 text, equal to `slow_text`: a
    plain column is read and written by its type, a user's or a record's id taken from the
    prepared rows; anything else goes through the attribute's own `text`."""
    kind = type(attribute)
    if kind in (UserRef, RecordRef):
        column, key = f"{attribute.field}_id", "users" if kind is UserRef else "ids"

        def reference(record, prepared):
            pk = getattr(record, column, None)
            if pk is None:
                return ""
            known = prepared.get(key, {})
            return (known[pk] if pk in known else str(pk)).translate(_HTML)

        return reference
    if kind is not Attribute or "__" in (attribute.field or "__"):
        return lambda record, prepared: slow_text(attribute, record, prepared)
    name = attribute.field
    if attribute.type in ("datetime", "datetimecombo"):

        def stamp(record, prepared):
            found = getattr(record, name)
            if found is None:
                return ""
            return found.astimezone(UTC).strftime(_STAMP)  # digits, "-", ":" and a space

        return stamp

    def plain(record, prepared):
        found = getattr(record, name)
        if found is None:
            return ""
        if found.__class__ is str:
            return found.translate(_HTML)
        return text(found).translate(_HTML)

    return plain


def entries(api, rows, prepared: dict, names: list[str]) -> "Entries":
    """The entry_list of `rows` with the attributes `names`: what
    kontor.suiteapi.v41.records.entries answers, through the renderers."""
    attributes, model = api.attributes, api.model
    names = list(dict.fromkeys(names))
    shown = [None if n == "id" else renderer_of(attributes[n], model) for n in names]
    ids, texts = [], []
    for record in rows:
        sid = api.suitecrm_id(record, prepared)
        ids.append(sid)
        texts.append([sid if render is None else render(record, prepared) for render in shown])
    return Entries(api.name, names, ids, texts)


class Entries(Prewritten):
    """A page's entry_list: per entry its id and the texts of `names`, in that order. Its
    JSON is written here (json.dumps of 6,000 small dicts took longer than rendering them);
    other answer types expand it into SuiteCRM's dicts."""

    def __init__(self, module_name: str, names: list[str], ids: list[str], texts: list[list]):
        self.module_name, self.names, self.ids, self.texts = module_name, names, ids, texts

    def __len__(self) -> int:
        return len(self.ids)

    def expand(self) -> list[dict]:
        names, found = self.names, []
        for sid, texts in zip(self.ids, self.texts, strict=True):
            values = {n: {"name": n, "value": v} for n, v in zip(names, texts, strict=True)}
            found.append(
                {"id": sid, "module_name": self.module_name, "name_value_list": values or []}
            )
        return found

    def json(self) -> str:
        heads = [f'{quoted(n)}:{{"name":{quoted(n)},"value":' for n in self.names]
        module = f',"module_name":{quoted(self.module_name)},"name_value_list":'
        written = []
        for sid, texts in zip(self.ids, self.texts, strict=True):
            values = ",".join([h + quoted(v) + "}" for h, v in zip(heads, texts, strict=True)])
            written.append(
                f'{{"id":{quoted(sid)}{module}{{{values}}}}}'
                if heads
                else f'{{"id":{quoted(sid)}{module}[]}}'
            )
        return "[" + ",".join(written) + "]"
