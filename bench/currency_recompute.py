"""`python -m bench.currency_recompute`: recomputing opportunities' base amounts after a
change of exchange rates, at kontor_bench's 50,000 opportunities on PostgreSQL.

For developers checking `kontor.opportunities.base_amounts.recompute`, what the worker runs
after a rate or the base changes (and `kontor recompute_base_amounts` nightly): per currency
one UPDATE of the open opportunities at today's rate and one of the closed ones at their
close date's rate (a correlated subquery along the rates' (currency, valid_from) index).

kontor_bench's opportunities are all in euros (the base), so the benchmark first gives them
other currencies and rates, inside one transaction that is rolled back at the end: nothing of
kontor_bench changes. Two shapes are timed, each `--runs` times:

- every opportunity in USD, 36 monthly USD rates: `first_conversion_all_rows` (every row gets
  its base amount: the worst case, as after adding a currency's first rates),
  `nothing_changed` (a recompute that changes no row), `old_month_rate_changed` (the rate of
  one month two years back changes: only the deals closed in that month are written) and
  `todays_rate_changed` (today's rate changes: every open deal is written);
- `mixed_one_currency` / `mixed_base_change`: the opportunities spread over EUR, USD, GBP and
  CHF (about a quarter each); a GBP rate changed → `recompute(["GBP"])`, and a change of the
  base → `recompute(None)`, every currency.

    python -m bench.currency_recompute             # 5 runs of each
    python -m bench.currency_recompute --runs 10

Results go to bench/results/currency-recompute-<time>.json with the machine's load average.
"""

import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

from bench import load


def _rates(codes: dict[str, Decimal], months: int = 36) -> list:
    from kontor.currencies.models import ExchangeRate

    start = date.today().replace(day=1)
    days = []
    for back in range(months):
        year, month = divmod(start.year * 12 + start.month - 1 - back, 12)
        days.append(date(year, month + 1, 1))
    return [
        ExchangeRate(currency_id=code, valid_from=day, rate=around + Decimal(i) / 1000)
        for code, around in codes.items()
        for i, day in enumerate(days)
    ]


def _change(rate, recompute) -> int:
    """Move `rate` by a thousandth (up and down in turn) and recompute its currency."""
    rate.rate += Decimal("0.001") if rate.rate * 1000 % 2 == 0 else Decimal("-0.001")
    rate.save(update_fields=["rate"])
    return recompute([rate.currency_id])


def _timed(name: str, runs: int, call) -> dict:
    seconds, touched = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        touched = call()
        seconds.append(time.perf_counter() - started)
    return {
        "name": name,
        "rows": touched,
        "runs": runs,
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def rounds(args) -> list[dict]:

    from kontor.currencies.models import Currency, ExchangeRate
    from kontor.opportunities.base_amounts import recompute
    from kontor.opportunities.models import Opportunity

    rows = Opportunity.with_deleted.count()
    summaries = [{"name": "opportunities", "count": rows}]
    with load.rolled_back():
        Currency.objects.filter(code__in=["USD", "GBP", "CHF"]).update(active=True)
        ExchangeRate.objects.bulk_create(
            _rates({"USD": Decimal("1.08"), "GBP": Decimal("0.85"), "CHF": Decimal("0.94")})
        )
        Opportunity.with_deleted.update(currency="USD")
        summaries.append(_timed("first_conversion_all_rows", 1, lambda: recompute(["USD"])))
        summaries.append(_timed("nothing_changed", args.runs, lambda: recompute(["USD"])))
        newest = ExchangeRate.objects.filter(currency="USD").latest("valid_from")
        old = ExchangeRate.objects.filter(currency="USD").order_by("valid_from")[12]
        summaries.append(
            _timed("old_month_rate_changed", args.runs, lambda: _change(old, recompute))
        )
        summaries.append(
            _timed("todays_rate_changed", args.runs, lambda: _change(newest, recompute))
        )
        # A quarter each, by the first hex digit of the id (ids are random UUIDs).
        for code, digits in (("GBP", "0123"), ("CHF", "4567"), ("EUR", "89ab")):
            for digit in digits:
                Opportunity.with_deleted.filter(id__startswith=digit).update(currency=code)
        summaries.append(_timed("mixed_one_currency", args.runs, lambda: recompute(["GBP"])))
        summaries.append(_timed("mixed_base_change", args.runs, lambda: recompute(None)))
        missing = Opportunity.with_deleted.filter(amount_base__isnull=True).count()
        summaries.append({"name": "without_rate_after", "count": missing})
    return summaries


def options(parser) -> None:
    parser.add_argument("--runs", type=int, default=5)


def main(argv=None) -> int:
    return load.main_in_process("currency-recompute", __doc__, rounds, argv, options)


if __name__ == "__main__":
    sys.exit(main())
