"""`python -m bench.export_bench`: export throughput and memory, and web form submissions.
For developers checking that exports stream with flat memory.

Data: the database `kontor_bench_h5w` on $BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432), or an SQLite file with `--db sqlite`, filled once with
`kontor generate --leads N --accounts N/10`. Each export (CSV, XLSX, vCard of the lead list as
an administrator sees it, default columns) runs in a fresh child process through Django's test
client in process (no server), so its peak memory (`ru_maxrss`) is its own; the figure
reported is the growth over the same process after setup. Then `--submits` web form
submissions (render the page, post it; new e-mail each) are timed the same way; the leads they
create are deleted again afterwards.

    python -m bench.export_bench --leads 200000
    python -m bench.export_bench --db sqlite --leads 200000 --formats xlsx
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{RESULTS / 'kontor_bench_h5w.sqlite3'}"
    return f"{PG}/kontor_bench_h5w"


def setup(db: str) -> None:
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(db: str, leads: int) -> None:
    """Create and fill the database once (a child process: the parent stays light)."""
    if db == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'kontor_bench_h5w'"
            ).fetchone():
                conn.execute("CREATE DATABASE kontor_bench_h5w")
    setup(db)
    from django.core.management import call_command

    from kontor.leads.models import Lead

    call_command("migrate", verbosity=0)
    have = Lead.objects.count()
    if have < leads:
        call_command(
            "generate", leads=leads - have, accounts=(leads - have) // 10, seed=7 + have
        )  # another seed: generated ids depend on it
    from django.contrib.auth import get_user_model

    from kontor.users.actions import create_user

    if not get_user_model().objects.filter(username="bench-admin").exists():
        create_user(
            "bench-admin",
            password="bench-admin-pw-1!",
            is_superuser=True,
            email="bench@kontor.example",
        )


def one_export(fmt: str) -> dict:
    """Run in a child: export the lead list once, report rows/s and memory growth."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    client.get("/leads/")  # warm up: templates, dropdown cache, grants
    base = rss_mb()
    started = time.perf_counter()
    response = client.get(f"/leads/export.{fmt}")
    size = 0
    newlines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        if fmt != "xlsx":
            newlines += chunk.count(b"BEGIN:VCARD" if fmt == "vcf" else b"\n")
    seconds = time.perf_counter() - started
    from kontor.leads.models import Lead

    rows = Lead.objects.count() if fmt == "xlsx" else newlines - (fmt == "csv")
    return {
        "format": fmt,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "bytes": size,
        "rss_growth_mb": round(rss_mb() - base, 1),
    }


def submits(count: int) -> dict:
    """Run in a child: `count` renderings and submissions of a web form, new e-mail each."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from kontor.leads.models import Lead
    from kontor.webforms.actions import save_webform
    from kontor.webforms.models import UsedToken, WebForm

    settings.KONTOR_WEBFORM_MIN_SECONDS = 0
    settings.KONTOR_WEBFORM_RATE = (10**9, 600)
    owner = get_user_model().objects.get(username="bench-admin")
    webform = save_webform(
        WebForm(
            name="bench",
            language="en",
            assigned_user=owner,
            fields=[
                {"name": "last_name", "required": True},
                {"name": "email1", "required": True},
                {"name": "description", "required": False},
            ],
            consent_text_en="ok",
        ),
        actor=owner,
    )
    client = Client()
    times = []
    stamp = int(time.time())
    try:
        for i in range(count):
            page = client.get(f"/f/{webform.key}/").content.decode()
            token = re.search(r'name="token" value="([^"]+)"', page).group(1)
            started = time.perf_counter()
            response = client.post(
                f"/f/{webform.key}/submit/",
                {
                    "token": token,
                    "last_name": f"Bench{i}",
                    "email1": f"b{stamp}-{i}@bench.example",
                    "description": "hello",
                    "consent": "on",
                },
            )
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    finally:
        Lead.with_deleted.filter(email1__endswith="@bench.example").delete()
        UsedToken.objects.filter(form=webform).delete()
        webform.delete()
    times.sort()
    return {
        "submits": count,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "per_s_one_client": round(1000 / statistics.mean(times)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--formats", default="csv,xlsx,vcf")
    parser.add_argument("--submits", type=int, default=300)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup(args.db)
        result = submits(args.submits) if args.child == "submits" else one_export(args.child)
        print(json.dumps(result))
        return
    RESULTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import bench.export_bench as b; b.prepare({args.db!r}, {args.leads})",
        ],
        check=True,
    )
    results = {"db": args.db, "leads": args.leads, "exports": [], "webform": None}
    for fmt in args.formats.split(","):
        out = subprocess.run(
            [sys.executable, "-m", "bench.export_bench", "--db", args.db, "--child", fmt],
            check=True,
            capture_output=True,
            text=True,
        )
        results["exports"].append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(results["exports"][-1], flush=True)
    if args.submits:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.export_bench",
                "--db",
                args.db,
                "--child",
                "submits",
                "--submits",
                str(args.submits),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        results["webform"] = json.loads(out.stdout.strip().splitlines()[-1])
        print(results["webform"], flush=True)
    name = RESULTS / f"export-{args.db}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    name.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
