"""The SQL fragments of v4_1 clients (`query`, `order_by`) read as Django Q objects and
ORM orderings, for the list methods: nothing a client sends reaches the database as text.

SuiteCRM pastes `query` into its SQL WHERE clause. Clients send a small part of SQL, which is
what this parser reads:

    leads.status = 'New' AND (leads.last_name LIKE 'M%' OR leads_cstm.rating_c IN ('a','b'))
    AND leads.deleted = 0

- comparisons `= != <> < <= > >=` of a column with a quoted string or a number; `LIKE` and
  `NOT LIKE` with a quoted pattern; `IN` / `NOT IN` a list of values; `IS [NOT] NULL`;
- `AND`, `OR`, `NOT` and parentheses; strings in single quotes, `''` (or `\\'`) for a quote;
- columns as `<table>.<column>`, `<table>_cstm.<column>`, or bare, optionally in back-ticks.

- SuiteCRM's own e-mail search, `<table>.id IN (SELECT … FROM email_addr_bean_rel … JOIN
  email_addresses … WHERE …)`, read as conditions on `email1`/`email2` (email_search).

Everything else is refused with `QueryError` (the endpoint answers SuiteCRM's `no_access`):
functions, other sub-queries, unknown tables or columns, comments, semicolons, other operators.
Which columns exist and what they mean is the caller's `resolve(table, column)`, which returns a
`Column` (or raises QueryError).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

MAX_LENGTH = 20_000
MAX_DEPTH = 40

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|''|\\.)*')
    | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
    | (?P<name>`[A-Za-z0-9_#]+`|[A-Za-z_][A-Za-z0-9_#]*)
    | (?P<op><>|!=|<=|>=|=|<|>)
    | (?P<punct>[(),.])
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "IN", "IS", "NULL"}
# Only in the e-mail search's sub-query (email_search)
_KEYWORDS |= {"SELECT", "FROM", "WHERE", "JOIN", "INNER", "LEFT", "ON"}
# Words that may never start a column: SQL that this reader does not speak.
_REFUSED = {"UNION", "EXISTS", "BETWEEN", "AS", "ESCAPE", "REGEXP", "HAVING", "GROUP", "ORDER"}


class QueryError(ValueError):
    """The text is not part of the SQL this reader accepts."""


@dataclass(frozen=True)
class Token:
    kind: str  # string, number, name, keyword, op, punct
    text: str
    value: object = None


@dataclass
class Column:
    """A column a query may name: `compare(op, value)` → Q for op in eq, neq, gt, gte, lt,
    lte, like (value a str or Decimal); `empty()` → Q of the rows where it is NULL (or empty);
    `path` is the ORM path `order_by` sorts by (None: not sortable)."""

    compare: Callable[[str, object], Q]
    empty: Callable[[], Q]
    path: str | None = None


def tokens(text: str) -> list[Token]:
    """The tokens of `text`; QueryError on anything this reader does not know."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH or "\x00" in text:
        raise QueryError("query too long, not text or with a NUL character")
    found, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise QueryError(f"unexpected text at {position}")
        position = match.end()
        kind = match.lastgroup
        raw = match.group(kind)
        if kind == "string":
            body = raw[1:-1]
            found.append(Token("string", raw, re.sub(r"''|\\(.)", _unescape, body)))
        elif kind == "number":
            found.append(Token("number", raw, Decimal(raw)))
        elif kind == "name" and not raw.startswith("`") and raw.upper() in _KEYWORDS:
            found.append(Token("keyword", raw.upper()))
        elif kind == "name":
            if raw.upper() in _REFUSED:
                raise QueryError(f"{raw} is not supported")
            found.append(Token("name", raw.strip("`").lower()))
        else:
            found.append(Token(kind, raw))
    return found


def _unescape(match: re.Match) -> str:
    return "'" if match.group(0) == "''" else match.group(1)


class _Parser:
    def __init__(self, text: str, resolve: Callable[[str | None, str], Column]):
        self.items = tokens(text)
        self.at = 0
        self.resolve = resolve
        self.depth = 0
        self.table = None  # the table of the last column read

    # --- tokens --------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        index = self.at + offset
        return self.items[index] if index < len(self.items) else None

    def take(self, kind: str, text: str | None = None) -> Token:
        token = self.peek()
        if token is None or token.kind != kind or (text is not None and token.text != text):
            raise QueryError(f"expected {text or kind}")
        self.at += 1
        return token

    def accept(self, kind: str, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == kind and token.text == text:
            self.at += 1
            return True
        return False

    # --- grammar -------------------------------------------------------------------------
    def where(self) -> Q:
        q = self.disjunction()
        if self.peek() is not None:
            raise QueryError(f"unexpected {self.peek().text}")
        return q

    def disjunction(self) -> Q:
        q = self.conjunction()
        while self.accept("keyword", "OR"):
            q = q | self.conjunction()
        return q

    def conjunction(self) -> Q:
        q = self.negation()
        while self.accept("keyword", "AND"):
            q = q & self.negation()
        return q

    def negation(self) -> Q:
        if self.accept("keyword", "NOT"):
            return ~self.nested(self.negation)
        if self.accept("punct", "("):
            q = self.nested(self.disjunction)
            self.take("punct", ")")
            return q
        return self.predicate()

    def nested(self, rule: Callable[[], Q]) -> Q:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError("nested too deeply")
        try:
            return rule()
        finally:
            self.depth -= 1

    def column(self) -> Column:
        first = self.take("name").text
        self.table = None
        if self.accept("punct", "."):
            second = self.take("name").text
            if self.peek() is not None and self.peek().text in (".", "("):
                raise QueryError("not a column")
            self.table = first
            return self.resolve(first, second)
        if self.peek() is not None and self.peek().text == "(":
            raise QueryError(f"function {first} is not supported")
        return self.resolve(None, first)

    def value(self):
        token = self.peek()
        if token is None or token.kind not in ("string", "number"):
            raise QueryError("expected a quoted value or a number")
        self.at += 1
        return token.value

    def predicate(self) -> Q:
        column = self.column()
        negate = self.accept("keyword", "NOT")
        if self.accept("keyword", "LIKE"):
            pattern = self.take("string").value
            q = column.compare("like", pattern)
        elif self.accept("keyword", "IN"):
            self.take("punct", "(")
            if self.peek() is not None and self.peek().text == "SELECT":
                if column.path != "pk":
                    raise QueryError("a sub-query only on the id")
                return ~self.email_search() if negate else self.email_search()
            values = [self.value()]
            while self.accept("punct", ","):
                values.append(self.value())
            self.take("punct", ")")
            q = Q()
            for value in values:
                q |= column.compare("eq", value)
        elif not negate and self.accept("keyword", "IS"):
            negate = self.accept("keyword", "NOT")
            self.take("keyword", "NULL")
            q = column.empty()
        elif not negate and self.peek() is not None and self.peek().kind == "op":
            op = {"=": "eq", "!=": "neq", "<>": "neq", "<": "lt", "<=": "lte", ">": "gt"}.get(
                self.take("op").text, "gte"
            )
            q = column.compare(op, self.value())
        else:
            raise QueryError("expected a comparison")
        return ~q if negate else q

    # --- SuiteCRM's e-mail search ------------------------------------------------------------
    def email_search(self) -> Q:
        """`<table>.id IN (SELECT r.bean_id FROM email_addr_bean_rel r JOIN email_addresses a
        ON a.id = r.email_address_id WHERE …)`, the sub-query SuiteCRM itself accepts and
        clients send to find records by address, read as conditions on email1 and email2.
        WHERE may test r.deleted = 0, a.deleted = 0, r.bean_module, r.primary_address and
        a.email_address / a.email_address_caps (=, !=, <>, [NOT] LIKE), joined by AND."""
        table = self.table
        self.take("keyword", "SELECT")
        selected = self.qualified()
        self.take("keyword", "FROM")
        rel = self.table_alias("email_addr_bean_rel")
        if not self.accept("keyword", "INNER"):
            self.accept("keyword", "LEFT")
        self.take("keyword", "JOIN")
        address = self.table_alias("email_addresses")
        self.take("keyword", "ON")
        left = self.qualified()
        self.take("op", "=")
        joined = {left, self.qualified()} == {(address, "id"), (rel, "email_address_id")}
        if selected != (rel, "bean_id") or not joined:
            raise QueryError("not SuiteCRM's e-mail search")
        self.take("keyword", "WHERE")
        fields, tests = ["email1", "email2"], []
        while True:
            name = self.qualified()
            if name in ((rel, "deleted"), (address, "deleted")):
                self.take("op", "=")
                if str(self.value()) != "0":
                    fields = []  # deleted links and addresses: Kontor keeps none
            elif name == (rel, "bean_module"):
                self.take("op", "=")
                if table is not None and str(self.value()).lower() != table:
                    fields = []
            elif name == (rel, "primary_address"):
                self.take("op", "=")
                keep = "email1" if str(self.value()) == "1" else "email2"
                fields = [f for f in fields if f == keep]
            elif name in ((address, "email_address"), (address, "email_address_caps")):
                tests.append(self.address_test())
            else:
                raise QueryError("not SuiteCRM's e-mail search")
            if not self.accept("keyword", "AND"):
                break
        self.take("punct", ")")
        found = Q(pk__in=[])
        for name in fields:
            column, q = self.resolve(None, name), Q()
            for op, value, negate in tests:
                test = column.compare(op, value)
                q &= ~test if negate else test
            found |= q
        return found

    def address_test(self) -> tuple:
        negate = self.accept("keyword", "NOT")
        if self.accept("keyword", "LIKE"):
            return "like", self.take("string").value, negate
        if negate:
            raise QueryError("expected LIKE")
        op = self.take("op").text
        if op not in ("=", "!=", "<>"):
            raise QueryError("addresses compare with = and !=")
        return "eq", self.take("string").value, op != "="

    def qualified(self) -> tuple[str, str]:
        first = self.take("name").text
        self.take("punct", ".")
        return first, self.take("name").text

    def table_alias(self, table: str) -> str:
        """`table` with an optional alias; the name its columns are qualified with."""
        if self.take("name").text != table:
            raise QueryError(f"expected {table}")
        token = self.peek()
        if token is not None and token.kind == "name":
            self.at += 1
            return token.text
        return table

    def ordering(self) -> list[str]:
        paths = []
        while True:
            column = self.column()
            if column.path is None:
                raise QueryError("not sortable")
            descending = False
            token = self.peek()
            if token is not None and token.kind == "name" and token.text in ("asc", "desc"):
                descending = token.text == "desc"
                self.at += 1
            paths.append(("-" if descending else "") + column.path)
            if not self.accept("punct", ","):
                break
        if self.peek() is not None:
            raise QueryError(f"unexpected {self.peek().text}")
        return paths


def parse_where(text, resolve: Callable[[str | None, str], Column]) -> Q:
    """The Q of SuiteCRM's `query` text (empty: every row)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return Q()
    return _Parser(text, resolve).where()


def parse_order(text, resolve: Callable[[str | None, str], Column]) -> list[str]:
    """The ORM ordering of SuiteCRM's `order_by` text (empty: none)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return []
    return _Parser(text, resolve).ordering()
