"""`python -m bench.studio_bench`: lists sorted and filtered by a custom field, with and without
the index an admin can request. For developers checking that custom fields
stay usable on large lists.

Data: the database `kontor_bench_h7` on $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432)
or an SQLite file with `--db sqlite`, filled once with `kontor generate --leads N`; every lead
then gets the custom values `budget` (currency, 0–99,999.99) and `region` (dropdown, four
values) in one UPDATE. Each case requests the first page of the lead list as an administrator
through Django's test client in process (no server; DEBUG off), `--requests` times after two
warm-up requests, and reports p50/p95 in ms. Cases: sort by budget descending, sort by budget
one page further (keyset cursor), filter budget = a value, filter region; first without an
index, then after `update_custom_field(indexed=True)` built the expression indexes.

    python -m bench.studio_bench --leads 200000
    python -m bench.studio_bench --db sqlite --leads 200000
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
NAME = "kontor_bench_h7"


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{RESULTS / (NAME + '.sqlite3')}"
    return f"{PG}/{NAME}"


def ensure_database(db: str, leads: int) -> None:
    """Create, migrate and fill the database once (kept for later runs)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "kontor.settings"),
    }
    if db == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME]).fetchone():
                conn.execute(f"CREATE DATABASE {NAME}")
    RESULTS.mkdir(exist_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
    setup(db)
    from kontor.leads.models import Lead

    have = Lead.objects.count()
    if have < leads:
        subprocess.run(
            [*manage, "generate", "--leads", str(leads - have), "--users", "5", "--seed", "7"],
            env=env,
            check=True,
        )


def setup(db: str) -> None:
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)  # DEBUG off needs one
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def fill_custom_values() -> None:
    """The custom values of every lead, in one statement (deterministic per id)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("""
                UPDATE leads_lead SET custom = jsonb_build_object(
                  'budget', to_char((abs(hashtext(id::text)) % 10000000) / 100.0, 'FM9999990.00'),
                  'region', (ARRAY['north','south','east','west'])[1 + abs(hashtext(id::text)) % 4])
                WHERE NOT custom ? 'budget'""")
            cursor.execute("ANALYZE leads_lead")
        else:
            cursor.execute("""
                UPDATE leads_lead SET custom = json_object(
                  'budget', printf('%.2f', (abs(random()) % 10000000) / 100.0),
                  'region', CASE abs(random()) % 4 WHEN 0 THEN 'north' WHEN 1 THEN 'south'
                            WHEN 2 THEN 'east' ELSE 'west' END)
                WHERE json_extract(custom, '$.budget') IS NULL""")
            cursor.execute("ANALYZE")


def configure(admin):
    """The two custom fields and the list columns that show the budget."""
    from kontor.core import registry
    from kontor.core.models import DropdownList
    from kontor.studio.actions import dropdowns, fields, layouts
    from kontor.studio.models import CustomField

    leads = registry.get("leads")
    if not DropdownList.objects.filter(name="region_dom").exists():
        region = dropdowns.create_list(name="region_dom", actor=admin)
        for key in ("north", "south", "east", "west"):
            dropdowns.add_value(
                region, key=key, label_en=key.title(), label_de=key.title(), actor=admin
            )
    for name, kind, extra in (
        ("budget", "currency", {}),
        ("region", "dropdown", {"dropdown": "region_dom"}),
    ):
        if not CustomField.objects.filter(model_label="leads.lead", name=name).exists():
            fields.create_custom_field(
                leads,
                name=name,
                label_en=name.title(),
                label_de=name.title(),
                field_type=kind,
                **extra,
                actor=admin,
            )
    layouts.set_list_columns(leads, ["last_name", "first_name", "budget", "region"], actor=admin)


def set_indexed(admin, indexed: bool) -> float:
    from kontor.studio.actions.fields import update_custom_field
    from kontor.studio.models import CustomField

    started = time.perf_counter()
    for field in CustomField.objects.filter(model_label="leads.lead"):
        update_custom_field(
            field,
            label_en=field.label_en,
            label_de=field.label_de,
            field_type=field.field_type,
            required=False,
            active=True,
            indexed=indexed,
            actor=admin,
        )
    return (time.perf_counter() - started) * 1000


def timed(client, url: str, params: dict, n: int) -> dict:
    for _ in range(2):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    rows = response.content.count(b'name="ids"')
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "rows": rows,
    }


def cases(client, n: int) -> dict:
    from django.conf import settings
    from django.urls import reverse

    from kontor.core import config
    from kontor.core.records.pagination import paginate
    from kontor.leads.models import Lead

    url = reverse("leads:list")
    budget = config.custom_field(Lead, "budget")
    first = paginate(
        Lead.objects.annotate(cf_budget=budget.expression()),
        "-cf_budget",
        None,
        settings.KONTOR_PAGE_SIZE,
    )
    value = first.rows[0].custom["budget"]
    return {
        "plain list (default sort)": timed(client, url, {}, n),
        "sort budget desc": timed(client, url, {"sort": "-cf_budget"}, n),
        "sort budget, page 2": timed(
            client, url, {"sort": "-cf_budget", "cursor": first.next_cursor}, n
        ),
        "filter budget = value": timed(client, url, {"budget": value}, n),
        "filter region = north": timed(client, url, {"region": ["north"]}, n),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    ensure_database(args.db, args.leads)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from kontor.leads.models import Lead
    from kontor.users.actions import create_user

    User = get_user_model()
    admin = User.objects.filter(username="bench-h7").first() or create_user(
        "bench-h7", password="bench-h7-pw-1", is_superuser=True
    )
    configure(admin)
    fill_custom_values()
    set_indexed(admin, False)
    client = Client()
    client.force_login(admin)
    result = {
        "db": args.db,
        "leads": Lead.objects.count(),
        "at": datetime.now().isoformat(),
        "load": os.getloadavg(),
        "without index": cases(client, args.requests),
    }
    result["index build ms"] = round(set_indexed(admin, True), 0)
    result["with index"] = cases(client, args.requests)
    print(json.dumps(result, indent=2))
    out = RESULTS / f"studio-{args.db}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
