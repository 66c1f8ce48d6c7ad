"""The type-ahead under the top search at a million leads: one request per keystroke.

For developers changing kontor/core/suggest.py or the search index. On the prepared benchmark
database (`bench.run` or `bench.prepare` builds it: 1,000,000 leads, their accounts, contacts
and deals) it serves Kontor with gunicorn (2 sync workers, DEBUG off) and times
`/search/suggest/?q=` as a user types, signed in as an administrator (every record type, no
permission filter to narrow the search):

- `prefix_2`, `prefix_3`, `prefix_5`: the first two, three and five letters of a lead's last
  name (common terms: the cap of collected matches is reached at once);
- `company_4`: the first four letters of a lead's company;
- `email`: a lead's whole e-mail address (rare: the index alone narrows it);
- `nothing`: a term that matches nothing (every module's index probed in vain).

Target: p95 <= 50 ms at one client (docs/performance.md).

    python -m bench.typeahead                       # PostgreSQL database kontor_bench
    python -m bench.typeahead --requests 100 --concurrency 1,4

Results go to bench/results/typeahead-<time>.json (git-ignored).
"""

import argparse
import json
import os
import random
from datetime import datetime
from urllib.parse import quote

from bench import load
from bench.run import RESULTS, Server

TARGET_P95_MS = 50
KINDS = ("prefix_2", "prefix_3", "prefix_5", "company_4", "email", "nothing")


def terms(username: str, password: str, n: int) -> dict[str, list[str]]:
    """`n` terms of each kind, from leads at seeded random places of the table."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from bench.prepare import sample_leads, sign_in_user
    from kontor.leads.models import Lead

    sign_in_user(username, password)
    ids = [lead.pk for lead in sample_leads(n, seed=11)]
    leads = Lead.objects.filter(pk__in=ids).only("last_name", "account_name", "email1")
    rng = random.Random("typeahead")
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for lead in leads:
        name = lead.last_name.lower()
        out["prefix_2"].append(name[:2])
        out["prefix_3"].append(name[:3])
        out["prefix_5"].append(name[:5])
        out["company_4"].append((lead.account_name or name).lower()[:4])
        out["email"].append(lead.email1)
        out["nothing"].append("".join(rng.choice("qxzj") for _ in range(6)))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="Per kind of term.")
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1])
    load.server_arguments(parser)
    args = parser.parse_args(argv)
    env = load.bench_database(args)
    by_kind = terms(args.username, args.password, args.requests)
    port = load.free_port()
    summaries = []
    with Server(env, port, args.workers):
        client = load.Client(port)
        client.sign_in(args.username, args.password)
        cookies = client.cookies
        warm = [f"/search/suggest/?q={quote(t)}" for kind in KINDS for t in by_kind[kind][:5]]
        load.run(port, cookies, "warm-up", warm, 2)
        for concurrency in args.concurrency:
            for kind in KINDS:
                paths = [f"/search/suggest/?q={quote(t)}" for t in by_kind[kind]]
                before = os.getloadavg()[0]
                # Every answer ends with the "search everywhere" entry: a 200 without it failed.
                result = load.run(port, cookies, kind, paths, concurrency, b'id="suggest-all"')
                summary = result.summary()
                summary["loadavg"] = [round(before, 2), round(os.getloadavg()[0], 2)]
                summary["target_p95"] = TARGET_P95_MS
                summaries.append(summary)
                print(
                    f"c={concurrency} {kind:10} p50 {summary['p50']:6.1f}  "
                    f"p95 {summary['p95']:6.1f}  p99 {summary['p99']:6.1f} ms  "
                    f"errors {summary['errors']}  load {summary['loadavg']}",
                    flush=True,
                )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"typeahead-{datetime.now():%Y%m%d-%H%M%S}.json"
    record = {"when": datetime.now().isoformat(timespec="seconds"), "results": summaries}
    path.write_text(json.dumps(record, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
