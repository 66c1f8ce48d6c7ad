"""`python -m bench.dashboard`: the home page and its eight widgets at a million leads.

For developers changing the dashboards (kontor/dashboards; target: the whole set's p95 ≤ 300
ms). Each round asks for what a browser asks for on opening the home page: the page (which
holds My day's lists), then each widget fragment it loads afterwards, one after the other, each
timed through Django's whole request path (middleware, session, permission filter) in this
process, without HTTP. The user's dashboard
holds the six default widgets (My day's four lists, pipeline by stage, forecast vs quota) plus
won/lost by month and the team leaderboard. `home_and_widgets` is a returning viewer (the
figures kept from before are in the page); `nothing_kept` a viewer's first look, with the
shared cache emptied before each round, so every figure is counted.

The data is bench.run's `kontor_bench` (1,000,000 leads, 50,000 opportunities), read and never
changed: the dashboard is written inside one transaction that is rolled back at the end. The
user is bench.run's administrator, who sees every record: the widest figures there are.

    python -m bench.dashboard                 # 50 rounds after 5 to warm up
    python -m bench.dashboard --requests 100 --also lead_sources

Results go to bench/results/dashboard-<time>.json with the machine's load average.
"""

import re
import sys
import time

from bench import load

TARGET_P95_MS = 300
EXTRA = ("won_lost", "leaderboard")


def fragments(page: bytes) -> list[tuple[str, str]]:
    """(kind, address) of each widget the page does not hold and loads after it."""
    found = []
    for chunk in page.split(b'data-widget="')[1:]:
        kind = re.search(rb'data-kind="(\w+)"', chunk)
        url = re.search(rb'hx-get="(/dashboards/[^"]+)" hx-trigger="load"', chunk)
        if kind and url:
            found.append((kind.group(1).decode(), url.group(1).decode()))
    return found


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from kontor.dashboards import actions

    user = get_user_model().objects.get(username=args.user)
    timers: dict[str, load.Result] = {}

    def one_round(whole: load.Result) -> None:
        # What the browser asks for: the page, then each fragment the page still loads
        # (widgets whose figures are kept are in the page already).
        begun = time.perf_counter()
        home = load.timed(timers["home"], lambda: client.get("/", secure=True), label="/")
        for kind, url in fragments(home.content):
            timer = timers.setdefault(kind, load.Result(kind, 1))
            load.timed(timer, lambda u=url: client.get(u, secure=True), label=url)
        whole.latencies.append((time.perf_counter() - begun) * 1000)

    with load.rolled_back():
        for kind in (*EXTRA, *args.also):
            actions.add_widget(kind, actor=user)
        client = load.signed_in(user)
        cache.clear()
        timers["home"] = load.Result("home", 1)
        warm = load.Result("home_and_widgets", 1)
        for _phase, count in load.phases(args):
            for timer in [warm, *timers.values()]:
                timer.latencies.clear()
            for _ in range(count):
                one_round(warm)
        # A fragment the page held in every measured round was never asked for.
        summaries = [warm.summary()] + [t.summary() for t in timers.values() if t.latencies]
        # A viewer's first look (nothing kept for their rights): every figure counted.
        cold = load.Result("nothing_kept", 1)
        for _ in range(max(5, args.requests // 5)):
            cache.clear()
            client.get("/reports/", secure=True)  # the caches every page reads
            one_round(cold)
        summaries.append(cold.summary())
    return summaries


def options(parser) -> None:
    load.rounds_arguments(
        parser, requests=50, warmup=5, user_help="who looks (default: bench.run's user)"
    )
    parser.add_argument("--also", nargs="*", default=[], help="more widget kinds to add")


def main(argv=None) -> int:
    return load.main_in_process(
        "dashboard", __doc__, rounds, argv, options, target_p95_ms=TARGET_P95_MS
    )


if __name__ == "__main__":
    sys.exit(main())
