"""`python -m bench.saved_views`: what the saved views' tabs cost a list at a million leads.

For developers changing kontor/savedviews (its list hooks run on every list page). Each request
goes through Django's whole path (middleware, session, permission filter, the list, the tabs)
in this process, without HTTP, against bench.run's `kontor_bench` (1,000,000 leads). It times
the leads list

- `all_no_views`: "All" (`?view=all`) while the user has no views (the tabs' query finds none);
- `all_5_tabs`: the same with 5 views of the user's and 5 shared with everyone, beside 1,000
  other views of the user's on other record types (the query must not read those);
- `open_view`: a view's address (a status filter and a sort; the filter panel is shown);
- `view_fragment`: the same address as the htmx table fragment (a sort or a page);
- `bare_to_default`: the bare list address, which redirects to the default view;
- `tabs_query`: the tabs' one query alone (`views_for`), without the page around it;

and counts each request's statements. Everything runs in one transaction that is rolled back at
the end: the views exist only during the run, kontor_bench is left as it was.

    python -m bench.saved_views                   # 100 requests each after 10 to warm up
    python -m bench.saved_views --requests 300

Results go to bench/results/saved-views-<time>.json with the machine's load average.
"""

import sys
import time

from bench import load


def _timed(client, name: str, url: str, count: int, expect: int, **headers) -> tuple:
    from django.db import connection

    result, statements = load.Result(name, 1), []
    executed: list[str] = []

    def counted(run, sql, *args):
        executed.append(sql)
        return run(sql, *args)

    for _ in range(count):
        executed.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(counted):
            response = client.get(url, secure=True, **headers)
        result.latencies.append((time.perf_counter() - started) * 1000)
        statements.append(len(executed))
        if response.status_code != expect:
            result.errors.append(f"{url}: {response.status_code}")
    return result, max(statements, default=0)


def rounds(args) -> list[dict]:
    from django.contrib.auth import get_user_model

    from kontor.core import catalog
    from kontor.savedviews import actions, address, views_for
    from kontor.savedviews.models import SavedView

    user = get_user_model().objects.get(username=args.user)
    # kontor generate's other users have no roles (they may list nothing, so they could not
    # save a view): their five shared views are written directly.
    other = get_user_model().objects.exclude(pk=user.pk).order_by("pk").first()
    summaries = []
    with load.rolled_back():
        client = load.signed_in(user)
        plan = [("all_no_views", "/leads/?view=all", 200, {})]

        def run(plan):
            for name, url, expect, headers in plan:
                _timed(client, name, url, args.warmup, expect, **headers)
                result, statements = _timed(client, name, url, args.requests, expect, **headers)
                summaries.append({**result.summary(), "statements": statements})

        run(plan)
        SavedView.objects.bulk_create(
            SavedView(owner=user, module="accounts", name=f"bench {i}", query="q=a")
            for i in range(1000)
        )
        views = [
            actions.create_view(
                "leads",
                name=f"bench {i}",
                query="status=New&sort=last_name",
                columns=["last_name", "status", "account_name"],
                share="private",
                actor=user,
            )
            for i in range(5)
        ]
        SavedView.objects.bulk_create(
            SavedView(
                owner=other,
                module="leads",
                name=f"bench shared {i}",
                query="status=Assigned",
                share="everyone",
            )
            for i in range(5)
        )
        actions.set_default(views[0], "leads", actor=user)
        url = address(views[0], catalog.get("leads"))
        run(
            [
                ("all_5_tabs", "/leads/?view=all", 200, {}),
                ("open_view", url, 200, {}),
                ("view_fragment", url, 200, {"HTTP_HX_REQUEST": "true"}),
                ("bare_to_default", "/leads/", 302, {}),
            ]
        )
        # The tabs' one query alone (views_for), as the list runs it.
        tabs = load.Result("tabs_query", 1)
        for _ in range(args.requests):
            started = time.perf_counter()
            assert len(views_for(user, "leads")) == 10
            tabs.latencies.append((time.perf_counter() - started) * 1000)
        summaries.append({**tabs.summary(), "statements": 1})
    return summaries


def options(parser) -> None:
    load.rounds_arguments(
        parser, requests=100, warmup=10, user_help="whose list (default: bench.run's user)"
    )


def main(argv=None) -> int:
    return load.main_in_process("saved-views", __doc__, rounds, argv, options)


if __name__ == "__main__":
    sys.exit(main())
