"""Pages of v4_1 entries read as plain values, for get_entry_list: a `references.Row` per
record instead of a model instance (with its assigned, created and modified users), and
per attribute a renderer made once per process that writes the attribute's v4_1 text of a
whole page's column.

A page of 100 leads with all 59 fields renders 5,900 values; through model instances and
each attribute's generic `text` that cost about three times the page's SQL. The answer is the
same text: `slow_text` is what every renderer must equal (the tests compare them).
"""

from datetime import UTC
from json.encoder import encode_basestring_ascii as quoted
from operator import attrgetter

from kontor.suiteapi.attributes import Attribute, text
from kontor.suiteapi.references import Custom, RecordRef, UserRef
from kontor.suiteapi.v8.records import page_of
from kontor.suiteapi.v41 import records
from kontor.suiteapi.v41.output import Prewritten

# What SuiteCRM's read-out encodes in text (its database keeps the decoded text).
_HTML = str.maketrans({'"': "&quot;", "<": "&lt;", ">": "&gt;", "'": "&#039;"})
_STAMP = "%Y-%m-%d %H:%M:%S"


def slow_text(attribute, record, prepared) -> str:
    """An attribute's v4_1 text the generic way (any record, any attribute)."""
    return attribute.text(record, prepared).translate(_HTML)


def row_names(api, names: list[str]) -> list[str]:
    """The values() paths of the rows that show the attributes `names` of `api`: the columns
    they and `ApiModule.prepare` read when they are plain (kontor.suiteapi.v41.records.columns),
    else every column and the related names (ApiModule.row_columns)."""
    needed = records.columns(api, api.attributes, names)
    if needed is None:
        return api.row_columns([n for n in names if n != "id"] or None)
    get_field = api.model._meta.get_field
    return ["pk", *(get_field(name).attname for name in needed)]


def read_page(api, queryset, order: list[str], start: int, size: int, names: list[str]):
    """The rows `start` to `start + size` of `queryset` in `order`, as `Row`s."""
    return page_of(queryset, order, start, size, row_names(api, names))


#: (id(attribute), model) → (attribute, column renderer) of the fixed attributes, which live
#: as long as the process (a custom field's attribute is new on every request: not kept);
#: the attribute is held so that its id is not reused
_renderers: dict = {}


def column_of(attribute, model):
    """The column renderer of `attribute` for records of `model` (see `column`)."""
    if isinstance(attribute, Custom):
        return column(attribute)
    found = _renderers.get((id(attribute), model))
    if found is None or found[0] is not attribute:
        found = _renderers[(id(attribute), model)] = (attribute, column(attribute))
    return found[1]


def encoded(texts: list[str]) -> list[str]:
    """`texts` HTML-encoded as SuiteCRM's read-out encodes them: a page's column at once
    (one translate of the joined column instead of one per value). NUL cannot be in a
    database text; a text that holds one anyway is encoded on its own."""
    parts = "\x00".join(texts).translate(_HTML).split("\x00")
    if len(parts) == len(texts):
        return parts
    return [t.translate(_HTML) for t in texts]


def column(attribute):
    """A function (records, prepared) → the attribute's v4_1 text of each record, equal to
    `slow_text`: a plain column is read and written by its type in one loop over the page,
    a user's or a record's id taken from the prepared rows; anything else goes through the
    attribute's own `text`."""
    kind = type(attribute)
    if kind in (UserRef, RecordRef):
        read, key = attrgetter(f"{attribute.field}_id"), "users" if kind is UserRef else "ids"

        def references(records, prepared):
            known = prepared.get(key, {})
            return encoded(
                [
                    "" if pk is None else known[pk] if pk in known else str(pk)
                    for pk in map(read, records)
                ]
            )

        return references
    if kind is not Attribute or "__" in (attribute.field or "__"):
        text_of = attribute.text
        return lambda records, prepared: encoded([text_of(r, prepared) for r in records])
    read = attrgetter(attribute.field)
    if attribute.type in ("datetime", "datetimecombo"):

        def stamps(records, prepared):  # digits, "-", ":" and a space: nothing to encode
            return [
                "" if v is None else v.astimezone(UTC).strftime(_STAMP) for v in map(read, records)
            ]

        return stamps

    def plain(records, prepared):
        return encoded(
            ["" if v is None else v if v.__class__ is str else text(v) for v in map(read, records)]
        )

    return plain


def entries(api, rows, prepared: dict, names: list[str]) -> "Entries":
    """The entry_list of `rows` with the attributes `names`: what
    kontor.suiteapi.v41.records.entries answers, rendered a column at a time."""
    attributes, model = api.attributes, api.model
    names = list(dict.fromkeys(names))
    rows = list(rows)
    ids = [api.suitecrm_id(record, prepared) for record in rows]
    columns = [ids if n == "id" else column_of(attributes[n], model)(rows, prepared) for n in names]
    texts = list(zip(*columns, strict=True)) if columns else [()] * len(rows)
    return Entries(api.name, names, ids, texts)


class Entries(Prewritten):
    """A page's entry_list: per entry its id and the texts of `names`, in that order. Its
    JSON is written here (json.dumps of 6,000 small dicts took longer than rendering them);
    other answer types expand it into SuiteCRM's dicts."""

    def __init__(self, module_name: str, names: list[str], ids: list[str], texts: list):
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
