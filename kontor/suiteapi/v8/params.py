"""The parameters of SuiteCRM's V8 routes, read and checked as SuiteCRM checks them: PHP's
bracket syntax (`filter[last_name][eq]=Smith`), unknown keys refused, `fields`, `filter`,
`sort` and `page` validated against the module's attributes, with SuiteCRM's messages.

For the V8 views; every problem is a V8Error (400), never a 500.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from django.core.exceptions import ValidationError
from django.db.models import Q

from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.v8.errors import V8Error

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SORT_BAD = re.compile(r"[^\w\-]")
_FIELDS_OK = re.compile(r"^[\w\-,]+$")
#: rows of a list asked for without page[size] (SuiteCRM's list_max_entries_per_page)
DEFAULT_ROWS = 20


def php_query(query_string: str) -> dict:
    """The query string as PHP reads it: `a[b][c]=v` becomes {"a": {"b": {"c": "v"}}}, keys
    in the order first seen, a later value replacing an earlier one, `a[]` appending."""
    out: dict = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        match = _KEY.match(key)
        if not match:
            out[key] = value
            continue
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "" and isinstance(node, dict):
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                if not isinstance(node.get(part), dict):
                    node[part] = {}
                node = node[part]
    return out


def check_keys(params: dict, defined: tuple[str, ...]) -> None:
    """Symfony's OptionsResolver refusal of keys a route does not define."""
    unknown = [k for k in params if k not in defined]
    if not unknown:
        return
    names = ", ".join(f'"{k}"' for k in sorted(defined))
    quoted = ", ".join(f'"{k}"' for k in unknown)
    if len(unknown) == 1:
        raise V8Error(f"The option {quoted} does not exist. Defined options are: {names}.")
    raise V8Error(f"The options {quoted} do not exist. Defined options are: {names}.")


def _php(value) -> tuple[str, str]:
    """(how Symfony shows `value`, its PHP type name)."""
    if isinstance(value, dict | list):
        return "array", "array"
    if isinstance(value, bool):
        return ("true" if value else "false"), "bool"
    if value is None:
        return "null", "null"
    if isinstance(value, int | float):
        return str(value), "int" if isinstance(value, int) else "float"
    return f'"{value}"', "string"


def invalid_option(name: str, value) -> V8Error:
    return V8Error(f'The option "{name}" with value {_php(value)[0]} is invalid.')


def wrong_type(name: str, value, expected: str) -> V8Error:
    shown, found = _php(value)
    return V8Error(
        f'The option "{name}" with value {shown} is expected to be of type "{expected}", '
        f'but is of type "{found}".'
    )


@dataclass
class ListQuery:
    """A list request, checked: the attributes to show (None: all), the condition, the
    ordering, the page, and whether SuiteCRM adds pagination (page[size] given)."""

    fields: list | None = None
    condition: Q = field(default_factory=Q)
    deleted: bool = False
    order: list = field(default_factory=list)
    size: int = DEFAULT_ROWS
    number: int = 0
    paginated: bool = False


def read_fields(module, raw) -> list | None:
    """`fields[<Module>]=a,b`: only the first entry counts, and its key names the module
    whose attributes are checked."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw:
        raise wrong_type("fields", raw, "array")
    key, value = next(iter(raw.items()))
    named = api_module(key)
    if named is None:
        raise V8Error(f"Module {key} does not exist")
    if not isinstance(value, str) or not value or not _FIELDS_OK.match(value):
        raise invalid_option("fields", raw)
    names = value.split(",")
    known = visible(named)
    unknown = [n for n in names if n not in known]
    if unknown:
        plural = len(unknown) > 1
        raise V8Error(
            f"The following field{'s' if plural else ''} in {named.object_name} module "
            f"{'are' if plural else 'is'} not found: {', '.join(unknown)}"
        )
    return names


def visible(module) -> dict:
    """The attributes V8 shows of `module` (SuiteCRM hides a few user columns)."""
    return {n: a for n, a in module.attributes.items() if a.api_visible}


def read_filter(module, raw) -> tuple[Q, bool]:
    """`filter[<field>][<op>]=value` joined by `filter[operator]` (and | or), and whether
    `filter[deleted][eq]=1` asks for deleted records only."""
    if raw is None:
        return Q(), False
    if not isinstance(raw, dict):
        raise wrong_type("filter", raw, "array")
    raw = dict(raw)
    joiner = raw.pop("operator", "and")
    if not isinstance(joiner, str) or joiner.lower() not in ("and", "or"):
        raise V8Error(
            f"Filter operator {joiner if isinstance(joiner, str) else 'Array'} is invalid"
        )
    deleted = raw.pop("deleted", None)
    attributes = visible(module)
    parts = []
    for name, expression in raw.items():
        attribute = attributes.get(name)
        if attribute is None:
            raise V8Error(f"Filter field {name} in {module.object_name} module is not found")
        if not isinstance(expression, dict):
            raise V8Error(f"Filter field {name} must be an array")
        for op, value in expression.items():
            parts.append(_condition(module, attribute, op, value))
    condition = Q()
    for part in parts:
        condition = (condition | part) if joiner.lower() == "or" and condition else condition & part
    return condition, _deleted(deleted)


def _condition(module, attribute, op: str, value) -> Q:
    if op.lower() not in ("eq", "neq", "gt", "gte", "lt", "lte", "like"):
        raise V8Error(f"Filter operator {op} is invalid")
    if not isinstance(value, str):
        raise V8Error(f"Filter field {attribute.name} must be an array")
    try:
        return attribute.condition(op, value)
    except ValueError:
        # a computed attribute (a full name, a related record's name) has no column
        raise V8Error(
            f"Filter field {attribute.name} in {module.object_name} module is not found"
        ) from None
    except ValidationError:
        raise V8Error(f"Filter value {value} of field {attribute.name} is invalid") from None


def _deleted(raw) -> bool:
    if raw is None:
        return False
    if not isinstance(raw, dict):
        raise V8Error("Filter field deleted must be an array")
    for op, value in raw.items():
        if op.lower() != "eq":
            raise V8Error(f"Filter operator {op} is invalid")
        if value not in ("0", "1"):
            raise V8Error(f"Filter value {value} of field deleted is invalid")
        return value == "1"
    return False


def read_sort(module, raw) -> list | None:
    """`sort=name` or `sort=-date_entered`: one attribute with a column."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise wrong_type("sort", raw, "string")
    if not raw or _SORT_BAD.search(raw):
        raise invalid_option("sort", raw)
    descending = raw.startswith("-")
    name = raw.lstrip("-")
    attribute = visible(module).get(name)
    if attribute is None or attribute.field is None:
        raise V8Error(f"Sort field {name} in {module.object_name} module is not found")
    sign = "-" if descending else ""
    return [f"{sign}{attribute.field}", f"{sign}pk"]


def read_page(raw) -> tuple[int | None, int]:
    """(page[size] or None, page[number] or 0): digits above zero only."""
    if raw is None:
        return None, 0
    if not isinstance(raw, dict):
        raise wrong_type("page", raw, "array")
    check_keys(raw, ("number", "size"))
    values = {}
    for name in ("size", "number"):
        value = raw.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise wrong_type(name, value, "string")
        if not value.isdigit() or int(value) <= 0 or len(value) > 9:
            raise invalid_option(name, value)
        values[name] = int(value)
    return values.get("size"), values.get("number", 0)


def list_query(module, params: dict) -> ListQuery:
    """The checked parameters of `GET V8/module/{Module}`."""
    check_keys(params, ("fields", "filter", "moduleName", "page", "sort"))
    size, number = read_page(params.get("page"))
    condition, deleted = read_filter(module, params.get("filter"))
    return ListQuery(
        fields=read_fields(module, params.get("fields")),
        condition=condition,
        deleted=deleted,
        order=read_sort(module, params.get("sort")) or [],
        size=size or DEFAULT_ROWS,
        number=number,
        paginated=size is not None,
    )
