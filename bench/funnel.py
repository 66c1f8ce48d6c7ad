"""The funnel page at a million leads: a year's cohort counted afresh, and asked again.

For developers changing the funnel (kontor/funnel/). On the prepared benchmark database
(1,000,000 leads, every one its own journey) it rebuilds the journeys once (`--rebuild`,
timed: `kontor rebuild_funnel`), serves Kontor with gunicorn (2 sync workers, DEBUG off, the
local-memory cache of each worker) and times, at one client, as the administrator:

- `funnel_cold`: a year's cohort (about 200,000 journeys), each request a different year, so
  every one is counted by the database (counts per month, then the durations);
- `funnel`: one year's cohort again and again, as a team looking at the same page gets it
  (from the cache until a journey changes); target p95 <= 200 ms;
- `funnel_default`: the page as it opens (the last twelve months before today);
- `funnel_drill`: the first page of the journeys that reached SQL in a year.

    python -m bench.funnel --rebuild            # PostgreSQL database kontor_bench
    python -m bench.funnel --requests 100

Reads only; the rebuild rewrites the funnel's own table, nothing else. Results go to
bench/results/funnel-<time>.json (git-ignored).
"""

import argparse
import os
from datetime import date, datetime, timedelta

from bench import load
from bench.run import Server

TARGETS_MS = {"funnel": 200}
YEAR = "from=2024-01-01&to=2024-12-31"


def rebuild() -> float:
    """Rebuild the journeys of kontor_bench in this process; the seconds it took."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from kontor.funnel import maintain

    count, seconds = maintain.rebuild_timed()
    print(
        f"rebuild_funnel     {count:,} journeys in {seconds:.1f} s  load {os.getloadavg()[0]:.2f}"
    )
    return seconds


def years(n: int) -> list[str]:
    """`n` different one-year cohorts inside the generated data (2021–2025), a day apart."""
    first = date(2022, 1, 1)
    paths = []
    for i in range(n):
        start = first + timedelta(days=i % 700)
        end = start + timedelta(days=364)
        paths.append(f"/funnel/?from={start}&to={end}")
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rebuild", action="store_true", help="Rebuild the journeys first.")
    load.server_arguments(parser)
    args = parser.parse_args(argv)
    env = load.bench_database(args)
    summaries = []
    if args.rebuild:
        seconds = rebuild()
        summaries.append({"name": "rebuild_funnel", "seconds": round(seconds, 1)})
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
        import django

        django.setup()
    from bench.prepare import sign_in_user

    sign_in_user(args.username, args.password)
    port = load.free_port()
    with Server(env, port, args.workers):
        client = load.Client(port)
        client.sign_in(args.username, args.password)
        cookies = client.cookies
        load.run(port, cookies, "warm-up", [f"/funnel/?{YEAR}"] * 4, 2)
        runs = [
            load.run(port, cookies, "funnel_cold", years(args.requests), 1, b'id="funnel-stages"'),
            load.run(port, cookies, "funnel", [f"/funnel/?{YEAR}"] * args.requests, 1),
            load.run(port, cookies, "funnel_default", ["/funnel/"] * args.requests, 1),
            load.run(
                port,
                cookies,
                "funnel_drill",
                [f"/funnel/records/?{YEAR}&stage=sql"] * args.requests,
                1,
                b'id="funnel-drill"',
            ),
        ]
        for result in runs:
            summary = result.with_load(TARGETS_MS.get(result.name))
            summaries.append(summary)
            print(load.line(summary), flush=True)
    record = {"when": datetime.now().isoformat(), "results": summaries}
    path = load.write_results("funnel", record, indent=None)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
