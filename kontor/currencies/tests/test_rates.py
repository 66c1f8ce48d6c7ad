"""rates.py: which rate is valid on a day, the conversion's rounding, the cache and the
callbacks after a change."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kontor.core import dropdowns
from kontor.currencies import rates
from kontor.currencies.tests.helpers import add_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def usd():
    add_rate("USD", date(2026, 1, 1), "1.100000")
    add_rate("USD", date(2026, 7, 1), "1.250000")


def test_the_seeded_base_is_eur_and_converts_at_one():
    assert rates.base_currency() == "EUR"
    assert rates.rate_on("EUR", date(1990, 1, 1)) == Decimal(1)
    assert rates.to_base(Decimal("12.34"), "eur", date(2026, 5, 5)) == Decimal("12.34")


def test_the_rate_valid_on_a_day_is_the_latest_from_on_or_before_it(usd):
    assert rates.rate_on("USD", date(2025, 12, 31)) is None
    assert rates.rate_on("USD", date(2026, 1, 1)) == Decimal("1.1")
    assert rates.rate_on("USD", date(2026, 6, 30)) == Decimal("1.1")
    assert rates.rate_on("USD", date(2026, 7, 1)) == Decimal("1.25")
    assert rates.rate_on("USD", date(2030, 1, 1)) == Decimal("1.25")
    assert rates.rate_on("GBP", date(2026, 7, 1)) is None  # no rate entered
    assert rates.rate_on("XYZ", date(2026, 7, 1)) is None  # no such currency


def test_to_base_divides_by_the_rate_and_rounds_half_up_to_the_cent(usd):
    # 1000 / 1.1 = 909.0909…
    assert rates.to_base(Decimal("1000"), "USD", date(2026, 3, 1)) == Decimal("909.09")
    # 0.05 / 1.25 = 0.04 exactly; 0.07 / 1.25 = 0.056 → 0.06
    assert rates.to_base(Decimal("0.05"), "USD", date(2026, 8, 1)) == Decimal("0.04")
    assert rates.to_base(Decimal("0.07"), "USD", date(2026, 8, 1)) == Decimal("0.06")
    add_rate("GBP", date(2026, 1, 1), "0.800000")
    # 0.01 / 0.8 = 0.0125 → 0.01; 0.02 / 0.8 = 0.025 → 0.03 (half up, not to even)
    assert rates.to_base(Decimal("0.01"), "GBP", date(2026, 1, 1)) == Decimal("0.01")
    assert rates.to_base(Decimal("0.02"), "GBP", date(2026, 1, 1)) == Decimal("0.03")
    assert rates.to_base(None, "GBP", date(2026, 1, 1)) is None
    assert rates.to_base(Decimal("5"), "GBP", date(2025, 1, 1)) is None


def test_from_base_multiplies_at_the_day_or_today(usd):
    assert rates.from_base(Decimal("100"), "USD", date(2026, 3, 1)) == Decimal("110.00")
    assert rates.from_base(Decimal("100"), "USD") == Decimal("125.00")  # today is past July
    assert rates.from_base(Decimal("100"), "EUR") == Decimal("100.00")
    assert rates.from_base(Decimal("100"), "GBP") is None
    assert rates.from_base(None, "USD") is None


def test_a_request_reads_the_table_once(usd):
    rates.invalidate()
    with CaptureQueriesContext(connection) as queries, dropdowns.request_copy():
        for month in range(1, 13):
            rates.to_base(Decimal("10"), "USD", date(2026, month, 1))
    assert len(queries) == 2  # currencies, rates


def test_a_new_rate_is_seen_at_once_and_the_callbacks_run_after_the_commit(
    django_capture_on_commit_callbacks,
):
    seen = []
    rates.on_change(seen.append)
    try:
        assert rates.rate_on("CHF", date(2026, 1, 1)) is None
        with django_capture_on_commit_callbacks(execute=True):
            add_rate("CHF", date(2026, 1, 1), "0.940000")
            assert seen == []  # not before the commit
        assert seen == [frozenset({"CHF"})]
        assert rates.rate_on("CHF", date(2026, 1, 1)) == Decimal("0.94")
    finally:
        rates._callbacks.remove(seen.append)


def test_a_rolled_back_change_runs_no_callback(django_capture_on_commit_callbacks):
    seen = []
    rates.on_change(seen.append)
    try:
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            add_rate("CHF", date(2026, 1, 1), "0.940000")
            raise RuntimeError
        assert seen == []
        assert rates.rate_on("CHF", date(2026, 1, 1)) is None
    finally:
        rates._callbacks.remove(seen.append)


def test_active_codes_put_the_base_first():
    assert rates.active_codes() == ["EUR", "CHF", "GBP", "USD"]
