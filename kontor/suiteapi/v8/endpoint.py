"""What every V8 route does around its own work: Kontor's API rate limit, the bearer token (a
refused one counted against the client's address, kontor.suiteapi.limits), the change-log
origin "suiteapi:v8:<client id>", request parameters merged as SuiteCRM merges them (route,
query string, body, a form body for every method; the body wins), and errors as SuiteCRM
shapes them.

For the V8 views: decorate a view with `@endpoint(methods)`; it receives a `Call`.
"""

import functools
import io
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kontor.core.context import origin
from kontor.suiteapi.limits import over_failure_limit, over_limit
from kontor.suiteapi.origins import ORIGIN_PREFIX
from kontor.suiteapi.v8 import tokens
from kontor.suiteapi.v8.errors import OAuthError, V8Error, respond
from kontor.suiteapi.v8.params import php_query


@dataclass
class Call:
    """One V8 request: the Django request, its token and user, and its parameters."""

    request: object
    token: object
    params: dict

    @property
    def user(self):
        return self.token.user


def body_of(request) -> dict:
    """The body as SuiteCRM's framework parses it: JSON for application/json and any
    application/*+json, else a form (for PATCH and DELETE too, which Django leaves unparsed);
    anything unreadable is empty."""
    kind = (request.content_type or "").lower()
    try:
        return _parsed(request, kind)
    except RequestDataTooBig:
        raise V8Error(_("The submission is too large."), status=413) from None


def _parsed(request, kind: str) -> dict:
    if kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json")):
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            pairs = [(k, v) for k, values in form_of(request, kind).lists() for v in values]
        except (MultiPartParserError, UnicodeDecodeError, ValueError):  # unreadable: empty
            return {}
        return php_query(urlencode(pairs))
    return {}


def form_of(request, kind: str) -> QueryDict:
    """The form fields of the body: Django's request.POST, which it fills only for POST; for
    the other methods the body parsed the same way (files are not read by any V8 route)."""
    if request.method == "POST":
        return request.POST
    if kind == "multipart/form-data":
        fields, _files = request.parse_file_upload(request.META, io.BytesIO(request.body))
        return fields
    return QueryDict(request.body, encoding=request.encoding)


def refuse_nul(params, name: str = "") -> None:
    """A NUL character in any key or value is refused (no database column can hold one)."""
    items = params.items() if isinstance(params, dict) else enumerate(params)
    for key, value in items:
        key = str(key)
        if isinstance(value, dict | list):
            refuse_nul(value, name or key)
        elif "\x00" in key or (isinstance(value, str) and "\x00" in value):
            raise V8Error(
                f'The option "{name or key}" with value "{value}" is invalid.'.replace("\x00", "")
            )


def check_rate(request, user) -> None:
    """Count this call against Kontor's API rate limit; 429 when over."""
    wait = over_limit(request, user)
    if wait is not None:
        raise V8Error("Too many requests", status=429, headers={"Retry-After": str(wait)})


def authenticated(request):
    """The request's bearer token; a refusal is counted against the client's address, and
    once the address is over the limit the answer is 429 instead (guessing tokens)."""
    try:
        return tokens.bearer(request)
    except OAuthError:
        wait = over_failure_limit(request)
        if wait is not None:
            raise V8Error(
                "Too many requests", status=429, headers={"Retry-After": str(wait)}
            ) from None
        raise


def method_not_allowed(methods) -> object:
    return respond(
        {"message": f"Method not allowed. Must be one of: {', '.join(methods)}"},
        status=405,
        content_type="application/json",
    )


def endpoint(methods: tuple[str, ...], *, write: tuple[str, ...] = ()):
    """A V8 route answering `methods`: authenticated, rate-limited, run under the SuiteCRM
    API origin (one transaction for the methods in `write`), SuiteCRM's errors on failure."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, **route):
            if request.method not in methods:
                return method_not_allowed(methods)
            try:
                token = authenticated(request)
                check_rate(request, token.user)
                params = {**php_query(request.META.get("QUERY_STRING", "")), **route}
                if request.method in ("POST", "PATCH", "DELETE"):
                    params.update(body_of(request))
                refuse_nul(params)
                call = Call(request, token, params)
                with origin(f"{ORIGIN_PREFIX}v8:{token.client.client_id}"[:64]):
                    if request.method not in write:
                        return view(call, **route)
                    with transaction.atomic():
                        return view(call, **route)
            except (V8Error, OAuthError) as error:
                return error.response()
            except ValidationError as error:
                return V8Error(invalid_record(error)).response()

        return wrapper

    return decorate


def invalid_record(error: ValidationError) -> str:
    """A refused write's field errors in one line (SuiteCRM has no structured form)."""
    if hasattr(error, "error_dict"):
        parts = [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
    else:
        parts = error.messages
    return "The record is invalid. " + "; ".join(parts)
