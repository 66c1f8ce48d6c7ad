"""The v4_1 REST endpoint, `service/v4_1/rest.php`, for clients written for SuiteCRM.

Reads `method`, `input_type`, `response_type` and `rest_data` from the query string and the
POST form (POST wins), runs the method (calls.py) as the session's user and answers what
SuiteCRM answers: the method's result, or SuiteCRM's error object with HTTP 200. Rate limits
are Kontor's API limits (per user once the session is known, per address for `login` and
`get_server_info`); beyond them the answer is SuiteCRM's resource error with HTTP 429.
A body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is answered `invalid_data_format` with HTTP 413.
Any other failure is logged and answered with an error object and HTTP 500, never a traceback.
"""

import json
import logging
import re
import uuid

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kontor.core.context import origin
from kontor.suiteapi.origins import ORIGIN_PREFIX
from kontor.suiteapi.v41 import methods  # noqa: F401 - registers the methods
from kontor.suiteapi.v41.calls import METHODS, Call, bind
from kontor.suiteapi.v41.errors import ApiError, error_object
from kontor.suiteapi.v41.limits import check_rate
from kontor.suiteapi.v41.output import as_json, as_php_serialized, as_print_r
from kontor.suitecrm.phpserial import PhpSerialError, loads

log = logging.getLogger(__name__)
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$")


def _parameter(request, name: str) -> str | None:
    value = request.POST.get(name)
    return request.GET.get(name) if value is None else value


def _arguments(request):
    """The decoded `rest_data`: [] without an input type (SuiteCRM then passes nothing)."""
    kind = (_parameter(request, "input_type") or "").lower()
    raw = _parameter(request, "rest_data") or ""
    if kind == "json":
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
    elif kind == "serialize":
        try:
            data = _lists(loads(raw)) if raw else None
        except PhpSerialError:
            data = None
    else:
        return []
    if _has_nul(data):  # no database text holds NUL (PostgreSQL refuses it outright)
        raise ApiError("invalid_data_format")
    return data if isinstance(data, list | dict) else [data]


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _lists(value):
    """PHP arrays with the keys 0…n-1 as lists, like JSON's arrays."""
    if not isinstance(value, dict):
        return value
    value = {k: _lists(v) for k, v in value.items()}
    return list(value.values()) if list(value) == list(range(len(value))) else value


def _reply(request, value, status: int = 200) -> HttpResponse:
    kind = (_parameter(request, "response_type") or "").lower()
    if kind == "serialize":
        return HttpResponse(as_php_serialized(value), status=status, content_type="text/plain")
    if kind not in ("json", "rss"):
        # SuiteCRM says text/html; plain text keeps a browser from running what a record holds.
        return HttpResponse(as_print_r(value), status=status, content_type="text/plain")
    body = as_json(value)
    callback = request.GET.get("jsoncallback")
    if callback and _CALLBACK.match(callback):
        body = f"{callback}({body})"
    return HttpResponse(body, status=status, content_type="application/json; charset=UTF-8")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def rest(request):
    """Run one v4_1 method call."""
    try:
        request.POST  # noqa: B018 - parsed here: a body over the limit cannot be read later
    except RequestDataTooBig:
        # SuiteCRM's PHP would drop the form; the client learns why (a file too large for
        # set_note_attachment, docs/suitecrm-api.md "Note attachments")
        body = as_json(error_object("invalid_data_format"))
        return HttpResponse(body, status=413, content_type="application/json; charset=UTF-8")
    function = METHODS.get(_parameter(request, "method") or "")
    if function is None:
        return _reply(request, error_object("invalid_call"))
    call = Call(request)
    try:
        kwargs = bind(function, _arguments(request))
        if "session" not in _signature_names(function):
            check_rate(request, None)
        with origin(f"{ORIGIN_PREFIX}v41:{uuid.uuid4().hex[:16]}"):
            result = function(call, **kwargs)
    except ApiError as error:
        response = _reply(request, error.as_dict(), status=error.status)
        if error.retry_after:
            response["Retry-After"] = str(error.retry_after)
        return response
    except Exception:
        log.exception("v4_1 method %s failed", function.__name__)
        return _reply(request, error_object("server_error"), status=500)
    return _reply(request, result)


def _signature_names(function) -> tuple:
    return function.__code__.co_varnames[: function.__code__.co_argcount]
