"""`python -m bench.board`: the pipeline board and a card's move at 50,000 opportunities.

For developers checking the board's cost (kontor/pipeline; targets: the page's p95 ≤ 100 ms,
a move's p95 ≤ 50 ms). Each request is timed through Django's whole request path (middleware,
session, permission filter) in this process, without HTTP:

- `board`: GET /opportunities/board/ — the grouped figures of every stage and the first 20
  cards of each open column;
- `board_search`: the same with a search term (`?q=`);
- `column_more`: the next 20 cards of a column (the "more" row, keyset after a random card);
- `move`: POST /opportunities/board/<id>/move/ of a random opportunity to the next stage (or
  back from the last), as the board's script sends it: `save_record` with its row lock,
  version check and change-log row, then the two columns' headers recounted and the card.

The data is bench.run's `kontor_bench` (`kontor generate`: 50,000 opportunities). Moves are
written inside one transaction that is rolled back at the end, so nothing stays changed.

    python -m bench.board                     # 200 rounds each after 20 to warm up
    python -m bench.board --requests 500

Results go to bench/results/board-<time>.json with the machine's load average.
"""

import random
import sys

from bench import load

TARGETS_MS = {"board": 100, "move": 50}
JSON = {"Accept": "application/json"}


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model

    from kontor.core import dropdowns
    from kontor.opportunities.models import Opportunity

    user = get_user_model().objects.get(username=args.user)
    stages = [o.key for o in dropdowns.options("sales_stage_dom")]
    rows = list(
        Opportunity.objects.visible_to(user, "edit").values_list("pk", "sales_stage", "date_closed")
    )
    chooser = random.Random(7)
    chooser.shuffle(rows)
    words = ["deal", "lizenz", "service", "ag", "gmbh", "2027"]
    summaries = []
    with load.rolled_back():
        client = load.signed_in(user)
        pending = iter(rows)
        for phase, count in load.phases(args):
            page, searched = load.Result("board", 1), load.Result("board_search", 1)
            more, moved = load.Result("column_more", 1), load.Result("move", 1)
            for i in range(count):
                load.timed(page, lambda: client.get("/opportunities/board/", secure=True), cpu=True)
                term = words[i % len(words)]
                load.timed(
                    searched,
                    lambda t=term: client.get("/opportunities/board/", {"q": t}, secure=True),
                    cpu=True,
                )
                pk, stage, day = next(pending)
                after = f"{day.isoformat()}_{pk}"
                load.timed(
                    more,
                    lambda s=stage, a=after: client.get(
                        "/opportunities/board/column/", {"stage": s, "after": a}, secure=True
                    ),
                    cpu=True,
                )
                version = Opportunity.objects.filter(pk=pk).values_list("date_modified", flat=True)[
                    0
                ]
                at = stages.index(stage) if stage in stages else 0
                target = stages[at + 1] if at + 1 < len(stages) else stages[0]
                load.timed(
                    moved,
                    lambda p=pk, t=target, v=version: client.post(
                        f"/opportunities/board/{p}/move/",
                        {"stage": t, "version": v.isoformat(), "query": ""},
                        headers=JSON,
                        secure=True,
                    ),
                    cpu=True,
                )
            if phase == "measure":
                summaries += [
                    {**r.summary(), "cpu_p50": r.cpu_p50()} for r in (page, searched, more, moved)
                ]
    summaries.append({"name": "opportunities", "count": len(rows)})
    return summaries


def options(parser) -> None:
    load.rounds_arguments(
        parser, requests=200, warmup=20, user_help="who looks (default: bench.run's user)"
    )


def main(argv=None) -> int:
    return load.main_in_process("board", __doc__, rounds, argv, options, targets_p95_ms=TARGETS_MS)


if __name__ == "__main__":
    sys.exit(main())
