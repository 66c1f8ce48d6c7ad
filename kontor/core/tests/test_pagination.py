"""Keyset pagination: every row exactly once, forwards and back, over ties, NULLs and relations.

The expected order is computed here in Python: (sort value, id), with NULLs where the database
puts them naturally (PostgreSQL: largest, SQLite: smallest), descending reversing both.
"""

import base64
import datetime
import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.records.pagination import paginate
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def expected_order(rows, value_of, descending: bool) -> list:
    """Ids of `rows` in the order the list must show them."""
    nulls_largest = connection.vendor != "sqlite"

    def key(row):
        value = value_of(row)
        null_rank = (1 if nulls_largest else -1) if value is None else 0
        return null_rank, value if value is not None else 0, row.pk

    return [row.pk for row in sorted(rows, key=key, reverse=descending)]


def walk(queryset, sort: str, size: int) -> list[list]:
    """Every page from the first, following next cursors, then back again via prev cursors."""
    pages = [paginate(queryset, sort, None, size)]
    while pages[-1].has_next:
        pages.append(paginate(queryset, sort, pages[-1].next_cursor, size))
    back = [pages[-1]]
    while back[-1].has_prev:
        back.append(paginate(queryset, sort, back[-1].prev_cursor, size))
    forward_ids = [[r.pk for r in p.rows] for p in pages]
    back_ids = [[r.pk for r in p.rows] for p in reversed(back)]
    assert back_ids == forward_ids, "going back shows other pages than going forward"
    assert not pages[0].has_prev and not back[-1].has_prev
    return forward_ids


def flat(pages):
    return [pk for page in pages for pk in page]


@pytest.fixture
def contacts():
    """17 contacts: ties on names and birthdates, five without a birthdate, some without account."""
    accounts = [AccountFactory(name=n) for n in ("alpha", "bravo", "bravo", "charlie")]
    people = []
    for i in range(17):
        birthdate = None if i % 4 == 0 else datetime.date(1980 + i % 3, 1, 1)
        account = None if i % 5 == 0 else accounts[i % 4]
        people.append(
            ContactFactory(
                last_name=("meyer", "schulz", "abel")[i % 3], birthdate=birthdate, account=account
            )
        )
    return list(Contact.objects.select_related("account"))


@pytest.mark.parametrize("sort", ["last_name", "-last_name", "birthdate", "-birthdate"])
@pytest.mark.parametrize("size", [1, 3, 5, 17, 50])
def test_pages_show_every_row_once_over_ties_and_nulls(contacts, sort, size):
    name = sort.lstrip("-")
    pages = walk(Contact.objects.all(), sort, size)
    assert flat(pages) == expected_order(contacts, lambda c: getattr(c, name), sort.startswith("-"))
    assert all(len(page) == size for page in pages[:-1]) and 0 < len(pages[-1]) <= size


@pytest.mark.parametrize("sort", ["account__name", "-account__name"])
def test_pages_sort_by_a_related_field(contacts, sort):
    pages = walk(Contact.objects.select_related("account"), sort, 4)
    assert flat(pages) == expected_order(
        contacts, lambda c: c.account.name if c.account else None, sort.startswith("-")
    )


@pytest.mark.parametrize("sort", ["date_entered", "-date_entered"])
def test_pages_keep_rows_created_within_one_millisecond(sort):
    # Cursor values must keep microseconds: a millisecond holds many imported rows.
    base = timezone.now().replace(microsecond=0)
    leads = LeadFactory.create_batch(12)
    for i, lead in enumerate(leads):
        offset = timedelta(microseconds=[0, 0, 1, 250, 251, 999, 1000][i % 7] + i // 7)
        Lead.objects.filter(pk=lead.pk).update(date_entered=base + offset)
    rows = list(Lead.objects.all())
    pages = walk(Lead.objects.all(), sort, 2)
    assert flat(pages) == expected_order(rows, lambda r: r.date_entered, sort.startswith("-"))


def test_an_empty_list_is_one_empty_page(db):
    page = paginate(Contact.objects.all(), "last_name", None, 10)
    assert (page.rows, page.has_next, page.has_prev) == ([], False, False)


def cursor(*parts) -> str:
    raw = json.dumps(list(parts)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


DAMAGED = {
    "not-base64": "%%%garbage%%%",
    "not-json": base64.urlsafe_b64encode(b"not json").decode(),
    "empty-object": cursor(),
    "too-short": cursor("next", "1980-01-01"),
    "unknown-direction": cursor("sideways", "1980-01-01", str(uuid.uuid4())),
    "impossible-date": cursor("next", "1980-02-30", str(uuid.uuid4())),
    "value-of-wrong-type": cursor("next", {"a": 1}, str(uuid.uuid4())),
    "id-not-a-uuid": cursor("next", "1980-01-01", "not-a-uuid"),
    "prev-id-not-a-uuid": cursor("prev", None, "42; DROP TABLE"),
    "umlauts": "äöü",
}


@pytest.mark.parametrize("damaged", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_cursor_falls_back_to_the_first_page(contacts, damaged):
    first = paginate(Contact.objects.all(), "birthdate", None, 5)
    page = paginate(Contact.objects.all(), "birthdate", damaged, 5)
    assert [r.pk for r in page.rows] == [r.pk for r in first.rows]
    assert page.has_prev is False and page.has_next is True


def test_a_cursor_of_a_deleted_row_still_continues_after_it(contacts):
    first = paginate(Contact.objects.all(), "last_name", None, 5)
    Contact.objects.filter(pk=first.rows[-1].pk).delete()
    second = paginate(Contact.objects.all(), "last_name", first.next_cursor, 5)
    expected = expected_order(list(Contact.objects.all()), lambda c: c.last_name, False)
    assert [r.pk for r in second.rows] == expected[4:9]
