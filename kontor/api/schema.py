"""The OpenAPI schema: every operation documents the structured errors it can answer."""

from drf_spectacular.openapi import AutoSchema

from kontor.api.errors import ErrorSerializer

ERRORS = {
    "400": "Bad input: field errors in `errors`.",
    "401": "No valid token or session.",
    "403": "The verb is not allowed for this caller (or a read-only token wrote).",
    "404": "Not found, or not visible to the caller (the same answer).",
    "409": "Conflict: converted before, an ambiguous match, an Idempotency-Key in use.",
    "429": "Rate limited: retry after the Retry-After header's seconds.",
}


class KontorAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = description
                responses[code] = response
        if self.method in ("PUT", "PATCH", "DELETE") and getattr(
            self.view, "conditional_writes", False
        ):
            response = self._get_response_for_code(ErrorSerializer, "412")
            response["description"] = "If-Match names another version of the record."
            responses.setdefault("412", response)
        return responses
