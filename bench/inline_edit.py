"""`python -m bench.inline_edit`: inline edit of one field at a million leads on PostgreSQL.

For developers checking the inline editor's cost (kontor.core.records.inline; target: the
save's p95 ≤ 30 ms). Each round opens the editor of a lead's title (GET
/leads/<id>/inline/title/) and saves a new title from it (POST, with the editor's token), each
timed through Django's whole request path (middleware, session, permission filter, the
`save_record` action with its row lock and change-log row) in this process, without HTTP.

The data is bench.run's `kontor_bench` (1,000,000 leads from `kontor generate`); it is read
and never changed: all rounds run in one transaction that is rolled back at the end, so each
save ends in a savepoint's release instead of a commit (on this machine a commit's WAL flush
adds about a millisecond). Leads are chosen at random across the table.

    python -m bench.inline_edit                   # 300 rounds after 30 to warm up
    python -m bench.inline_edit --requests 1000

Results go to bench/results/inline-edit-<time>.json with the machine's load average.
"""

import re
import sys

from bench import load

TARGET_P95_MS = 30
TOKEN = re.compile(rb'name="inline_shown" value="([^"]+)"')


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from kontor.leads.models import Lead

    # bench.run's user (kontor generate makes no roles: the other users see nothing)
    user = get_user_model().objects.get(username=args.user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM leads_lead TABLESAMPLE SYSTEM (1) WHERE NOT deleted")
        sampled = [row[0] for row in cursor.fetchall()]
    # Leads this user may edit (a sales user sees their team's), in the sampled order.
    allowed = set(
        Lead.objects.visible_to(user, "edit").filter(pk__in=sampled).values_list("pk", flat=True)
    )
    ids = [pk for pk in sampled if pk in allowed][: args.warmup + args.requests]
    total = Lead.objects.count() if args.count else None
    summaries = []
    with load.rolled_back():
        client = load.signed_in(user)
        pending = iter(ids)
        for phase, count in load.phases(args):
            editor, save = load.Result("editor_get", 1), load.Result("save_post", 1)
            for i in range(count):
                url = f"/leads/{next(pending)}/inline/title/"
                shown = load.timed(editor, lambda u=url: client.get(u, secure=True), label=url)
                found = TOKEN.search(shown.content)
                if shown.status_code != 200:
                    continue
                if not found:
                    editor.errors.append(f"{url}: 200 without the editor's token")
                    continue
                data = {"title": f"Bench {phase} {i}", "inline_shown": found.group(1).decode()}
                load.timed(save, lambda u=url, d=data: client.post(u, d, secure=True), label=url)
            if phase == "measure":
                summaries += [editor.summary(), save.summary()]
    if total is not None:
        summaries.append({"name": "leads", "count": total})
    return summaries


def options(parser) -> None:
    load.rounds_arguments(
        parser, requests=300, warmup=30, user_help="who edits (default: bench.run's user)"
    )
    parser.add_argument("--count", action="store_true", help="count the leads too (seconds)")


def main(argv=None) -> int:
    return load.main_in_process(
        "inline-edit", __doc__, rounds, argv, options, target_p95_ms=TARGET_P95_MS
    )


if __name__ == "__main__":
    sys.exit(main())
