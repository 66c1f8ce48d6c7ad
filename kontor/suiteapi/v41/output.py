"""The reply body in the form a v4_1 client asked for with `response_type`, written the way
SuiteCRM's PHP writes it: JSON with `json_encode`'s defaults (`/` as `\\/`, non-ASCII as
`\\uXXXX`), PHP's `serialize()`, or, without a response type, `print_r` text.
"""

import json


def as_json(value) -> str:
    # "/" occurs only inside JSON strings, so escaping every one is what PHP does.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def as_php_serialized(value) -> str:
    """PHP's serialize() of a JSON-like value (lists become arrays with keys 0…n-1)."""
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
    body = "".join(as_php_serialized(k) + as_php_serialized(v) for k, v in pairs)
    return f"a:{len(value)}:{{{body}}}"


def as_print_r(value, indent: int = 0) -> str:
    """PHP's print_r() of a JSON-like value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if not isinstance(value, list | dict):
        return str(value)
    pad = " " * indent
    pairs = enumerate(value) if isinstance(value, list) else value.items()
    lines = [
        f"{pad}    [{k}] => {as_print_r(v, indent + 8)}"
        + ("\n" if isinstance(v, list | dict) else "")
        for k, v in pairs
    ]
    return "Array\n" + pad + "(\n" + "\n".join(lines) + ("\n" if lines else "") + pad + ")\n"
