"""`python -m bench.import_bench`: importing a lead CSV matched by e-mail into a million leads
on PostgreSQL, then undoing it.

For developers checking the import's throughput. Data: the database `kontor_bench_import` on
$BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), filled once with
`kontor generate --leads 1000000 --accounts 20000` (never `kontor_bench`). The CSV is written
by streaming the existing leads: for every existing lead one row that updates it (same e-mail,
new phone and status) and one row that creates a new lead, so `--rows 1000000` matches 500,000
existing leads and creates 500,000. The import runs in this process exactly as the background
task runs it (`run_import`), then the undo (`run_undo`); afterwards the bench removes its trashed
leads and change-log rows again, so the next run starts from the same million.

    python -m bench.import_bench --rows 1000000
    python -m bench.import_bench --rows 20000 --chunk 2000
    python -m bench.import_bench --rows 1000000 --workers 2

With `--workers N` the import runs as in production: queued (`queue_import`), then taken by N
`manage.py db_worker` processes started here, which cut the file into parts and import the
parts side by side (`kontor.imports.parallel`); the time runs from the queueing until the batch
is done, and the workers' CPU is reported. Without it (`--workers 0`) the import runs in this
process, one chunk after the other (`run_import`).

With `--own-postgres` the bench runs on a PostgreSQL instance of its own (port 55442, data in
bench/results/import-postgres/) started with exactly the settings Kontor recommends for
production (deploy/postgresql/kontor.conf) instead of the machine's shared server; the first
run creates it and fills it with `bench.prepare` (1,000,000 leads); the bench stops it at the
end.
"""

import argparse
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = RESULTS.parent.parent
OWN_PORT = 55442


def own_postgres():
    """Start the bench's own PostgreSQL with deploy/postgresql/kontor.conf, creating and
    filling it the first time; returns the cluster and its base URL."""
    from bench import cluster

    pg = cluster.Postgres(
        RESULTS / "import-postgres", OWN_PORT, settings=ROOT / "deploy/postgresql/kontor.conf"
    )
    base = f"postgres://postgres@127.0.0.1:{OWN_PORT}"
    env = {**os.environ, "DATABASE_URL": f"{base}/kontor_bench_import"}
    env.setdefault("SECRET_KEY", "bench-import-not-secret")
    if (pg.data / "PG_VERSION").exists():
        if not pg.running():
            pg.start()
        # The checkout's migrations (the import reads tables newer code added).
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
        subprocess.run(migrate, env=env, cwd=ROOT, check=True)
        return pg, base
    RESULTS.mkdir(exist_ok=True)
    pg.create()
    createdb = ["createdb", "-h", "127.0.0.1", "-p", str(OWN_PORT), "-U", "postgres"]
    subprocess.run([*createdb, "kontor_bench_import"], check=True)
    params = RESULTS / "import-postgres" / "params.json"
    prepare = [sys.executable, "-m", "bench.prepare", "--leads", "1000000", "--out", str(params)]
    subprocess.run(prepare, env=env, cwd=ROOT, check=True)
    return pg, base


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu_seconds(data: Path | None) -> float | None:
    """CPU seconds the PostgreSQL instance of `data` used so far: its postmaster with the
    backends it reaped, plus the live backends. What the database cost, whatever else ran on
    the machine (only for the bench's own instance)."""
    if data is None:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    postmaster = (data / "postmaster.pid").read_text().split()[0]

    def fields(pid: str) -> list[str]:
        # After the command name in parentheses: state, ppid, … utime (14th field) onwards.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    own = fields(postmaster)
    total = sum(int(v) for v in own[11:15])
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == postmaster:
            continue
        try:
            stat = fields(pid)
        except OSError:
            continue
        if stat[1] == postmaster:
            total += int(stat[11]) + int(stat[12])
    return total / tick


def run_with_workers(batch, actor, workers: int, url: str, media: Path, progress) -> None:
    """Queue the batch and let `workers` db_worker processes import it; returns when it is
    done or failed (the workers are stopped then)."""
    from kontor.imports import actions
    from kontor.imports.models import ImportBatch

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "kontor.settings",
    }
    env.setdefault("SECRET_KEY", "bench-import-not-secret")
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    procs = [
        subprocess.Popen(
            [sys.executable, str(manage), "db_worker", "--no-startup-delay", "--interval", "0.2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(workers)
    ]
    # A SIGTERM to the bench (it runs in the background) stops its workers too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        actions.queue_import(batch, actor=actor)
        done = 0
        while True:
            time.sleep(0.5)
            current = ImportBatch.objects.get(pk=batch.pk)
            if current.rows_done >= done + 50_000:
                done = current.rows_done
                progress(current)
            if current.status in ("done", "failed"):
                return
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def write_csv(path: Path, rows: int, mix: str = "half") -> None:
    """Half updates of existing leads and half new leads ("half"), or only new leads whose
    e-mail matching finds nothing ("new"); streamed (never all in memory)."""
    from kontor.leads.models import Lead

    statuses = ["New", "Assigned", "In Process"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "First Name",
                "Last Name",
                "Account Name",
                "Email Address",
                "Office Phone",
                "Primary Address City",
                "Status",
                "Opportunity Amount",
            ]
        )
        existing = (
            Lead.objects.exclude(email1="")
            .order_by("pk")
            .values_list(
                "first_name", "last_name", "account_name", "email1", "primary_address_city"
            )
        )
        written = 0
        for n, (first, last, company, email, city) in enumerate(existing.iterator(chunk_size=5000)):
            if written >= rows:
                break
            if mix == "half":
                out.writerow(
                    [
                        first,
                        last,
                        company,
                        email,
                        f"+49 30 {1000000 + n}",
                        city,
                        statuses[n % 3],
                        f"{n % 90000}.50",
                    ]
                )
                written += 1
            out.writerow(
                [
                    first,
                    f"{last}-Neu",
                    company,
                    f"new{n}.{email}",
                    f"+49 89 {2000000 + n}",
                    city,
                    "New",
                    "",
                ]
            )
            written += 1


def housekeeping(actor_id: int) -> None:
    """Not a user action: drop this run's trashed leads, their memberships, external ids and
    change-log rows in SQL (the ORM's delete would load a million objects), then VACUUM, so
    the next run starts from the same million."""
    from django.db import connection

    gone = "SELECT id FROM leads_lead WHERE deleted AND created_by_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM leads_lead_teams WHERE lead_id IN ({gone})", [actor_id])
        cursor.execute(f"DELETE FROM core_externalid WHERE record_id IN ({gone})", [actor_id])
        cursor.execute("DELETE FROM leads_lead WHERE deleted AND created_by_id = %s", [actor_id])
        cursor.execute("DELETE FROM core_changelog WHERE actor_id = %s", [actor_id])
        cursor.execute("DELETE FROM imports_importrow")
        cursor.execute("DELETE FROM imports_importpart")
        cursor.execute("VACUUM (ANALYZE) leads_lead")
        cursor.execute("VACUUM (ANALYZE) core_changelog")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="do not undo")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="db_worker processes that import the parts side by side (0: in this process)",
    )
    parser.add_argument(
        "--mix",
        choices=("half", "new"),
        default="half",
        help="half: every other row updates an existing lead; new: all rows "
        "are new leads (matched by e-mail, none found)",
    )
    parser.add_argument(
        "--own-postgres",
        action="store_true",
        help="run on an instance of the bench's own with deploy/postgresql/kontor.conf",
    )
    args = parser.parse_args()
    if args.own_postgres:
        pg, base = own_postgres()
        try:
            bench(args, base, pg.data)
        finally:
            pg.stop()
    else:
        base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        bench(args, base)


def bench(args, base: str, data: Path | None = None) -> None:
    setup(f"{base}/kontor_bench_import")

    from django.conf import settings
    from django.core.files import File
    from django.db import connection

    from kontor.imports import actions, undo
    from kontor.imports.models import ImportBatch
    from kontor.leads.models import Lead
    from kontor.users.actions import create_user

    settings.DEBUG = False
    settings.MEDIA_ROOT = RESULTS / "media"
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"import-{args.mix}-{args.rows}.csv"
    if not path.exists():
        started = time.monotonic()
        write_csv(path, args.rows, args.mix)
        print(f"wrote {path.name} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(username="bench-import").first() or create_user(
        "bench-import", password="bench-import-pw!", is_superuser=True
    )
    leads_before = Lead.objects.count()
    rss_start = rss_mb()
    with path.open("rb") as fh:
        batch = actions.create_batch(File(fh, name=path.name), model=Lead, actor=actor)
    actions.configure(
        batch,
        {**batch.options, "mode": "update", "match": "email", "number_format": "en"},
        actor=actor,
    )
    if not args.workers:
        ImportBatch.objects.filter(pk=batch.pk).update(status="queued")
    samples = []

    def progress(b):
        samples.append((time.monotonic(), b.rows_done, rss_mb()))
        if len(samples) % 50 == 0:
            print(f"  {b.rows_done:>9,} rows  {rss_mb():.0f} MB", file=sys.stderr)

    started, cpu, worker_cpu = time.monotonic(), cpu_seconds(), children_cpu_seconds()
    server_cpu = server_cpu_seconds(data)
    if args.workers:
        run_with_workers(
            batch, actor, args.workers, f"{base}/kontor_bench_import", settings.MEDIA_ROOT, progress
        )
        batch.refresh_from_db()
    else:
        batch = actions.run_import(batch.pk, chunk_size=args.chunk, after_chunk=progress)
    seconds, cpu = time.monotonic() - started, cpu_seconds() - cpu
    cpu += children_cpu_seconds() - worker_cpu
    result = {
        "rows": batch.rows_done,
        "seconds": round(seconds, 1),
        "rows_per_s": round(batch.rows_done / seconds),
        # The machine is shared: rows per CPU-second of this (the Django) process shows the
        # Python side's cost apart from waiting for CPU and for the database.
        "python_cpu_s": round(cpu, 1),
        "rows_per_python_cpu_s": round(batch.rows_done / cpu),
        "load_average": os.getloadavg()[0],
        "created": batch.created_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "failed": batch.failed_count,
        "leads_before": leads_before,
        "chunk": args.chunk,
        "workers": args.workers,
        "status": batch.status,
        "parts": batch.parts.count(),
        "mix": args.mix,
        "rss_mb_start": round(rss_start),
        "rss_mb_peak": round(rss_mb()),
        "rss_mb_at_10pct": round(samples[len(samples) // 10][2]) if samples else None,
        "database": connection.vendor,
    }
    if data is not None:
        used = server_cpu_seconds(data) - server_cpu
        result["postgres_cpu_s"] = round(used, 1)
        result["postgres_cpu_us_per_row"] = round(used * 1e6 / batch.rows_done)
    print(json.dumps(result), file=sys.stderr)
    if not args.keep:
        started = time.monotonic()
        ImportBatch.objects.filter(pk=batch.pk).update(status="done")
        steps = []
        step = undo._side_by_side

        def timed_step(parts, work, parallel):
            # The undo's two steps (trash the created records, restore the updated ones),
            # timed apart: wall clock, and the database's CPU on the bench's own instance.
            began, began_cpu = time.monotonic(), server_cpu_seconds(data)
            step(parts, work, parallel)
            used = None if data is None else round(server_cpu_seconds(data) - began_cpu, 1)
            steps.append({"seconds": round(time.monotonic() - began, 1), "postgres_cpu_s": used})

        undo._side_by_side = timed_step
        undo_cpu = server_cpu_seconds(data)
        undo.run_undo(batch.pk, actor.pk)
        undo._side_by_side = step
        result["undo_seconds"] = round(time.monotonic() - started, 1)
        result["undo_load_average"] = os.getloadavg()[0]
        result["undo_steps"] = dict(zip(("trash", "restore"), steps, strict=False))
        if data is not None:
            result["undo_postgres_cpu_s"] = round(server_cpu_seconds(data) - undo_cpu, 1)
        print(f"undo: {result['undo_seconds']} s", file=sys.stderr)
        housekeeping(actor.pk)
        result["leads_after"] = Lead.objects.count()
    out = RESULTS / f"import-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
