"""Activities, invitees and audit rows of the bench's SuiteCRM database (`bench.suitecrm_data`):
set-based `INSERT … SELECT` statements over MariaDB's sequence engine, for
`python -m bench.suitecrm_bench`."""

from bench.suitecrm_data import CITIES, COMMON_COLUMNS, LAST, common, dates, pick, uid, user_ids


def parent(n: str, size: dict[str, int]) -> tuple[str, str]:
    """SQL: parent_type and parent_id (a lead, contact or account) for activity row `n`."""
    kind = f"{n} % 3"
    lead, contact, account = (
        uid(k, f"(1 + {n} % {size[t]})")
        for k, t in (("lead", "leads"), ("contact", "contacts"), ("account", "accounts"))
    )
    parent_id = f"CASE {kind} WHEN 0 THEN {lead} WHEN 1 THEN {contact} ELSE {account} END"
    return f"ELT(1 + {kind}, 'Leads', 'Contacts', 'Accounts')", parent_id


def activities(size: dict[str, int]) -> list[tuple[str, str]]:
    out = []
    ptype, pid = parent("seq", size)
    contact = uid("contact", f"(1 + seq % {size['contacts']})")
    start = "TIMESTAMP('2024-01-01 08:00') + INTERVAL ((seq * 4801) % 63072000) SECOND"
    base = f"{COMMON_COLUMNS}, name, description, parent_type, parent_id"
    subject = "CONCAT({}, ' ', {}, ' #', seq)"
    topics = ["Angebot", "Rückfrage", "Follow-up", "Vertragsverlängerung", "Demo", "Kick-off"]
    for table, kind, extra_cols, extra in (
        (
            "calls",
            "call",
            "duration_hours, duration_minutes, date_start, date_end, status, direction",
            f"0, 15 + seq % 4 * 15, {start}, {start} + INTERVAL 30 MINUTE, "
            f"{pick(['Planned', 'Held', 'Not Held'], 'seq')}, "
            f"{pick(['Inbound', 'Outbound'], 'seq')}",
        ),
        (
            "meetings",
            "meeting",
            "duration_hours, duration_minutes, date_start, date_end, status, location, type",
            f"1, 0, {start}, {start} + INTERVAL 1 HOUR, "
            f"{pick(['Planned', 'Held', 'Not Held'], 'seq')}, {pick(CITIES, 'seq')}, 'Sugar'",
        ),
        (
            "tasks",
            "task",
            "status, date_due_flag, date_due, date_start_flag, date_start, priority, contact_id",
            f"{pick(['Not Started', 'In Progress', 'Completed', 'Deferred'], 'seq')}, 0, "
            f"{start} + INTERVAL 3 DAY, 0, {start}, {pick(['High', 'Medium', 'Low'], 'seq')}, "
            f"IF(seq % 4 = 0, {contact}, NULL)",
        ),
        (
            "notes",
            "note",
            "portal_flag, embed_flag, contact_id",
            f"0, 0, IF(seq % 5 = 0, {contact}, NULL)",
        ),
    ):
        name = subject.format(pick(topics, "seq"), pick(LAST, "seq", 13))
        out.append(
            (
                table,
                f"INSERT INTO {table} ({base}, {extra_cols}) SELECT {common(kind, 'seq')}, "
                f"{name}, IF(seq % 2 = 0, CONCAT('Besprochen: Preise, Lieferzeit und nächste "
                f"Schritte (', seq, ').'), NULL), {ptype}, {pid}, {extra} "
                f"FROM seq_1_to_{size[table]}",
            )
        )
    # Invitees: every call's and meeting's owner, contacts on every fourth call and every
    # second meeting.
    for table, column, kind, count, every in (
        ("calls_users", "call_id", "call", size["calls"], 1),
        ("calls_contacts", "call_id", "call", size["calls"], 4),
        ("meetings_users", "meeting_id", "meeting", size["meetings"], 1),
        ("meetings_contacts", "meeting_id", "meeting", size["meetings"], 2),
    ):
        n = f"(seq * {every})"
        other = (
            ("user_id", pick(user_ids(), n))
            if table.endswith("users")
            else ("contact_id", uid("contact", f"(1 + {n} % {size['contacts']})"))
        )
        out.append(
            (
                table,
                f"INSERT INTO {table} (id, {column}, {other[0]}, required, accept_status, "
                f"date_modified, deleted) SELECT {uid(table, 'seq')}, {uid(kind, n)}, "
                f"{other[1]}, '1', {pick(['accept', 'decline', 'tentative', 'none'], 'seq')}, "
                f"{dates('seq')[1]}, 0 FROM seq_1_to_{max(1, count // every)}",
            )
        )
    return out


def audits(size: dict[str, int]) -> list[tuple[str, str]]:
    """Audit rows of leads, contacts and accounts (on the generated rows) and opportunities
    (on the demo's own, numbered in a temporary table)."""
    out = [
        (
            "bench_opportunities (temporary)",
            "CREATE TEMPORARY TABLE bench_opportunities (n INT PRIMARY KEY, id CHAR(36)) "
            "SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, id FROM opportunities",
        )
    ]
    fields = [
        ("status", "enum", "New", "Assigned"),
        ("phone_work", "phone", "+49 30 1234567", "+49 30 7654321"),
        ("assigned_user_id", "relate", user_ids()[0], user_ids()[1]),
        ("last_name", "varchar", "Müller", "Müller-Lüdenscheidt"),
        ("description", "text", "", "Kunde wünscht Rückruf"),
    ]
    for table, kind, parents in (
        ("leads_audit", "lead", size["leads"]),
        ("contacts_audit", "contact", size["contacts"]),
        ("accounts_audit", "account", size["accounts"]),
        ("opportunities_audit", "opportunity", None),
    ):
        if parents is None:
            parent_id, source = (
                "o.id",
                "JOIN bench_opportunities o ON o.n = seq % (SELECT COUNT(*) FROM opportunities)",
            )
        else:
            parent_id, source = uid(kind, f"(1 + seq % {parents})"), ""
        name = pick([f[0] for f in fields], "seq")
        dtype = pick([f[1] for f in fields], "seq")
        before = pick([f[2] for f in fields], "seq")
        after = pick([f[3] for f in fields], "seq")
        out.append(
            (
                table,
                f"INSERT INTO {table} (id, parent_id, date_created, created_by, field_name, "
                "data_type, before_value_string, after_value_string, before_value_text, "
                f"after_value_text) SELECT {uid(table, 'seq')}, {parent_id}, "
                f"{dates('seq')[1]}, {pick(user_ids(), 'seq')}, {name}, {dtype}, "
                f"IF({dtype} = 'text', NULL, {before}), IF({dtype} = 'text', NULL, {after}), "
                f"IF({dtype} = 'text', {before}, NULL), IF({dtype} = 'text', {after}, NULL) "
                f"FROM seq_1_to_{size[table]} {source}",
            )
        )
    return out
