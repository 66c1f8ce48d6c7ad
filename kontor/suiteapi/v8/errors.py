"""The answers of SuiteCRM's V8 API that are not records: its error documents, the OAuth
errors of the token endpoint and of a bad bearer token, and the JSON response every V8 route
answers with (SuiteCRM's content type and CORS header).

For the V8 views. Messages are SuiteCRM's own English texts: clients compare them.
"""

import json

from django.http import HttpResponse

CONTENT_TYPE = "application/vnd.api+json"


def respond(document, status: int = 200, content_type: str = CONTENT_TYPE) -> HttpResponse:
    """`document` as JSON with SuiteCRM's headers (slashes unescaped, as PHP's encoder with
    SuiteCRM's options writes them)."""
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=content_type,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


class V8Error(Exception):
    """A failure of a V8 resource route: `{"errors":{"status","title":null,"detail"}}`,
    nearly always with HTTP 400 (SuiteCRM answers not found and not allowed that way too)."""

    def __init__(self, detail: str, status: int = 400, headers: dict | None = None):
        super().__init__(detail)
        self.detail, self.status, self.headers = detail, status, headers or {}

    def response(self) -> HttpResponse:
        body = {"errors": {"status": self.status, "title": None, "detail": self.detail}}
        response = respond(body, self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def not_found(module_name: str, record_id) -> V8Error:
    """A missing record, and a hidden one: the same words (SuiteCRM's)."""
    return V8Error(f"{module_name} module with id {record_id} is not found")


def access_denied() -> V8Error:
    """SuiteCRM's answer to an ACL refusal (the trailing space is SuiteCRM's)."""
    return V8Error("[SuiteCRM] [AccessDeniedException] ")


class OAuthError(Exception):
    """An error of the OAuth2 server SuiteCRM uses: `error`, `error_description`, an optional
    `hint`, and `message` (the description again, for older clients)."""

    DESCRIPTIONS = {
        "unsupported_grant_type": (
            "The authorization grant type is not supported by the authorization server.",
            400,
        ),
        "invalid_request": (
            "The request is missing a required parameter, includes an invalid parameter "
            "value, includes a parameter more than once, or is otherwise malformed.",
            400,
        ),
        "invalid_client": ("Client authentication failed", 401),
        "invalid_scope": ("The requested scope is invalid, unknown, or malformed", 400),
        "invalid_grant": ("The user credentials were incorrect.", 400),
        "invalid_refresh_token": ("The refresh token is invalid.", 401),
        "access_denied": ("The resource owner or authorization server denied the request.", 401),
    }

    def __init__(self, kind: str, hint: str | None = None, status: int | None = None):
        description, default_status = self.DESCRIPTIONS[kind]
        super().__init__(description)
        # a bad refresh token is reported as invalid_request, as the library does
        self.error = "invalid_request" if kind == "invalid_refresh_token" else kind
        self.description, self.hint = description, hint
        self.status = status or default_status
        self.headers: dict = {}

    def response(self) -> HttpResponse:
        body = {"error": self.error, "error_description": self.description}
        if self.hint is not None:
            body["hint"] = self.hint
        body["message"] = self.description
        response = respond(body, self.status, content_type="application/json")
        if self.error == "invalid_client":
            response["WWW-Authenticate"] = 'Basic realm="OAuth"'
        for name, value in self.headers.items():
            response[name] = value
        return response


def missing(parameter: str) -> OAuthError:
    return OAuthError("invalid_request", f"Check the `{parameter}` parameter")
