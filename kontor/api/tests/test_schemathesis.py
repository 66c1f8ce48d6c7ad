"""The whole OpenAPI schema against the app (schemathesis, a bounded number of examples per
operation): no 500, no undocumented status, every answer matches the schema."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kontor.api.actions import create_token
from kontor.users.actions import create_user

#: Examples per operation: enough to send bad types, unknown ids and odd strings everywhere,
#: few enough for `make test`.
EXAMPLES = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
settings_for_run = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
def test_every_operation_conforms(settings):
    settings.KONTOR_API_RATE = "100000/minute"
    user = create_user("fuzz", password="pw-fuzz-123!", roles=["sales_manager"])
    headers = {"Authorization": f"Bearer {create_token(user, name='fuzz', actor=user)[1]}"}
    with keep_test_transaction():
        failures, operations = _run_all(headers)
    assert operations > 100
    assert failures == []


@contextmanager
def keep_test_transaction():
    """The WSGI handler closes "old" connections around each request, which in a test is the
    one holding the test's transaction; Django's test client switches that off the same way."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def _run_all(headers) -> tuple[list, int]:
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), headers=headers
    )
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings_for_run
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:  # noqa: BLE001 - collected to report every operation
            failures.append(f"{operation.label}: {_summary(error)}")
    return failures, operations


def _summary(error) -> str:
    text = str(error)
    for inner in getattr(error, "exceptions", ()):
        text += " | " + str(inner)
    return " ".join(text.split())[:400]
