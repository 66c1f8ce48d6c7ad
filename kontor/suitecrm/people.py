"""SuiteCRM's person and company rows as Kontor field values, for the record steps
(`kontor.suitecrm.steps.records`): the columns every record has (dates, owner, creator,
modifier, trash), the Person template (targets, leads, contacts), the Company template
(accounts), e-mail addresses from `email_addresses` + `email_addr_bean_rel`, and paging.

Kontor keeps SuiteCRM's field names and dropdown keys, so most columns move as they are;
values Kontor refuses are reported by the writer (`kontor.suitecrm.writer`).
"""

from django.utils.translation import gettext as _

from kontor.core.people import ADDRESS_PARTS
from kontor.suitecrm.delta import naive_utc
from kontor.suitecrm.ids import is_uuid_shaped, kontor_id
from kontor.suitecrm.lookups import user_id_for
from kontor.suitecrm.source import day, flag, multienum, text, when
from kontor.suitecrm.writer import Row

#: Rows per chunk: one transaction and one e-mail query each.
CHUNK = 2000

#: The Person template's plain text columns, by the name both systems use.
PERSON_TEXT = (
    "first_name",
    "last_name",
    "title",
    "department",
    "phone_home",
    "phone_mobile",
    "phone_work",
    "phone_other",
    "phone_fax",
    "assistant",
    "assistant_phone",
    *(f"{prefix}_address_{part}" for prefix in ("primary", "alt") for part in ADDRESS_PARTS),
)
COMPANY_TEXT = (
    "name",
    "annual_revenue",
    "employees",
    "ownership",
    "rating",
    "website",
    "phone_office",
    "phone_alternate",
    "phone_fax",
    *(f"{prefix}_address_{part}" for prefix in ("billing", "shipping") for part in ADDRESS_PARTS),
)


def pages(context, table: str, module: str = "", *, also: str = "", size: int = CHUNK):
    """The live and deleted rows of `table` in pages of `size`, by id (keyset paging): each
    page is read whole, so a step can query SuiteCRM again between pages. A delta run reads
    the rows SuiteCRM changed since the last run, and with `module` ("Leads", …) those whose
    e-mail addresses changed (an address is its own row, shared by the records using it), and
    those `also` names (an SQL query of ids, with one `%s` for the time)."""
    rows, params = f"`{table}` t", []
    if context.window.since is not None:
        # The changed ids as one derived table: MariaDB plans `date_modified >= … OR id IN
        # (…)` as a subquery per row (5.9 s a page at 100,000 leads instead of 0.6 s).
        changed = " UNION ".join(_changed(table, module, also))
        rows += f" JOIN ({changed}) changed ON changed.id = t.id"
        params = [naive_utc(context.window.since)] * changed.count("%s")
    last = ""
    while True:
        page = list(
            context.source.rows(
                f"SELECT t.* FROM {rows} WHERE t.id > %s ORDER BY t.id LIMIT {int(size)}",
                [*params, last],
            )
        )
        if not page:
            return
        yield page
        last = page[-1]["id"]
        if len(page) < size:
            return


def _changed(table: str, module: str, also: str) -> list[str]:
    """Queries of the ids of `table` changed since `%s`: by the row's own date, its e-mail
    addresses' (with `module`), and `also`."""
    found = [f"SELECT id FROM `{table}` WHERE date_modified >= %s"]
    if module:
        found.append(
            "SELECT bean_id AS id FROM email_addr_bean_rel"
            f" WHERE bean_module = '{module}' AND date_modified >= %s"
        )
        # The few changed addresses first, then their links by index (0.1 s instead of 0.7 s
        # at 175,000 addresses, which MariaDB's own order scans).
        found.append(
            "SELECT r.bean_id AS id FROM email_addresses a STRAIGHT_JOIN email_addr_bean_rel r"
            f" ON r.email_address_id = a.id WHERE r.bean_module = '{module}'"
            " AND a.date_modified >= %s"
        )
    if also:
        found.append(also)
    return found


def record_id(context, table: str, row: dict):
    """The Kontor id of `row` (its SuiteCRM id when UUID-shaped); a derived id is reported,
    an empty one skips the row (None)."""
    suitecrm_id = row.get("id") or ""
    if not suitecrm_id.strip():
        context.report.problem(table, "", _("Row without id skipped."))
        return None
    if not is_uuid_shaped(suitecrm_id):
        context.report.problem(
            table,
            suitecrm_id,
            _("Id is not UUID-shaped; the record gets the Kontor id %(id)s.")
            % {"id": kontor_id(table, suitecrm_id)},
        )
    return kontor_id(table, suitecrm_id)


def base_values(context, table: str, row: dict) -> dict:
    """Dates, owner, creator, modifier, description and trash as SuiteCRM had them; an
    unknown user is reported once per record and left empty."""
    deleted = flag(row.get("deleted"))
    modified = when(row.get("date_modified"))
    values = {
        "description": text(row.get("description")),
        "date_entered": when(row.get("date_entered")),
        "date_modified": modified,
        "deleted": deleted,
        "deleted_at": (modified or when(row.get("date_entered"))) if deleted else None,
    }
    missing = []
    for column, attname in (
        ("assigned_user_id", "assigned_user_id"),
        ("created_by", "created_by_id"),
        ("modified_user_id", "modified_by_id"),
    ):
        suitecrm_user = text(row.get(column))
        values[attname] = user_id_for(context, suitecrm_user) if suitecrm_user else None
        if suitecrm_user and values[attname] is None and suitecrm_user not in missing:
            missing.append(suitecrm_user)
    for suitecrm_user in missing:
        context.report.problem(
            table, row["id"], _("User %(id)s not found.") % {"id": suitecrm_user}
        )
    return values


def campaign_name(context, table: str, row: dict) -> str:
    """The name of the campaign `row.campaign_id` names (Kontor keeps the campaign's name
    until it has campaigns of its own); an unknown campaign is reported."""
    campaign = text(row.get("campaign_id"))
    if not campaign:
        return ""
    if "campaigns" not in context.shared:
        context.shared["campaigns"] = (
            {
                c["id"]: text(c["name"])
                for c in context.source.rows("SELECT id, name FROM campaigns")
            }
            if context.source.has("campaigns")
            else {}
        )
    name = context.shared["campaigns"].get(campaign)
    if name is None:
        context.report.problem(table, row["id"], _("Campaign %(id)s not found.") % {"id": campaign})
    return name or ""


def person_values(context, table: str, row: dict) -> dict:
    """The Person template's columns (targets, leads, contacts)."""
    values = {name: text(row.get(name)) for name in PERSON_TEXT}
    values.update(
        campaign_name=campaign_name(context, table, row),
        salutation=text(row.get("salutation")),
        do_not_call=flag(row.get("do_not_call")),
        birthdate=day(row.get("birthdate")),
        date_reviewed=day(row.get("date_reviewed")),
        lawful_basis_source=text(row.get("lawful_basis_source")),
        lead_source=text(row.get("lead_source")),
    )
    # SuiteCRM's lawful basis is a multi-select; Kontor's holds one key.
    bases = multienum(row.get("lawful_basis"))
    values["lawful_basis"] = bases[0] if bases else ""
    if len(bases) > 1:
        context.report.problem(
            table,
            row["id"],
            _("Several lawful bases (%(keys)s); Kontor keeps the first.")
            % {"keys": ", ".join(bases)},
        )
    return values


def company_values(row: dict) -> dict:
    """The Company template's columns (accounts)."""
    values = {name: text(row.get(name)) for name in COMPANY_TEXT}
    values.update(account_type=text(row.get("account_type")), industry=text(row.get("industry")))
    return values


def email_values(source, module: str, ids: list[str]) -> dict[str, dict]:
    """SuiteCRM's computed e-mail fields of the records `ids` of `module` ("Leads", …):
    email1 = the primary address (or the first), email2 = the first other one, and the
    opt-out and invalid flags of email1's address (they belong to the address, shared by
    every record using it)."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    found: dict[str, list] = {}
    for row in source.rows(
        "SELECT r.bean_id, a.email_address, a.opt_out, a.invalid_email, r.primary_address "
        "FROM email_addr_bean_rel r JOIN email_addresses a ON a.id = r.email_address_id "
        f"WHERE r.deleted = 0 AND a.deleted = 0 AND r.bean_module = %s AND r.bean_id IN ({marks}) "
        "ORDER BY r.bean_id, r.reply_to_address, r.primary_address DESC, r.date_created, r.id",
        [module, *ids],
    ):
        found.setdefault(row["bean_id"], []).append(row)
    values = {}
    for bean_id, addresses in found.items():
        first = next((a for a in addresses if flag(a["primary_address"])), addresses[0])
        other = next((a for a in addresses if a is not first), None)
        values[bean_id] = {
            "email1": text(first["email_address"]),
            "email2": text(other["email_address"]) if other else "",
            "email_opt_out": flag(first["opt_out"]),
            "invalid_email": flag(first["invalid_email"]),
        }
    return values


NO_EMAIL = {"email1": "", "email2": "", "email_opt_out": False, "invalid_email": False}


def rows_of(context, table: str, page: list, values_for, *, module: str = "", emails=None):
    """`Row`s of one page: `values_for(row)` gives a row's own fields; `module` adds the
    e-mail fields (`emails` keeps only those named, for accounts' single address)."""
    addresses = email_values(context.source, module, [r["id"] for r in page]) if module else {}
    rows = []
    for row in page:
        pk = record_id(context, table, row)
        if pk is None:
            continue
        values = {**base_values(context, table, row), **values_for(row)}
        if module:
            found = addresses.get(row["id"], NO_EMAIL)
            values.update({k: v for k, v in found.items() if emails is None or k in emails})
        rows.append(Row(pk, values, row["id"]))
    return rows
