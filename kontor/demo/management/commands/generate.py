"""`kontor generate`: seeded volume data for benchmarks (a million leads in minutes).

For developers and operators sizing Kontor, and for `make bench`:

    kontor generate --leads 1000000 --accounts 100000 --contacts 200000 \
        --opportunities 50000 --seed 42

The same seed and counts give the same records (ids included) on any database. Names are
German and English, dropdown fields hold valid keys (the modules' shipped lists), phones come
with their E.164 columns, `date_entered` spreads over `--years` years before `--until`, and
records are assigned to a few generated users (`sales1` … `salesN`, no usable password).

This is bulk seeding, not a user action: rows are written with COPY on PostgreSQL and batched
`executemany` on SQLite, bypassing `save_record`, so no change-log rows are written and model
validation does not run. `search_text` is computed with the module's own `search_text_for`;
the search index is rebuilt once after a large load (docs/performance.md rule 7). Run it on an
empty database, or with a new seed to add more: the same seed twice repeats the ids.
"""

import random
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import JSONField

from kontor.core import registry, search_index
from kontor.core.dropdown_seed import shipped
from kontor.core.matching import company_key
from kontor.users.actions import create_user

# --- vocabulary (weights: the first names of each list are the most common) ------------------


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


DE_FIRST_F = _words(
    "Anna Maria Ursula Monika Petra Sabine Andrea Claudia Susanne Stefanie Julia "
    "Katrin Nicole Birgit Sandra Laura Lea Sophie Lena Jana Jördis"
)
DE_FIRST_M = _words(
    "Thomas Michael Andreas Peter Stefan Klaus Wolfgang Jürgen Frank Uwe Markus "
    "Christian Tobias Jan Lukas Felix Jonas Sebastian Matthias Björn Jörg"
)
EN_FIRST_F = _words("Emma Olivia Sarah Emily Jessica Hannah Charlotte Grace Amy Chloe Lucy")
EN_FIRST_M = _words("James John Robert David William Oliver George Harry Jack Daniel Thomas")
DE_LAST = _words(
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
    "Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun "
    "Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid "
    "Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang "
    "Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank "
    "Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig "
    "Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß "
    "Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn "
    "Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer"
)
EN_LAST = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
    "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
    "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee "
    "King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker"
)
# German (city, area code, postal code start); English (city, country code, area, postal)
DE_CITIES = [
    ("Berlin", "30", "10"),
    ("Hamburg", "40", "20"),
    ("München", "89", "80"),
    ("Köln", "221", "50"),
    ("Frankfurt am Main", "69", "60"),
    ("Stuttgart", "711", "70"),
    ("Düsseldorf", "211", "40"),
    ("Leipzig", "341", "04"),
    ("Dresden", "351", "01"),
    ("Hannover", "511", "30"),
    ("Nürnberg", "911", "90"),
    ("Bremen", "421", "28"),
    ("Essen", "201", "45"),
    ("Dortmund", "231", "44"),
    ("Münster", "251", "48"),
]
EN_CITIES = [
    ("London", "44", "20", "SW1A"),
    ("Manchester", "44", "161", "M1"),
    ("Birmingham", "44", "121", "B1"),
    ("Leeds", "44", "113", "LS1"),
    ("New York", "1", "212", "100"),
    ("Chicago", "1", "312", "606"),
    ("Boston", "1", "617", "021"),
]
DE_STREETS = _words(
    "Hauptstraße|Bahnhofstraße|Gartenweg|Schillerstraße|Goethestraße|"
    "Lindenallee|Marktplatz|Friedrichstraße|Bergstraße|Am Rathaus",
    "|",
)
EN_STREETS = _words("High Street|Station Road|Church Lane|Main Street|Park Avenue|Mill Road", "|")
DE_SUFFIX = ("GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "UG")
EN_SUFFIX = ("Ltd", "plc", "Inc.", "LLC", "Group")
TRADES = _words(
    "Maschinenbau Logistik Software Bau Elektro Medizintechnik Consulting Handel "
    "Solar Verpackung Druck Automotive Systems Analytics Foods Energy"
)
TITLES = _words(
    "Geschäftsführer|Einkaufsleiterin|Head of Sales|IT-Leiter|CFO|Marketing Manager|"
    "Projektleiterin|Office Manager|Procurement Lead|Vertriebsleiter",
    "|",
)
DEPARTMENTS = _words("Einkauf|Vertrieb|IT|Marketing|Finance|Geschäftsleitung|Operations", "|")
FREEMAIL = ("web.de", "gmx.de", "t-online.de", "gmail.com", "outlook.com", "yahoo.co.uk")
PRODUCTS = ("Lizenzen", "Wartungsvertrag", "Rollout", "Support Plan", "Hardware", "Schulung")
NEXT_STEPS = ("Angebot senden", "Demo vereinbaren", "Call with CFO", "Send proposal", "")
TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-", "&": "", ".": ""})


@cache
def keys(dropdown: str) -> list[str]:
    return shipped()[dropdown].keys()


_CUMULATIVE: dict[int, list[float]] = {}


def weighted(items, rng) -> object:
    """Pick from `items` with a long tail: item i has weight 1/(i+20), a flattened Zipf law, so
    the most common surname (Müller) is about 3 % of its list, as in real German data."""
    cum = _CUMULATIVE.get(id(items))
    if cum is None:
        total, cum = 0.0, []
        for i in range(len(items)):
            total += 1 / (i + 20)
            cum.append(total)
        _CUMULATIVE[id(items)] = cum
    return rng.choices(items, cum_weights=cum)[0]


class Generator:
    """Rows of each record type as {attname: value}; deterministic per (seed, kind)."""

    def __init__(self, seed: int, users: list[int], until: datetime, years: int):
        self.seed, self.users, self.until = seed, users, until
        self.span = int(timedelta(days=365 * years).total_seconds())
        self.accounts: list[tuple[uuid.UUID, str]] = []

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.seed}:{kind}")

    def common(self, rng) -> dict:
        entered = self.until - timedelta(seconds=rng.randrange(self.span))
        user = rng.choice(self.users)
        return {
            "id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "date_entered": entered,
            "date_modified": entered + timedelta(seconds=rng.randrange(86400 * 30)),
            "created_by_id": user,
            "modified_by_id": user,
            "assigned_user_id": rng.choice(self.users),
        }

    @staticmethod
    def phone(rng, german: bool, mobile: bool = False) -> tuple[str, str]:
        """(as typed, E.164) of a German or English-speaking phone number."""
        if german:
            area = rng.choice(("151", "160", "170", "176")) if mobile else rng.choice(DE_CITIES)[1]
            # Ten-digit landline numbers (area + subscriber), eleven-digit mobiles.
            size = 8 if mobile or len(area) == 2 else 7
            digits = str(rng.randrange(10 ** (size - 1), 10**size))
            typed = f"0{area} {digits}" if rng.random() < 0.5 else f"+49 {area} {digits}"
            return typed, f"+49{area}{digits}"
        _city, cc, area, _postal = rng.choice(EN_CITIES)
        digits = (
            str(rng.randrange(10**6, 10**7))
            if cc == "1" or len(area) == 3
            else str(rng.randrange(10**7, 10**8))
        )
        return f"+{cc} {area} {digits}", f"+{cc}{area}{digits}"

    def company(self, rng, german: bool) -> str:
        last = weighted(DE_LAST if german else EN_LAST, rng)
        trade = rng.choice(TRADES)
        return f"{last} {trade} {rng.choice(DE_SUFFIX if german else EN_SUFFIX)}"

    def person(self, rng) -> dict:
        german = rng.random() < 0.7
        female = rng.random() < 0.5
        if german:
            first = weighted(DE_FIRST_F if female else DE_FIRST_M, rng)
            last = weighted(DE_LAST, rng)
            city, area, postal = rng.choice(DE_CITIES)
            street = f"{rng.choice(DE_STREETS)} {rng.randint(1, 180)}"
            country, postalcode = "Deutschland", f"{postal}{rng.randrange(1000):03d}"
        else:
            first = weighted(EN_FIRST_F if female else EN_FIRST_M, rng)
            last = weighted(EN_LAST, rng)
            city, _cc, _area, postal = rng.choice(EN_CITIES)
            street = f"{rng.randint(1, 300)} {rng.choice(EN_STREETS)}"
            country = "United States" if _cc == "1" else "United Kingdom"
            postalcode = (
                f"{postal} {rng.randint(1, 9)}AB"
                if _cc == "44"
                else f"{postal}{rng.randint(10, 99)}"
            )
        work, work_e164 = self.phone(rng, german)
        mobile, mobile_e164 = (
            self.phone(rng, german, mobile=True) if rng.random() < 0.6 else ("", "")
        )
        local = f"{first.lower().translate(TRANSLIT)}.{last.lower().translate(TRANSLIT)}"
        email = f"{local}{rng.randrange(1, 1000)}@{rng.choice(FREEMAIL)}"
        return {
            **self.common(rng),
            "first_name": first,
            "last_name": last,
            "salutation": ("Ms." if female else "Mr.") if rng.random() < 0.9 else "Dr.",
            "title": rng.choice(TITLES),
            "department": rng.choice(DEPARTMENTS),
            "email1": email,
            "phone_work": work,
            "phone_work_e164": work_e164,
            "phone_mobile": mobile,
            "phone_mobile_e164": mobile_e164,
            "primary_address_street": street,
            "primary_address_city": city,
            "primary_address_postalcode": postalcode,
            "primary_address_country": country,
            "lead_source": rng.choice(keys("lead_source_dom")),
            "lawful_basis": rng.choice(("", "consent", "legitimate_interest")),
        }

    def account_rows(self, n: int):
        rng = self.rng("accounts")
        types, industries = keys("account_type_dom"), keys("industry_dom")
        for _ in range(n):
            german = rng.random() < 0.7
            name = self.company(rng, german)
            city = rng.choice(DE_CITIES)[0] if german else rng.choice(EN_CITIES)[0]
            domain = name.split(" ")[0].lower().translate(TRANSLIT) + (
                ".de" if german else ".co.uk"
            )
            phone, _e164 = self.phone(rng, german)
            row = {
                **self.common(rng),
                "name": name,
                "account_type": rng.choice(types),
                "name_key": company_key(name),
                "domain": domain,  # as Account.clean sets
                "industry": rng.choice(industries),
                "website": f"https://www.{domain}",
                "email1": f"info@{domain}",
                "phone_office": phone,
                "employees": str(rng.choice((5, 12, 40, 120, 800, 5000))),
                "billing_address_city": city,
                "billing_address_country": "Deutschland" if german else "United Kingdom",
            }
            self.accounts.append((row["id"], name))
            yield row

    def lead_rows(self, n: int):
        rng = self.rng("leads")
        statuses = (
            ["New"] * 8 + ["Assigned"] * 4 + ["In Process"] * 4 + ["Converted", "Recycled", "Dead"]
        )
        for _ in range(n):
            row = self.person(rng)
            status = rng.choice(statuses)
            known = self.accounts and rng.random() < 0.5
            account_id, name = rng.choice(self.accounts) if known else (None, None)
            row.update(
                status=status,
                lifecycle_stage=rng.choice(keys("lead_stage")),
                account_name=name or self.company(rng, rng.random() < 0.7),
                converted=status == "Converted",
                converted_at=row["date_modified"] if status == "Converted" else None,
                account_id=account_id if status == "Converted" else None,
                stage_entered_at=row["date_entered"],
                opportunity_amount=Decimal(rng.randrange(500, 250_000))
                if rng.random() < 0.3
                else None,
            )
            yield row

    def contact_rows(self, n: int):
        rng = self.rng("contacts")
        for _ in range(n):
            row = self.person(rng)
            if self.accounts:
                row["account_id"] = rng.choice(self.accounts)[0]
            yield row

    def target_rows(self, n: int):
        rng = self.rng("targets")
        for _ in range(n):
            row = self.person(rng)
            row.update(
                status=rng.choice(keys("target_status_dom")),
                account_name=self.company(rng, rng.random() < 0.7),
            )
            yield row

    def opportunity_rows(self, n: int):
        rng = self.rng("opportunities")
        stages = {row[0]: row[3]["probability"] for row in shipped()["sales_stage_dom"].values}
        for _ in range(n):
            account_id, account = rng.choice(self.accounts) if self.accounts else (None, "")
            stage = rng.choice(list(stages))
            row = self.common(rng)
            row.update(
                name=f"{account or self.company(rng, True)} – {rng.choice(PRODUCTS)}",
                amount=Decimal(rng.randrange(1_000, 500_000)),
                currency="EUR",
                date_closed=(row["date_entered"] + timedelta(days=rng.randrange(14, 270))).date(),
                sales_stage=stage,
                probability=stages[stage],
                opportunity_type=rng.choice(keys("opportunity_type_dom")),
                lead_source=rng.choice(keys("lead_source_dom")),
                next_step=rng.choice(NEXT_STEPS),
                account_id=account_id,
            )
            yield row


class Writer:
    """Writes generated rows of one model: COPY on PostgreSQL, executemany on SQLite."""

    BATCH = 5_000

    def __init__(self, model):
        self.model, self.module = model, registry.for_model(model)
        self.fields = model._meta.concrete_fields
        self.columns = [
            (f.attname, "{}" if isinstance(f, JSONField) else f.get_default()) for f in self.fields
        ]
        # Values SQLite gets as text: ids and foreign keys (UUID), dates, decimals.
        self.typed = {
            f.attname
            for f in self.fields
            if f.get_internal_type()
            in ("UUIDField", "DateTimeField", "DateField", "DecimalField", "ForeignKey")
        }
        self.sqlite = connection.vendor == "sqlite"

    def values(self, row: dict) -> list:
        row["search_text"] = self.module.search_text_for(SimpleNamespace(**row))
        if self.sqlite:  # the text forms Django's SQLite backend stores
            for name in self.typed.intersection(row):
                value = row[name]
                if isinstance(value, uuid.UUID):
                    row[name] = value.hex
                elif isinstance(value, datetime):
                    row[name] = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
                elif isinstance(value, date | Decimal):
                    row[name] = str(value)
        return [row.get(name, default) for name, default in self.columns]

    def write(self, rows) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        count = 0
        with connection.cursor() as cursor:
            if not self.sqlite:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(self.values(row))
                        count += 1
                return count
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(self.fields))})"
            raw = connection.connection  # sqlite3 itself: '?' parameters, no wrapper
            batch = []
            for row in rows:
                batch.append(self.values(row))
                if len(batch) >= self.BATCH:
                    raw.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                raw.executemany(sql, batch)
                count += len(batch)
        return count


@contextmanager
def indexes_dropped(table: str):
    """Drop `table`'s secondary indexes (and on PostgreSQL its foreign keys) for a load.

    Building an index once from sorted data is far cheaper than a million random inserts into
    each of the twenty or so indexes of a record table, and one validating join per foreign
    key is cheaper than a deferred check per row. Indexes backing the primary key and unique
    constraints stay. Use inside a transaction: a failed load rolls back the DDL too.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint"
                " WHERE conrelid = %s::regclass)",
                [table, qn(table)],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [qn(table)],
            )
            foreign_keys = cursor.fetchall()
        else:  # autoindexes of PRIMARY KEY and UNIQUE have no SQL and cannot be dropped
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            indexes, foreign_keys = cursor.fetchall(), []
        for name, _sql in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, sql in indexes:
            cursor.execute(sql)
        for name, sql in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {sql}")


class Command(BaseCommand):
    help = "Generate seeded volume data (leads, accounts, contacts, …) for benchmarks."

    def add_arguments(self, parser):
        for name, default in (
            ("accounts", 0),
            ("contacts", 0),
            ("leads", 0),
            ("opportunities", 0),
            ("targets", 0),
        ):
            parser.add_argument(
                f"--{name}",
                type=int,
                default=default,
                help=f"How many {name} to add (default {default}).",
            )
        parser.add_argument("--users", type=int, default=5, help="Generated users to assign.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=date(2026, 1, 1),
            help="Newest date_entered (a fixed default keeps runs identical).",
        )
        parser.add_argument("--years", type=int, default=5, help="Spread of date_entered.")

    def handle(self, *args, **opts):
        users = self.users(opts["users"])
        until = datetime.combine(opts["until"], datetime.min.time(), tzinfo=UTC)
        gen = Generator(opts["seed"], users, until, opts["years"])
        plan = [
            ("accounts", gen.account_rows),
            ("contacts", gen.contact_rows),
            ("leads", gen.lead_rows),
            ("targets", gen.target_rows),
            ("opportunities", gen.opportunity_rows),
        ]
        if opts["accounts"] == 0 and (opts["contacts"] or opts["opportunities"]):
            self.stderr.write("No --accounts: contacts and opportunities get no account.")
        total, started = 0, time.monotonic()
        for slug, rows in plan:
            if opts[slug]:
                total += self.load(
                    registry.get(slug).model, rows(opts[slug]), opts[slug], opts["verbosity"]
                )
        seconds = time.monotonic() - started
        if opts["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {total:,} records in {seconds:.1f} s "
                    f"({total / max(seconds, 1e-9):,.0f} rows/s)."
                )
            )

    def users(self, n: int) -> list[int]:
        """Ids of the users sales1 … salesN, created when missing."""
        User = get_user_model()
        ids = []
        for i in range(1, max(n, 1) + 1):
            user = User.objects.filter(username=f"sales{i}").first() or create_user(
                f"sales{i}",
                password=None,
                first_name=f"Sales {i}",
                last_name="Generated",
                email=f"sales{i}@kontor.example",
            )
            ids.append(user.pk)
        return ids

    def load(self, model, rows, n: int, verbosity: int) -> int:
        """Write `n` rows in one transaction; big loads rebuild the search index afterwards."""
        started = time.monotonic()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Random UUID keys touch index pages all over the file: keep them in memory.
                cursor.execute("PRAGMA cache_size = -1000000")
        with transaction.atomic():
            if n >= 10_000:
                with search_index.suspended([model]), indexes_dropped(model._meta.db_table):
                    count = Writer(model).write(rows)
                    loaded = time.monotonic()
            else:
                count = Writer(model).write(rows)
                loaded = time.monotonic()
        with connection.cursor() as cursor:  # fresh statistics for the planner
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        if verbosity:
            done = time.monotonic()
            rate = count / max(loaded - started, 1e-9)
            self.stdout.write(
                f"{model._meta.verbose_name_plural}: {count:,} rows, load "
                f"{loaded - started:.1f} s ({rate:,.0f} rows/s), indexes "
                f"and statistics {done - loaded:.1f} s"
            )
        return count
