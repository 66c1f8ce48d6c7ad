"""`python -m bench.index_cost`: what each kind of index on leads costs a bulk write, in
database CPU per row.

For developers weighing an index against import and undo speed (docs/performance.md rule 11).
On the import bench's database (`bench.import_bench --own-postgres` leaves it; pass its URL),
20,000 live leads — the last in the table, as an import's new rows are — are trashed as undo
does, updated as undo's restore does, and deleted, each statement in a transaction that is
rolled back, with all indexes, without the trigram index, and without it and the sort and
lookup B-trees (dropped inside the transaction). The CPU is the backend's own, from /proc, so
other work on the machine changes the wall time but hardly this figure.

    python -m bench.index_cost postgres://postgres@127.0.0.1:55442/kontor_bench_import
"""

import argparse
import os
import time
from pathlib import Path

import psycopg

TRASH = (
    "UPDATE leads_lead SET deleted = true, deleted_at = now(), date_modified = now() "
    "WHERE id = ANY(%s) AND NOT deleted"
)
RESTORE = (
    "UPDATE leads_lead SET status = 'Assigned', phone_work = phone_work || '1', "
    "search_text = search_text || '1', date_modified = now() WHERE id = ANY(%s)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    conn = psycopg.connect(args.url, autocommit=True)
    stat = f"/proc/{conn.execute('SELECT pg_backend_pid()').fetchone()[0]}/stat"
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    ids = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM leads_lead WHERE NOT deleted ORDER BY ctid DESC LIMIT %s", [args.rows]
        )
    ]
    btrees = [
        row[0]
        for row in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'leads_lead' "
            "AND indexname LIKE 'lead\\_%' AND indexname NOT LIKE '%\\_set'"
        )
    ]

    def measure(name: str, statements: list[str], drop: list[str]) -> None:
        best = None
        for _ in range(2):
            with conn.transaction(force_rollback=True):
                conn.execute("SET LOCAL gin_pending_list_limit = 65536")  # as the import does
                for index in drop:
                    conn.execute(f'DROP INDEX "{index}"')
                began, began_cpu = time.monotonic(), cpu()
                for statement in statements:
                    conn.execute(statement, [ids])
                conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks
                used = (cpu() - began_cpu, time.monotonic() - began)
            best = used if best is None else min(best, used)
        cpu_us, wall_us = (v * 1e6 / len(ids) for v in best)
        load = os.getloadavg()[0]
        print(f"{name:45s} CPU {cpu_us:5.0f} µs/row  wall {wall_us:5.0f} µs/row  load {load:.1f}")

    for name, statement in (("trash", TRASH), ("restore-like update", RESTORE)):
        measure(f"{name}: all indexes", [statement], [])
        measure(f"{name}: without the trigram index", [statement], ["leads_lead_search_trgm"])
        measure(
            f"{name}: without it and {len(btrees)} B-trees",
            [statement],
            ["leads_lead_search_trgm", *btrees],
        )
    delete = [
        "DELETE FROM leads_lead_teams WHERE lead_id = ANY(%s)",
        "DELETE FROM leads_lead WHERE id = ANY(%s)",
    ]
    measure("delete instead of trash", delete, [])
    print("B-trees dropped in the third variant:", ", ".join(btrees))


if __name__ == "__main__":
    main()
