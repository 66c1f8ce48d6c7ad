"""Record versions in the REST API: the ETag of a record and the If-Match precondition.

For API clients (docs/api.md, "Versions"): the ETag of a record names its id and version (its
`date_modified`, which every write path sets); a PUT, PATCH or DELETE with an If-Match that
names another version is refused with 412 and changes nothing. The check is made again by the
action under the row lock (`save_record(if_version=…)`), so a write between the read and the
lock is caught too.
"""

import hashlib

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record was changed since the version named in If-Match.")
    default_code = "precondition_failed"


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag of the version this change is based on (or *): another version of the record "
        "answers 412 and nothing is changed."
    ),
)


ETAG = OpenApiParameter(
    "ETag",
    str,
    location=OpenApiParameter.HEADER,
    response=True,
    description="The record's version, for If-Match.",
)


def etag(record) -> str:
    """The strong entity tag of `record`'s stored version."""
    version = record.date_modified.isoformat() if record.date_modified else ""
    digest = hashlib.blake2b(f"{record.pk}|{version}".encode(), digest_size=16).hexdigest()
    return f'"{digest}"'


def with_etag(response, record):
    """`response` with the record's ETag header."""
    response["ETag"] = etag(record)
    return response


def if_match(request, record):
    """The version an If-Match header asks for: None when there is none or it is `*`.

    Raises PreconditionFailed when it names no ETag of `record` as loaded (weak tags never
    match: If-Match compares strongly)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tags = [t.strip() for t in header.split(",")]
    if etag(record) not in tags:
        raise PreconditionFailed()
    return record.date_modified
