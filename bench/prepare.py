"""Benchmark database set-up and request parameters (run by `bench.run` in a subprocess).

For `make bench` only. With the database chosen by DATABASE_URL / SQLITE_PATH, it migrates,
fills the database with `kontor generate` unless it already holds exactly the requested volume,
creates the benchmark login, and writes the rotating request parameters (existing e-mails,
lead ids, deep keyset cursors, name prefixes) as JSON to `--out`.

    python -m bench.prepare --leads 1000000 --seed 42 --out params.json
"""

import argparse
import io
import json
import os
import random
import re
import sys
import time
import uuid


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()


def volumes(leads: int) -> dict:
    """The records generated next to `leads` leads (the proportions of the 1M benchmark)."""
    return {
        "leads": leads,
        "accounts": leads // 10,
        "contacts": leads // 5,
        "opportunities": leads // 20,
    }


def fill(counts: dict, seed: int) -> dict:
    """Generate the data unless it is there; returns what happened and the load rates."""
    from django.core.management import call_command

    from kontor.core import registry

    present = {slug: registry.get(slug).model.with_deleted.count() for slug in counts}
    if present == counts:
        return {"generated": False, "present": present}
    if any(present.values()):
        sys.exit(
            f"The benchmark database holds other data ({present}); "
            "run with --regenerate to start over."
        )
    out = io.StringIO()
    started = time.monotonic()
    call_command("generate", seed=seed, stdout=out, **counts)
    seconds = time.monotonic() - started
    log = out.getvalue()
    print(log, end="", file=sys.stderr)
    rates = {
        m.group(1).lower(): int(m.group(2).replace(",", ""))
        for m in re.finditer(r"^(\w+): [\d,]+ rows, load [\d.]+ s \(([\d,]+) rows/s", log, re.M)
    }
    total = sum(counts.values())
    return {
        "generated": True,
        "seconds": round(seconds, 1),
        "rows": total,
        "rows_per_s": round(total / seconds),
        "load_rows_per_s": rates,
        "log": log,
    }


def tidy() -> None:
    """Statistics and visibility map as a settled database has them (autovacuum would)."""
    from django.db import connection

    from kontor.core import registry

    with connection.cursor() as cursor:
        for module in registry.modules():
            table = connection.ops.quote_name(module.model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cursor.execute(f"ANALYZE {table}")


def sign_in_user(username: str, password: str) -> None:
    from django.contrib.auth import get_user_model

    from kontor.users.actions import create_user

    if not get_user_model().objects.filter(username=username).exists():
        create_user(
            username,
            password=password,
            first_name="Bench",
            last_name="Mark",
            email="bench@kontor.example",
            is_superuser=True,
        )


def sample_leads(n: int, seed: int) -> list:
    """`n` leads at seeded random places of the id space (no ORDER BY random() scan)."""
    from kontor.leads.models import Lead

    rng = random.Random(f"bench:{seed}")
    rows, seen = [], set()
    while len(rows) < n:
        start = uuid.UUID(int=rng.getrandbits(128))
        lead = (
            Lead.objects.filter(pk__gte=start)
            .order_by("pk")
            .only("id", "email1", "last_name", "date_entered")
            .first()
        )
        if lead is not None and lead.pk not in seen:
            seen.add(lead.pk)
            rows.append(lead)
    return rows


def parameters(seed: int, n: int = 200) -> dict:
    """Rotating request parameters: each operation gets `n` different URLs."""
    from urllib.parse import quote

    from kontor.core.records.pagination import encode
    from kontor.demo.volume import DE_LAST, EN_LAST

    leads = sample_leads(n, seed)
    prefixes = sorted({name.lower()[:4] for name in DE_LAST[:40] + EN_LAST[:10]})
    name_sorts = []
    for i, lead in enumerate(leads):
        if i % 3 == 0:
            name_sorts.append("/leads/?sort=last_name")
        elif i % 3 == 1:
            name_sorts.append("/leads/?sort=-last_name")
        else:
            name_sorts.append(
                "/leads/?sort=last_name&cursor=" + encode("next", lead.last_name, lead.pk)
            )
    return {
        "list": ["/leads/"] * n,
        "deep_page": [
            "/leads/?cursor=" + encode("next", lead.date_entered, lead.pk) for lead in leads
        ],
        "sort_name": name_sorts,
        "search_prefix": ["/leads/?q=" + quote(prefixes[i % len(prefixes)]) for i in range(n)],
        "search_email": ["/leads/?q=" + quote(lead.email1) for lead in leads],
        "detail": [f"/leads/{lead.pk}/" for lead in leads],
        "expect": {"search_email": [lead.email1 for lead in leads]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="bench-password-1")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    info = fill(volumes(args.leads), args.seed)
    if info["generated"]:
        started = time.monotonic()
        tidy()
        info["tidy_seconds"] = round(time.monotonic() - started, 1)
    sign_in_user(args.username, args.password)
    with open(args.out, "w") as f:
        json.dump({"data": info, "params": parameters(args.seed)}, f)


if __name__ == "__main__":
    main()
