"""A large SuiteCRM 7.12 database for `python -m bench.suitecrm_bench`, made by script.

For developers measuring `kontor migrate-suitecrm`. The schema and the shipped demo rows come
from `kontor/suitecrm/tests/data/suitecrm-7.12.12-demo.sql.gz` (loaded with the `mysql`
client); the volume is added by set-based `INSERT … SELECT` from MariaDB's sequence engine
(`seq_1_to_N`), never row by row. At scale 1.0: 100,000 leads, 50,000 contacts, 20,000
accounts, 200,000 activities (60,000 calls, 40,000 meetings, 50,000 tasks, 50,000 notes, with
parents and some invitees) and 300,000 audit rows, plus e-mail addresses with their bean
links, account–contact links, five owners in two security groups and security group records
for a tenth of the records. Ids are UUID-shaped like SuiteCRM's `create_guid` and derived from
(kind, row number), so a link can name its target without looking it up; one row in 500 is
soft-deleted.
"""

import gzip
import subprocess
import time
import uuid
from pathlib import Path

import pymysql

DUMP = (
    Path(__file__).resolve().parent.parent
    / "kontor/suitecrm/tests/data/suitecrm-7.12.12-demo.sql.gz"
)

#: Row counts at scale 1.0
BASE = {
    "accounts": 20_000,
    "contacts": 50_000,
    "leads": 100_000,
    "calls": 60_000,
    "meetings": 40_000,
    "tasks": 50_000,
    "notes": 50_000,
    "leads_audit": 150_000,
    "contacts_audit": 75_000,
    "accounts_audit": 45_000,
    "opportunities_audit": 30_000,
}

FIRST = [
    "Anna", "Jürgen", "Sabine", "Thomas", "Björn", "Käthe", "Stefan", "Monika", "Jörg",
    "Ursula", "Michael", "Brigitte", "Günther", "Heike", "Lukas", "Sophie", "James", "Emily",
    "Oliver", "Charlotte", "William", "Grace", "Henry", "Olivia", "Maximilian", "Lea",
    "Dörte", "Florian", "Jessica", "Daniel",
]  # fmt: skip
LAST = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
    "Neumann", "Schwarz", "Zimmermann", "Smith", "Johnson", "Brown", "Taylor", "Wilson",
    "Evans", "Thompson", "Walker", "White", "Green", "Groß", "Krüger", "Böhm", "Weiß",
    "Köhler", "Lehmann", "König", "Hartmann", "Lange", "Jäger",
]  # fmt: skip
CITIES = ["Berlin", "München", "Köln", "Düsseldorf", "Nürnberg", "Hamburg", "London",
          "Manchester", "Zürich", "Wien", "Frankfurt am Main", "Leipzig"]  # fmt: skip
SUFFIX = ["GmbH", "AG", "KG", "GmbH & Co. KG", "Ltd", "Inc.", "e.K.", "SE"]
DOMAINS = ["example.de", "example.com", "beispiel.de", "example.org", "muster.at"]


def user_ids() -> list[str]:
    """The five bench users (owners of everything generated), UUID-shaped."""
    return [str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-user-{n}")) for n in range(5)]


def group_ids() -> list[str]:
    return [str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-group-{n}")) for n in range(2)]


def sizes(scale: float) -> dict[str, int]:
    return {table: max(1, round(n * scale)) for table, n in BASE.items()}


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def pick(values: list[str], n: str, step: int = 1) -> str:
    """SQL: the element of `values` for row number expression `n`."""
    return f"ELT(1 + ({n} * {step}) % {len(values)}, {', '.join(map(_quote, values))})"


def uid(kind: str, n: str) -> str:
    """SQL: a UUID-shaped id (version 4 layout, like `create_guid`) for row `n` of `kind`."""
    h = f"MD5(CONCAT('{kind}-', {n}))"
    return (
        f"CONCAT(SUBSTR({h},1,8),'-',SUBSTR({h},9,4),'-4',SUBSTR({h},14,3),'-',"
        f"SUBSTR('89ab', 1 + CONV(SUBSTR({h},17,1),16,10) % 4, 1),SUBSTR({h},18,3),'-',"
        f"SUBSTR({h},21,12))"
    )


def ascii_name(sql: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), (" ", "")):
        sql = f"REPLACE({sql}, '{umlaut}', '{plain}')"
    return f"LOWER({sql})"


def dates(n: str) -> tuple[str, str]:
    """SQL: date_entered and date_modified spread over three years."""
    entered = f"TIMESTAMP('2023-01-01') + INTERVAL (({n} * 7919) % 94608000) SECOND"
    return entered, f"{entered} + INTERVAL ({n} % 400) DAY"


def common(kind: str, n: str) -> str:
    """SQL select list: id, dates, owner, creator, modifier, deleted (one in 500)."""
    entered, modified = dates(n)
    users = user_ids()
    return (
        f"{uid(kind, n)}, {entered}, {modified}, {pick(users, n, 3)}, {pick(users, n, 7)}, "
        f"{pick(users, n)}, ({n} % 500 = 0)"
    )


COMMON_COLUMNS = (
    "id, date_entered, date_modified, modified_user_id, created_by, assigned_user_id, deleted"
)


def person(kind: str, n: str) -> tuple[str, str]:
    """Columns and select list shared by leads and contacts."""
    first, last = pick(FIRST, n, 7), pick(LAST, n, 13)
    columns = (
        f"{COMMON_COLUMNS}, salutation, first_name, last_name, title, department, phone_work, "
        "phone_mobile, primary_address_street, primary_address_city, "
        "primary_address_postalcode, primary_address_country, lead_source, description, "
        "do_not_call"
    )
    select = (
        f"{common(kind, n)}, {pick(['Mr.', 'Ms.', 'Dr.', 'Prof.', ''], n)}, {first}, {last}, "
        f"{pick(['Geschäftsführer', 'Einkauf', 'Head of Sales', 'IT-Leiterin', 'CFO'], n, 3)}, "
        f"{pick(['Vertrieb', 'Einkauf', 'IT', 'Finance'], n)}, CONCAT('+49 30 ', 1000000 + {n}), "
        f"CONCAT('+49 170 ', 2000000 + {n}), CONCAT('Hauptstraße ', 1 + {n} % 180), "
        f"{pick(CITIES, n, 5)}, LPAD(10000 + {n} % 89999, 5, '0'), "
        f"{pick(['Deutschland', 'Germany', 'Österreich', 'United Kingdom'], n)}, "
        f"{pick(['Web Site', 'Cold Call', 'Trade Show', 'Word of mouth', 'Email'], n)}, "
        f"IF({n} % 3 = 0, CONCAT('Notiz zu Datensatz ', {n}, ': Rückruf erwünscht.'), NULL), "
        f"({n} % 40 = 0)"
    )
    return columns, select


def statements(size: dict[str, int]) -> list[tuple[str, str]]:
    """(label, SQL) in order; every statement is one set-based INSERT … SELECT."""
    A, C, L = size["accounts"], size["contacts"], size["leads"]
    out = []

    def seq(count: int) -> str:
        return f"seq_1_to_{count}"

    acc_cols = (
        f"{COMMON_COLUMNS}, name, account_type, industry, billing_address_street, "
        "billing_address_city, billing_address_postalcode, billing_address_country, "
        "phone_office, website, employees, parent_id"
    )
    out.append(
        (
            "accounts",
            f"INSERT INTO accounts ({acc_cols}) SELECT {common('account', 'seq')}, "
            f"CONCAT({pick(LAST, 'seq', 13)}, ' ', {pick(LAST, 'seq', 7)}, ' ', "
            f"{pick(SUFFIX, 'seq')}), "
            f"{pick(['Customer', 'Prospect', 'Partner', 'Reseller'], 'seq')}, "
            f"{pick(['Manufacturing', 'Retail', 'Technology', 'Finance', 'Energy'], 'seq', 3)}, "
            f"CONCAT('Industriestraße ', seq % 90 + 1), {pick(CITIES, 'seq')}, "
            f"LPAD(10000 + seq % 89999, 5, '0'), 'Deutschland', CONCAT('+49 89 ', 3000000 + seq), "
            f"CONCAT('www.firma', seq, '.example.de'), seq % 5000, "
            f"IF(seq % 50 = 0 AND seq > 1, {uid('account', '(seq DIV 50)')}, NULL) "
            f"FROM {seq(A)}",
        )
    )
    columns, select = person("contact", "seq")
    out.append(("contacts", f"INSERT INTO contacts ({columns}) SELECT {select} FROM {seq(C)}"))
    columns, select = person("lead", "seq")
    out.append(
        (
            "leads",
            f"INSERT INTO leads ({columns}, status, account_name, converted) SELECT {select}, "
            f"{pick(['New', 'Assigned', 'In Process', 'Recycled', 'Dead'], 'seq')}, "
            f"CONCAT({pick(LAST, 'seq', 11)}, ' ', {pick(SUFFIX, 'seq')}), 0 FROM {seq(L)}",
        )
    )
    # E-mail addresses: one per lead, contact and account, a second one for every tenth contact.
    for kind, module, count, first, last in (
        ("lead", "Leads", L, pick(FIRST, "seq", 7), pick(LAST, "seq", 13)),
        ("contact", "Contacts", C, pick(FIRST, "seq", 7), pick(LAST, "seq", 13)),
        ("account", "Accounts", A, "'info'", pick(LAST, "seq", 13)),
        ("contact2", "Contacts", C // 10, "'privat'", pick(LAST, "seq", 13)),
    ):
        bean = uid("contact", "(seq * 10)") if kind == "contact2" else uid(kind, "seq")
        address = (
            f"CONCAT({ascii_name(first)}, '.', {ascii_name(last)}, seq, '@', "
            f"{pick(DOMAINS, 'seq')})"
        )
        entered, _modified = dates("seq")
        out.append(
            (
                f"email_addresses ({kind})",
                "INSERT INTO email_addresses (id, email_address, email_address_caps, "
                "invalid_email, opt_out, date_created, date_modified, deleted) "
                f"SELECT {uid('ea-' + kind, 'seq')}, {address}, UPPER({address}), "
                f"(seq % 97 = 0), (seq % 50 = 0), {entered}, {entered}, 0 FROM {seq(count)}",
            )
        )
        out.append(
            (
                f"email_addr_bean_rel ({kind})",
                "INSERT INTO email_addr_bean_rel (id, email_address_id, bean_id, bean_module, "
                "primary_address, reply_to_address, date_created, date_modified, deleted) "
                f"SELECT {uid('er-' + kind, 'seq')}, {uid('ea-' + kind, 'seq')}, {bean}, "
                f"'{module}', {0 if kind == 'contact2' else 1}, 0, {entered}, {entered}, 0 "
                f"FROM {seq(count)}",
            )
        )
    out.append(
        (
            "accounts_contacts",
            "INSERT INTO accounts_contacts (id, contact_id, account_id, date_modified, deleted) "
            f"SELECT {uid('ac', 'seq')}, {uid('contact', 'seq')}, "
            f"{uid('account', f'(1 + seq % {A})')}, {dates('seq')[1]}, (seq % 700 = 0) "
            f"FROM {seq(C)}",
        )
    )
    from bench.suitecrm_activities import activities, audits  # they use this module's helpers

    out += activities(size)
    out += audits(size)
    groups = group_ids()
    for kind, module, count in (("lead", "Leads", L), ("contact", "Contacts", C),
                                ("account", "Accounts", A)):  # fmt: skip
        out.append(
            (
                f"securitygroups_records ({module})",
                "INSERT INTO securitygroups_records (id, securitygroup_id, record_id, module, "
                "date_modified, modified_user_id, created_by, deleted) "
                f"SELECT {uid('sgr-' + kind, 'seq')}, {pick(groups, 'seq')}, "
                f"{uid(kind, '(seq * 10)')}, '{module}', {dates('seq')[1]}, "
                f"{pick(user_ids(), 'seq')}, "
                f"{pick(user_ids(), 'seq')}, 0 FROM {seq(max(1, count // 10))}",
            )
        )
    return out


def users_and_groups(cursor) -> None:
    """Five owners cloned from the demo user chris (same password hash), two security groups
    with the users as members."""
    names = [("Jana", "Körner"), ("Tobias", "Brandt"), ("Mia", "Schulte"),
             ("Paul", "Hughes"), ("Lena", "Vogt")]  # fmt: skip
    for uid_, (first, last) in zip(user_ids(), names, strict=True):
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_user SELECT * FROM users WHERE id = 'seed_chris_id'"
        )
        cursor.execute(
            "UPDATE bench_user SET id = %s, user_name = %s, first_name = %s, last_name = %s",
            [uid_, f"{first.lower()}.{last.lower()}", first, last],
        )
        cursor.execute("INSERT INTO users SELECT * FROM bench_user")
        cursor.execute("DROP TEMPORARY TABLE bench_user")
    for n, group in enumerate(group_ids()):
        cursor.execute(
            "INSERT INTO securitygroups (id, name, date_entered, date_modified, deleted, "
            "noninheritable) VALUES (%s, %s, NOW(), NOW(), 0, 0)",
            [group, ["Vertrieb Nord", "Vertrieb Süd"][n]],
        )
    for n, user in enumerate(user_ids()):
        cursor.execute(
            "INSERT INTO securitygroups_users (id, date_modified, deleted, securitygroup_id, "
            "user_id, primary_group, noninheritable) VALUES (%s, NOW(), 0, %s, %s, 1, 0)",
            [str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-sgu-{n}")), group_ids()[n % 2], user],
        )


def generate(database: str, scale: float, host="127.0.0.1", port=3306, user="root") -> dict:
    """Drop and rebuild `database`; returns the seconds per statement and in total."""
    timings = {}
    started = time.monotonic()
    admin = pymysql.connect(host=host, port=port, user=user, charset="utf8mb4", autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    admin.close()
    subprocess.run(
        ["mysql", "-h", host, "-P", str(port), "-u", user, database],
        input=gzip.decompress(DUMP.read_bytes()),
        check=True,
    )
    timings["load demo dump"] = round(time.monotonic() - started, 1)
    connection = pymysql.connect(
        host=host, port=port, user=user, database=database, charset="utf8mb4", autocommit=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
        users_and_groups(cursor)
        for label, sql in statements(sizes(scale)):
            at = time.monotonic()
            cursor.execute(sql)
            timings[label] = round(time.monotonic() - at, 1)
    connection.close()
    timings["total"] = round(time.monotonic() - started, 1)
    return timings


def counts(database: str, host="127.0.0.1", port=3306, user="root") -> dict[str, int] | None:
    """Rows per table of an existing generated database, or None when there is none."""
    connection = pymysql.connect(host=host, port=port, user=user, charset="utf8mb4")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW DATABASES LIKE %s", [database])
            if not cursor.fetchone():
                return None
            found = {}
            tables = list(BASE) + ["email_addresses", "email_addr_bean_rel", "accounts_contacts",
                                   "securitygroups_records", "calls_users", "calls_contacts",
                                   "meetings_users", "meetings_contacts"]  # fmt: skip
            for table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM `{database}`.`{table}`")
                found[table] = cursor.fetchone()[0]
            return found
    finally:
        connection.close()
