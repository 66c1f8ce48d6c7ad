"""The v4_1 methods by name, and how `rest_data` becomes their arguments.

A method is a function `name(call, <SuiteCRM's parameters, same names and order>)` registered
with `@method`; the dispatcher (views.py) binds `rest_data` to those parameters as SuiteCRM
does: a JSON array by position; a JSON object by name when all its keys are parameter names
(PHP 8), else its values in key order (PHP 7); a scalar as the one first argument. A missing
required argument is a fatal error in SuiteCRM (HTTP 500), here an error object with that status.

Values arrive as JSON made them, so the helpers at the end coerce them the loose way PHP reads
them and refuse what PHP could not use with SuiteCRM's `invalid_data_format`.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from kontor.suiteapi.v41.errors import ApiError

METHODS: dict[str, Callable] = {}


def method(function: Callable) -> Callable:
    """Register `function` as the v4_1 method of its name."""
    METHODS[function.__name__] = function
    return function


@dataclass
class Call:
    """One request to the endpoint: the HTTP request, and the session once checked."""

    request: object
    session: object = None

    @property
    def user(self):
        return self.session.user if self.session is not None else None

    def authenticate(self, key):
        """The caller's user from the session id `key`, or ApiError("invalid_session")."""
        from kontor.suiteapi.v41 import limits, sessions

        if self.session is None:
            self.session = sessions.find(key)
            limits.check_rate(self.request, self.session.user)
        return self.session.user


def _parameters(function: Callable) -> list[inspect.Parameter]:
    return list(inspect.signature(function).parameters.values())[1:]


def bind(function: Callable, data) -> dict:
    """The keyword arguments of `function` from decoded `rest_data` (see the module doc)."""
    params = _parameters(function)
    names = [p.name for p in params]
    if isinstance(data, dict):
        if data and all(isinstance(k, str) and k in names for k in data):
            given = dict(data)
        else:
            given = dict(zip(names, data.values(), strict=False))
    else:
        values = data if isinstance(data, list) else [data]
        given = dict(zip(names, values, strict=False))
    for p in params:
        if p.name not in given and p.default is inspect.Parameter.empty:
            raise ApiError("invalid_data_format", status=500)
    return given


# --- the loose reading of PHP values -------------------------------------------------------


def text(value, default: str = "") -> str:
    """A string argument: numbers and booleans as PHP prints them, null as `default`."""
    if value is None:
        return default
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int | float | str):
        return str(value)
    raise ApiError("invalid_data_format")


def number(value, default: int = 0) -> int:
    """An integer argument: numeric strings count, anything else empty is `default`."""
    if value is None or value == "" or value is False:
        return default
    if value is True:
        return 1
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value.strip()))
        except ValueError:
            return default
    raise ApiError("invalid_data_format")


def truthy(value) -> bool:
    """PHP's truth of a value ("0" and "" are false)."""
    return value not in (None, False, 0, 0.0, "", "0", [], {})


def items(value) -> list:
    """A list argument: a JSON array, the values of an object, nothing for empty/null."""
    if value in (None, "", False):
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    raise ApiError("invalid_data_format")


def names(value) -> list[str]:
    """A list of field or id strings."""
    out = []
    for item in items(value):
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise ApiError("invalid_data_format")
        out.append(str(item))
    return out


def name_values(value) -> dict:
    """A written `name_value_list`: [{"name": n, "value": v}, …], {n: v} or
    {n: {"name": n, "value": v}}, as {n: v}."""
    if value in (None, "", False, []):
        return {}
    out = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and "value" in item:
                out[str(item.get("name", key))] = item["value"]
            else:
                out[str(key)] = item
        return out
    if not isinstance(value, list):
        raise ApiError("invalid_data_format")
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ApiError("invalid_data_format")
        out[item["name"]] = item.get("value")
    return out
