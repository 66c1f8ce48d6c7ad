"""No input is a 500: every list filter of every record type (as the registry declares them,
plus a custom field of each filterable kind) on the HTML list, its count and the API list, and
every writable field of the API on create, partial update, bulk create and upsert, with odd
values (hypothesis, a bounded number of examples per record type)."""

import itertools
import json
import os

import django_filters as df
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.api.serializers import serializer_for
from kontor.api.tests.conftest import token_client
from kontor.api.tests.data import body_for
from kontor.api.upsert import UPSERT_SLUGS
from kontor.core import registry
from kontor.core.records.filters import filterset_for
from kontor.studio.actions.fields import create_custom_field

pytestmark = pytest.mark.django_db

#: Examples per record type and test: enough for every filter and field to meet odd values,
#: few enough for `make test`; KONTOR_FUZZ_EXAMPLES=1000 searches deeper (and randomly).
EXAMPLES = int(os.environ.get("KONTOR_FUZZ_EXAMPLES", "50"))
SLUGS = [module.slug for module in registry.modules()]
run_bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="KONTOR_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=list(HealthCheck),
)

NASTY = [
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "²",
    "٣",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31T23:59:59+01:00",
    "2026-02-30",
    "\x00",
    "a\x00b",
    "",
    " ",
    "true",
    "null",
    "NaN",
    "1e309",
    "%",
    "'; --",
    "<b>",
    "00000000-0000-0000-0000-000000000000",
    "x" * 300,
]
text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=20),
    st.integers().map(str),
    st.dates().map(str),
    st.uuids().map(str),
)
json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["type", "id", "x"]), inner)
    ),
    max_leaves=4,
)


CUSTOM_KINDS = ["text", "integer", "decimal", "date", "datetime", "boolean", "dropdown"]


def add_custom_fields(module, actor) -> None:
    for kind in CUSTOM_KINDS:
        create_custom_field(
            module,
            name=f"fuzz_{kind}",
            label_en=kind,
            label_de=kind,
            field_type=kind,
            dropdown="industry_dom" if kind == "dropdown" else "",
            actor=actor,
        )


def query_names(module) -> list[str]:
    """The query parameters of a module's list: its filters (the declared ones and the custom
    fields'; ranges as _min/_max) and the list's own parameters."""
    filters = filterset_for(module).base_filters
    assert set(module.filters) <= set(filters)
    names = []
    for name in filters:
        if isinstance(filters[name], df.RangeFilter):
            names += [f"{name}_min", f"{name}_max"]
        else:
            names.append(name)
    return list(dict.fromkeys([*names, "q", "cursor", "ordering", "sort", "fields", "limit"]))


def writable_names(module) -> list[str]:
    fields = serializer_for(module)().fields
    return [name for name, field in fields.items() if not field.read_only]


@pytest.fixture
def clients(rep, settings):
    settings.KONTOR_API_RATE = None
    api, page = token_client(rep), Client(raise_request_exception=False)
    api.raise_request_exception = False
    page.force_login(rep)
    return api, page


@pytest.mark.parametrize("slug", SLUGS)
def test_no_list_filter_value_is_a_server_error(clients, rep, admin, slug):
    module = registry.get(slug)
    add_custom_fields(module, admin)
    api, page = clients
    api.post(f"/api/v1/{slug}/", body_for(slug, rep), format="json")
    urls = [f"/api/v1/{slug}/", module.url_list, module.url("count")]
    names = query_names(module)
    assert {"mine", "fuzz_integer", "fuzz_date_min"} <= set(names)
    params = st.dictionaries(
        st.sampled_from(names), st.lists(text, min_size=1, max_size=2), max_size=4
    )

    @given(params=params)
    @run_bounded
    def check(params):
        for url in urls:
            client = api if url.startswith("/api/") else page
            response = client.get(url, params)
            assert response.status_code < 500, (url, params, response.status_code)

    check()


@pytest.mark.parametrize("slug", SLUGS)
def test_no_value_of_a_writable_field_is_a_server_error(clients, rep, slug):
    api, _page = clients
    valid = body_for(slug, rep)
    created = api.post(f"/api/v1/{slug}/", valid, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/{slug}/{created.json()['id']}/"
    names = [*writable_names(registry.get(slug)), "custom"]
    bodies = st.dictionaries(st.sampled_from(names), json_value, min_size=1, max_size=4)

    keys = itertools.count()

    @given(body=bodies)
    @run_bounded
    def check(body):
        # Creates get a valid body with the odd values over it: the values reach the record's
        # own checks and the database, not only the first field that is refused.
        raw, whole = json.dumps(body), json.dumps({**valid, **body})
        bulk = json.dumps({"items": [{**valid, **body}, body]})
        # Creates with an Idempotency-Key: their answers, refusals included, are stored.
        post = {"HTTP_IDEMPOTENCY_KEY": f"fuzz-{next(keys)}"}
        requests = [
            ("POST", f"/api/v1/{slug}/", whole, post),
            ("PATCH", url, raw, {}),
            ("POST", f"/api/v1/{slug}/bulk/", bulk, {}),
        ]
        if slug in UPSERT_SLUGS:
            requests.append(("POST", f"/api/v1/{slug}/upsert/", whole, {}))
        for method, target, data, headers in requests:
            response = api.generic(method, target, data, content_type="application/json", **headers)
            assert response.status_code < 500, (target, body, response.status_code)

    check()
