"""`python -m bench.forecast`: the forecast page over kontor_bench's 50,000 opportunities.

For developers changing the forecast (kontor/forecasts; target: the page's p95 <= 200 ms).
Each round asks for the whole page (GET /forecast/) through Django's whole request path
(middleware, session, the permission filter, the grouped query, quotas, rendering) in this
process, without HTTP, as bench.run's administrator ("bench": sees every opportunity). The
rounds cycle through the views people open, over the years the generated data covers:

- `months_all`: three months of everyone (the default shape: this quarter's months);
- `quarters_all`: four quarters of everyone, with a quota per user and quarter;
- `year_months_all`: twelve months of everyone (the longest range a page may ask for);
- `months_user`: three months of one sales user.

The quotas the run needs are created in a transaction that is rolled back at the end, so the
database keeps exactly what bench.run prepared. Results go to
bench/results/forecast-<time>.json with the machine's load average.

    python -m bench.forecast                     # 100 rounds per view after 10 to warm up
    python -m bench.forecast --requests 300
"""

import sys
from datetime import date
from decimal import Decimal

from bench import load

TARGET_P95_MS = 200


def views(last_day: date, sales_user_id: int) -> dict[str, dict]:
    """The page's parameters of each measured view, ending with the data's last quarter."""
    year, quarter = last_day.year, (last_day.month - 1) // 3 + 1
    first_month = f"{year}-{(quarter - 1) * 3 + 1:02d}"
    last_month = f"{year}-{quarter * 3:02d}"
    before = f"{year - 1}-Q{quarter % 4 + 1}" if quarter < 4 else f"{year}-Q1"
    return {
        "months_all": {"period": "month", "from": first_month, "to": last_month, "scope": "all"},
        "quarters_all": {
            "period": "quarter",
            "from": before,
            "to": f"{year}-Q{quarter}",
            "scope": "all",
        },
        "year_months_all": {
            "period": "month",
            "from": f"{year - 1}-{int(last_month[5:]) % 12 + 1:02d}"
            if last_month[5:] != "12"
            else f"{year}-01",
            "to": last_month,
            "scope": "all",
        },
        "months_user": {
            "period": "month",
            "from": first_month,
            "to": last_month,
            "scope": f"user:{sales_user_id}",
        },
    }


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from kontor.forecasts.models import Quota
    from kontor.forecasts.periods import QUARTER, add, start_of
    from kontor.opportunities.models import Opportunity

    user = get_user_model().objects.get(username=args.user)
    last_day = Opportunity.objects.aggregate(last=Max("date_closed"))["last"]
    sales = list(get_user_model().objects.exclude(pk=user.pk).order_by("pk"))
    shapes = views(last_day, sales[0].pk)
    summaries = []
    with load.rolled_back():
        start = start_of(QUARTER, last_day)
        Quota.objects.bulk_create(
            Quota(
                user=u,
                period_kind=QUARTER,
                period_start=add(QUARTER, start, -n),
                amount=Decimal("250000"),
            )
            for u in sales
            for n in range(4)
        )
        client = load.signed_in(user)
        for name, params in shapes.items():
            for _ in range(args.warmup):
                client.get("/forecast/", params, secure=True)
            result = load.Result(name, 1)
            for _ in range(args.requests):
                load.timed(
                    result,
                    lambda p=params: client.get("/forecast/", p, secure=True),
                    label=str(params),
                    cpu=True,
                )
            # This process's CPU per page: what the page costs on a busy machine, where
            # the wall-clock time also holds the waits for a core.
            summaries.append({**result.summary(), "cpu_ms_p50": result.cpu_p50(), "params": params})
    summaries.append({"name": "opportunities", "count": Opportunity.objects.count()})
    return summaries


def options(parser) -> None:
    load.rounds_arguments(
        parser, requests=100, warmup=10, user_help="who looks (default: bench.run's admin)"
    )


def main(argv=None) -> int:
    return load.main_in_process(
        "forecast", __doc__, rounds, argv, options, target_p95_ms=TARGET_P95_MS
    )


if __name__ == "__main__":
    sys.exit(main())
