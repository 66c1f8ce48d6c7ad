"""The reply body in the form a v4_1 client asked for with `response_type`, written the way
SuiteCRM's PHP writes it: JSON with `json_encode`'s defaults (`/` as `\\/`, non-ASCII as
`\\uXXXX`), PHP's `serialize()`, or, without a response type, `print_r` text.
"""

import json
from json.encoder import encode_basestring_ascii


class Prewritten:
    """A part of an answer that writes its own JSON (a page of entries: kontor.suiteapi.v41.rows),
    faster than json.dumps of its `expand()`, and equal to it."""

    def expand(self):
        """The part as plain lists, dicts and strings."""
        raise NotImplementedError

    def json(self) -> str:
        """json.dumps(self.expand()) with this module's options, before "/" is escaped."""
        return _dumps(self.expand())


def as_json(value) -> str:
    # "/" occurs only inside JSON strings, so escaping every one is what PHP does.
    return _json(value).replace("/", "\\/")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _json(value) -> str:
    if isinstance(value, Prewritten):
        return value.json()
    if isinstance(value, dict) and any(isinstance(v, Prewritten) for v in value.values()):
        pairs = (f"{encode_basestring_ascii(str(k))}:{_json(v)}" for k, v in value.items())
        return "{" + ",".join(pairs) + "}"
    return _dumps(value)


def expanded(value):
    """`value` with every Prewritten part (in a dict's values) expanded."""
    if isinstance(value, Prewritten):
        return value.expand()
    if isinstance(value, dict):
        return {k: expanded(v) for k, v in value.items()}
    return value


def as_php_serialized(value) -> str:
    """PHP's serialize() of a JSON-like value (lists become arrays with keys 0…n-1)."""
    return _serialized(expanded(value))


def _serialized(value) -> str:
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        return f"d:{value!r};"
    if isinstance(value, str):
        return f's:{len(value.encode("utf-8"))}:"{value}";'
    pairs = enumerate(value) if isinstance(value, list) else value.items()
    body = "".join(_serialized(k) + _serialized(v) for k, v in pairs)
    return f"a:{len(value)}:{{{body}}}"


def as_print_r(value) -> str:
    """PHP's print_r() of a JSON-like value."""
    return _print_r(expanded(value))


def _print_r(value, indent: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if not isinstance(value, list | dict):
        return str(value)
    pad = " " * indent
    pairs = enumerate(value) if isinstance(value, list) else value.items()
    lines = [
        f"{pad}    [{k}] => {_print_r(v, indent + 8)}"
        + ("\n" if isinstance(v, list | dict) else "")
        for k, v in pairs
    ]
    return "Array\n" + pad + "(\n" + "\n".join(lines) + ("\n" if lines else "") + pad + ")\n"
