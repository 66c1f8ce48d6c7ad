"""Accounts, contacts, targets, leads and opportunities from SuiteCRM, for
`kontor migrate-suitecrm`.

Each row becomes the Kontor record with the same id (`kontor.suitecrm.ids`), its fields by
SuiteCRM name, its e-mail addresses, owner, creator, modifier and dates as they were;
soft-deleted rows go to the trash. Written chunk by chunk through `kontor.suitecrm.writer`
(a second run updates what differs and creates nothing). Links between records follow in
the "record_links" step (`links.py`), except two a record needs when it is written: an
account's "member of" (a second pass once every account exists) and an opportunity's account
(an opportunity needs one in B2B mode; accounts are migrated before opportunities).
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core import dropdowns
from kontor.imports.engine import one_array
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.people import (
    CHUNK,
    campaign_name,
    company_values,
    pages,
    person_values,
    rows_of,
)
from kontor.suitecrm.source import day, flag, text, when
from kontor.suitecrm.steps import step
from kontor.suitecrm.writer import Row, write_rows
from kontor.targets.models import Target

#: The ISO code of SuiteCRM's system currency (id -99; it lives in config.php, not in the
#: database). A run may name another in `context.shared["system_currency"]`.
SYSTEM_CURRENCY = "USD"
CENT = Decimal("0.01")


def system_currency(context) -> str:
    """The ISO code of SuiteCRM's system currency for this run."""
    return context.shared.get("system_currency", SYSTEM_CURRENCY)


def website(value) -> str:
    """A web address as Kontor's URL fields take it: SuiteCRM accepts one without scheme."""
    value = text(value)
    if value.lower() in ("http://", "https://"):  # what SuiteCRM's edit form leaves in
        return ""
    return f"http://{value}" if value and "://" not in value else value


def existing(model, ids) -> set:
    """The ids of `ids` that `model` has (trash included)."""
    return set(
        model.with_deleted.filter(pk__in=one_array(ids, "uuid")).values_list("pk", flat=True)
    )


# --- accounts ---------------------------------------------------------------------------


@step("accounts", 40, tables=("accounts", "email_addresses", "email_addr_bean_rel"), delta=True)
def accounts(context) -> None:
    """Accounts with their address; "member of" (`parent_id`) in a second pass."""
    later = []  # (Row, parent kontor id) whose parent is not written yet
    hierarchy = Hierarchy()

    def values(row):
        found = company_values(row)
        found["website"] = website(row.get("website"))
        return found

    for page in pages(context, "accounts", "Accounts"):
        rows = rows_of(context, "accounts", page, values, module="Accounts", emails=("email1",))
        parents = {row["id"]: text(row.get("parent_id")) for row in page}
        wanted = {
            r.kontor_id: kontor_id("accounts", parents[r.suitecrm_id])
            for r in rows
            if parents[r.suitecrm_id]
        }
        known = existing(Account, wanted.values())
        for r in rows:
            parent = wanted.get(r.kontor_id)
            if parent is None or parent not in known:
                r.values["parent_id"] = None
                hierarchy.leave(r.kontor_id)
                if parent is not None:
                    later.append((r, parent))
            else:
                r.values["parent_id"] = parent if hierarchy.join(context, r, parent) else None
        write_rows(context, Account, "accounts", rows)
    _member_of(context, later, hierarchy)


class Hierarchy:
    """The "member of" links as they will be once written, to refuse a loop before it is
    written: the model's own check reads the stored links, and a chunk stores its changes
    only at its end, so two members of each other in one chunk would both pass it."""

    def __init__(self):
        self.parents = dict(
            Account.with_deleted.filter(parent__isnull=False).values_list("pk", "parent_id")
        )

    def join(self, context, row: Row, parent) -> bool:
        """Make `row` a member of `parent` unless that closes a loop (reported)."""
        seen, up = {row.kontor_id}, parent
        while up is not None:
            if up in seen:
                context.report.problem(
                    "accounts",
                    row.suitecrm_id,
                    _("Member of: account %(id)s would close a loop; left empty.") % {"id": parent},
                )
                return False
            seen.add(up)
            up = self.parents.get(up)
        self.parents[row.kontor_id] = parent
        return True

    def leave(self, pk) -> None:
        self.parents.pop(pk, None)


def _member_of(context, later: list, hierarchy: Hierarchy) -> None:
    """Set the "member of" links whose parent account was written after its member."""
    known = existing(Account, {parent for _row, parent in later})
    rows = []
    for row, parent in later:
        if parent not in known:
            context.report.problem(
                "accounts",
                row.suitecrm_id,
                _("Member of: account %(id)s not found.") % {"id": parent},
            )
            continue
        if hierarchy.join(context, row, parent):
            rows.append(Row(row.kontor_id, {"parent_id": parent}, row.suitecrm_id))
    for start in range(0, len(rows), CHUNK):
        write_rows(context, Account, "accounts", rows[start : start + CHUNK], count=False)


# --- contacts, targets, leads -------------------------------------------------------------


@step("contacts", 50, tables=("contacts", "email_addresses", "email_addr_bean_rel"), delta=True)
def contacts(context) -> None:
    """Contacts; their account and "reports to" follow in the record links step."""
    for page in pages(context, "contacts", "Contacts"):
        rows = rows_of(
            context,
            "contacts",
            page,
            lambda row: person_values(context, "contacts", row),
            module="Contacts",
        )
        write_rows(context, Contact, "contacts", rows)


@step("targets", 60, tables=("prospects", "email_addresses", "email_addr_bean_rel"), delta=True)
def targets(context) -> None:
    """Targets (SuiteCRM's prospects); the lead made from one follows in the links step."""

    def target_values(row):
        values = person_values(context, "prospects", row)
        values["account_name"] = text(row.get("account_name"))
        return values

    for page in pages(context, "prospects", "Prospects"):
        rows = rows_of(
            context,
            "prospects",
            page,
            target_values,
            module="Prospects",
        )
        write_rows(context, Target, "prospects", rows)


@step("leads", 70, tables=("leads", "email_addresses", "email_addr_bean_rel"), delta=True)
def leads(context) -> None:
    """Leads with status and conversion flag; the records a conversion made follow in the
    links step."""
    for page in pages(context, "leads", "Leads"):
        # When a lead was converted SuiteCRM does not keep (date_modified moves on with
        # every edit): the first run takes date_modified, later runs keep what Kontor has.
        converted_at = dict(
            Lead.with_deleted.filter(
                pk__in=[kontor_id("leads", row["id"]) for row in page], converted_at__isnull=False
            ).values_list("pk", "converted_at")
        )
        rows = rows_of(
            context, "leads", page, lambda row: lead_values(context, row), module="Leads"
        )
        for row in rows:
            if row.values["converted"] and row.kontor_id in converted_at:
                row.values["converted_at"] = converted_at[row.kontor_id]
        write_rows(context, Lead, "leads", rows)


def lead_values(context, row: dict) -> dict:
    values = person_values(context, "leads", row)
    for name in (
        "account_name",
        "status_description",
        "lead_source_description",
        "refered_by",
        "account_description",
        "opportunity_name",
    ):
        values[name] = text(row.get(name))
    values["website"] = website(row.get("website"))
    values["status"] = text(row.get("status")) or "New"
    converted = flag(row.get("converted"))
    if values["status"] == "Converted" and not converted:
        # Kontor's status Converted belongs to a converted lead: the status is kept.
        context.report.problem(
            "leads", row["id"], _("Status Converted without a conversion: marked converted.")
        )
        converted = True
    values["converted"] = converted
    values["converted_at"] = when(row.get("date_modified")) if converted else None
    values["opportunity_amount"] = amount(context, "leads", row, "opportunity_amount")
    return values


def amount(context, table: str, row: dict, column: str) -> Decimal | None:
    """A SuiteCRM amount (double or text) in cents; text that is no number is reported."""
    raw = row.get(column)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return Decimal(str(raw).strip().replace(",", "")).quantize(CENT, ROUND_HALF_UP)
    except InvalidOperation:
        context.report.problem(
            table,
            row["id"],
            _("%(field)s: “%(value)s” is not an amount; left empty.")
            % {"field": column, "value": raw},
        )
        return None


# --- opportunities -----------------------------------------------------------------------


@step(
    "opportunities",
    80,
    tables=("opportunities", "currencies", "accounts_opportunities"),
    delta=True,
)
def opportunities(context) -> None:
    """Opportunities with amount, currency (ISO code) and account."""
    # Rows without a usable ISO code are left out (the currencies step reports them): their
    # opportunities take the system currency, reported.
    currencies = {
        row["id"]: text(row["iso4217"]).upper()
        for row in context.source.rows("SELECT id, iso4217 FROM currencies WHERE deleted = 0")
        if re.fullmatch(r"[A-Za-z]{3}", text(row["iso4217"]))
    }
    # The account is a link row of its own: a changed one brings its opportunity.
    also = "SELECT opportunity_id AS id FROM accounts_opportunities WHERE date_modified >= %s"
    for page in pages(context, "opportunities", also=also):
        links = _accounts_of(context, [row["id"] for row in page])
        rows = rows_of(
            context,
            "opportunities",
            page,
            lambda row, links=links: opportunity_values(context, row, currencies, links),
        )
        write_rows(context, Opportunity, "opportunities", rows)


def _accounts_of(context, ids: list[str]) -> dict:
    """Opportunity id → the Kontor id of its account: the newest live link whose account was
    migrated (SuiteCRM's UI shows one); dangling links are reported. An opportunity whose
    links are all deleted keeps the account of the newest one (it needs an account in B2B
    mode), reported."""
    marks = ", ".join(["%s"] * len(ids))
    links = list(
        context.source.rows(
            "SELECT opportunity_id, account_id, deleted FROM accounts_opportunities "
            f"WHERE opportunity_id IN ({marks}) "
            "ORDER BY opportunity_id, deleted, date_modified DESC, id",
            ids,
        )
    )
    known = existing(Account, {kontor_id("accounts", link["account_id"]) for link in links})
    found = {}
    for link in links:
        opportunity, account = link["opportunity_id"], kontor_id("accounts", link["account_id"])
        if opportunity in found:
            continue
        if account not in known:
            if not flag(link["deleted"]):
                context.report.problem(
                    "accounts_opportunities",
                    opportunity,
                    _("Account %(id)s not found.") % {"id": link["account_id"]},
                )
            continue
        if flag(link["deleted"]):
            context.report.problem(
                "accounts_opportunities",
                opportunity,
                _("No live account link; kept the account %(id)s of the deleted link.")
                % {"id": link["account_id"]},
            )
        found[opportunity] = account
    return found


def opportunity_values(context, row: dict, currencies: dict, links: dict) -> dict:
    system = system_currency(context)
    currency_id = text(row.get("currency_id")) or "-99"
    if currency_id != "-99" and currency_id not in currencies:
        context.report.problem(
            "opportunities",
            row["id"],
            _("Currency %(id)s not found; the system currency %(code)s is used.")
            % {"id": currency_id, "code": system},
        )
    values = {
        "name": text(row.get("name")),
        "amount": amount(context, "opportunities", row, "amount"),
        "currency": currencies.get(currency_id, system),
        "date_closed": day(row.get("date_closed")),
        "sales_stage": text(row.get("sales_stage")),
        "probability": row.get("probability"),
        "opportunity_type": text(row.get("opportunity_type")),
        "lead_source": text(row.get("lead_source")),
        "next_step": text(row.get("next_step")),
        "campaign_name": campaign_name(context, "opportunities", row),
        "account_id": links.get(row["id"]),
    }
    # Required in Kontor: an empty one is reported and filled, so the opportunity moves.
    for name, fill in (
        ("amount", Decimal("0.00")),
        ("date_closed", (when(row.get("date_entered")) or timezone.now()).date()),
        ("sales_stage", dropdowns.default("sales_stage_dom") or "Prospecting"),
    ):
        if values[name] in (None, ""):
            context.report.problem(
                "opportunities",
                row["id"],
                _("%(field)s is empty; set to %(value)s.") % {"field": name, "value": fill},
            )
            values[name] = fill
    return values
