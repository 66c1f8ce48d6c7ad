"""The v4_1 `query` / `order_by` reader: what it accepts becomes Q objects on known fields,
everything else is a QueryError; random text never gets through as anything else."""

from decimal import Decimal

import pytest
from django.db.models import Q
from hypothesis import given, settings
from hypothesis import strategies as st

from kontor.suiteapi.v41.query import Column, QueryError, parse_order, parse_where, tokens

FIELDS = {"status": "status", "last_name": "last_name", "rating_c": "custom_rating"}
FIELDS |= {"id": "pk", "email1": "email1", "email2": "email2"}


def resolve(table, column):
    """Leads' columns for these tests: `leads.<f>` or `leads_cstm.<f>_c`, or bare."""
    if table not in (None, "leads", "leads_cstm") or column not in FIELDS:
        raise QueryError(column)
    if (table == "leads_cstm") != column.endswith("_c"):
        raise QueryError(column)
    path = FIELDS[column]

    def compare(op, value):
        lookup = {"eq": "exact", "neq": "exact", "lt": "lt", "lte": "lte", "gt": "gt"}
        if op == "like":
            return Q(**{f"{path}__like": value})
        q = Q(**{f"{path}__{lookup.get(op, 'gte')}": value})
        return ~q if op == "neq" else q

    return Column(compare, lambda: Q(**{f"{path}__isnull": True}), path)


def test_the_example_of_a_suitecrm_client():
    q = parse_where(
        "leads.status = 'New' AND (leads.last_name LIKE 'M%' OR leads_cstm.rating_c IN ('a','b'))",
        resolve,
    )
    expected = Q(status__exact="New") & (
        Q(last_name__like="M%") | (Q(custom_rating__exact="a") | Q(custom_rating__exact="b"))
    )
    assert q == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("status = 'it''s'", Q(status__exact="it's")),
        ("status = 'it\\'s'", Q(status__exact="it's")),
        ("`leads`.`status` <> 'Dead'", ~Q(status__exact="Dead")),
        ("leads.status != 'Dead'", ~Q(status__exact="Dead")),
        ("last_name >= 'M' and last_name < 'N'", Q(last_name__gte="M") & Q(last_name__lt="N")),
        ("status > 3", Q(status__gt=Decimal(3))),
        ("status <= -1.5", Q(status__lte=Decimal("-1.5"))),
        ("NOT (status = 'a' OR status = 'b')", ~(Q(status__exact="a") | Q(status__exact="b"))),
        ("last_name NOT LIKE '%x'", ~Q(last_name__like="%x")),
        ("status NOT IN ('a')", ~Q(status__exact="a")),
        ("status IS NULL", Q(status__isnull=True)),
        ("status is not null", ~Q(status__isnull=True)),
        ("a = 1 OR b = 2 AND c = 3".replace("a", "status").replace("b", "last_name"), None),
        ("   ", Q()),
        ("", Q()),
    ],
)
def test_accepted_sql(text, expected):
    if expected is None:
        with pytest.raises(QueryError):  # "c" is no column
            parse_where(text, resolve)
        return
    assert parse_where(text, resolve) == expected


def test_and_binds_closer_than_or():
    q = parse_where("status = 'a' OR status = 'b' AND last_name = 'c'", resolve)
    assert q == Q(status__exact="a") | (Q(status__exact="b") & Q(last_name__exact="c"))


@pytest.mark.parametrize(
    "text",
    [
        "status = 'a'; DROP TABLE leads",
        "status = 'a' -- comment",
        "status = 'a' /* x */",
        "status = 'a' # x",
        "leads.id IN (SELECT id FROM leads)",
        "sleep(5) = 0",
        "status = concat('a', 'b')",
        "LOWER(status) = 'a'",
        "status = 'unterminated",
        "status = status",
        "status = 'a' AND",
        "(status = 'a'",
        "status = 'a')",
        "unknown = 'a'",
        "contacts.status = 'a'",
        "leads.status.x = 'a'",
        "leads_cstm.status = 'a'",
        "leads.rating_c = 'a'",
        "status BETWEEN 1 AND 2",
        "status = 'a' UNION SELECT 1",
        "status IN ()",
        "status LIKE 5",
        "status = NULL",
        "status",
        "'a' = status",
        "1 = 1",
        "status == 'a'",
        "status = 0x41",
        "status = 'a' OR 1",
        "NOT NOT NOT",
        "(" * 100 + "status = 'a'" + ")" * 100,
        "NOT " * 100 + "status = 'a'",
    ],
)
def test_refused_sql(text):
    with pytest.raises(QueryError):
        parse_where(text, resolve)


SEARCH = (
    "leads.id {not_}IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr "
    "JOIN email_addresses ea ON ea.id = eabr.email_address_id "
    "WHERE eabr.deleted = 0 AND {where})"
)


@pytest.mark.parametrize(
    "where, expected",
    [
        (
            "ea.email_address_caps = 'A@B.COM'",
            Q(pk__in=[]) | Q(email1__exact="A@B.COM") | Q(email2__exact="A@B.COM"),
        ),
        (
            "eabr.bean_module = 'Leads' AND eabr.primary_address = 1 "
            "AND ea.email_address LIKE '%@b.com'",
            Q(pk__in=[]) | Q(email1__like="%@b.com"),
        ),
        (
            "ea.email_address <> 'x@y.z' AND eabr.primary_address = '0'",
            Q(pk__in=[]) | ~Q(email2__exact="x@y.z"),
        ),
        ("eabr.bean_module = 'Contacts' AND ea.email_address = 'a'", Q(pk__in=[])),
    ],
)
def test_suitecrms_email_search_becomes_conditions_on_the_addresses(where, expected):
    assert parse_where(SEARCH.format(not_="", where=where), resolve) == expected
    assert parse_where(SEARCH.format(not_="NOT ", where=where), resolve) == ~expected


@pytest.mark.parametrize(
    "text",
    [
        "leads.status IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr JOIN email_addresses"
        " ea ON ea.id = eabr.email_address_id WHERE ea.email_address = 'a')",
        "leads.id IN (SELECT id FROM users)",
        "leads.id IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr JOIN users"
        " ea ON ea.id = eabr.email_address_id WHERE ea.email_address = 'a')",
        "leads.id IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr JOIN email_addresses"
        " ea ON ea.id = eabr.bean_id WHERE ea.email_address = 'a')",
        "leads.id IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr JOIN email_addresses"
        " ea ON ea.id = eabr.email_address_id WHERE ea.opt_out = 0)",
        "leads.id IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr JOIN email_addresses"
        " ea ON ea.id = eabr.email_address_id WHERE ea.email_address = 'a' OR 1)",
        "leads.id IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr JOIN email_addresses"
        " ea ON ea.id = eabr.email_address_id WHERE ea.email_address = 'a'",
    ],
)
def test_other_sub_queries_are_refused(text):
    with pytest.raises(QueryError):
        parse_where(text, resolve)


def test_order_by():
    assert parse_order("leads.last_name DESC, status", resolve) == ["-last_name", "status"]
    assert parse_order("last_name asc", resolve) == ["last_name"]
    assert parse_order("", resolve) == []
    for bad in ("last_name; DROP", "rand()", "last_name DESC DESC", "1", "unknown"):
        with pytest.raises(QueryError):
            parse_order(bad, resolve)


def _plain(q) -> bool:
    """Only (field lookup, plain value) leaves: no expression, raw SQL or subquery."""
    for child in q.children:
        if isinstance(child, Q):
            if not _plain(child):
                return False
        elif not (
            isinstance(child, tuple)
            and child[0].split("__")[0] in FIELDS.values()
            and isinstance(child[1], str | Decimal | bool)
        ):
            return False
    return True


_WORDS = st.sampled_from(
    [
        "status",
        "leads.status",
        "leads_cstm.rating_c",
        "last_name",
        "AND",
        "OR",
        "NOT",
        "LIKE",
        "IN",
        "IS",
        "NULL",
        "(",
        ")",
        ",",
        "=",
        "<>",
        "<",
        ">=",
        "'a'",
        "'%x_'",
        "''''",
        "12",
        "-3.5",
        ";",
        "--",
        "/*",
        "SELECT",
        "FROM",
        "email_addr_bean_rel",
        "JOIN",
        "WHERE",
        "leads.id",
        "sleep(",
        "`status`",
        ".",
        "'",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=14))
def test_sql_like_text_is_refused_or_read_into_plain_conditions(words):
    text = " ".join(words)
    try:
        q = parse_where(text, resolve)
    except QueryError:
        return
    assert isinstance(q, Q) and _plain(q)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_refused_or_read(text):
    for parse in (parse_where, parse_order):
        try:
            result = parse(text, resolve)
        except QueryError:
            continue
        assert isinstance(result, Q | list)


def test_tokens_keep_quoted_text_as_values():
    found = tokens("x = 'a b' AND y IN (1, 'c''d')")
    assert [t.value for t in found if t.kind == "string"] == ["a b", "c'd"]
    with pytest.raises(QueryError):
        tokens(12)
