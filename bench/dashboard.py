"""`python -m bench.dashboard`: the home page and its eight widgets at a million leads.

For developers changing the dashboards (kontor/dashboards; target: the whole set's p95 ≤ 300
ms). Each round asks for what a browser asks for on opening the home page: the page (which
holds My day's lists), then each widget fragment it loads afterwards, one after the other, each
timed through Django's whole request path (middleware, session, permission filter) in this
process, without HTTP. The user's dashboard
holds the six default widgets (My day's four lists, pipeline by stage, forecast vs quota) plus
won/lost by month and the team leaderboard.

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


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model

    from kontor.dashboards import actions

    user = get_user_model().objects.get(username=args.user)
    summaries = []
    with load.rolled_back():
        for kind in (*EXTRA, *args.also):
            actions.add_widget(kind, actor=user)
        client = load.signed_in(user)
        home = client.get("/", secure=True)
        urls = [u.decode() for u in re.findall(rb'hx-get="(/dashboards/[^"]+)"', home.content)]
        # The widgets the page does not hold load after it, one request each, named by id.
        kinds = {str(w.pk): w.kind for w in actions.queries.own(user).widgets.all()}
        loaded = [(kinds[url.rstrip("/").rsplit("/", 1)[1]], url) for url in urls]
        timers = {name: load.Result(name, 1) for name in ["home", *(k for k, _u in loaded)]}
        whole = load.Result("home_and_widgets", 1)
        for _phase, count in load.phases(args):
            for timer in [whole, *timers.values()]:
                timer.latencies.clear()
            for _ in range(count):
                begun = time.perf_counter()
                for name, url in [("home", "/"), *loaded]:
                    load.timed(timers[name], lambda u=url: client.get(u, secure=True), label=url)
                whole.latencies.append((time.perf_counter() - begun) * 1000)
        summaries = [whole.summary()] + [t.summary() for t in timers.values()]
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
