"""The links between migrated records, for `kontor migrate-suitecrm` (step "record_links",
after every record step): a contact's account (`accounts_contacts`), the opportunity–contact
links with their role (`opportunities_contacts`), "reports to" (`contacts.reports_to_id`) and
the journey: target → lead (`prospects.lead_id`), lead → contact, account and opportunity
(`leads.contact_id` …). An opportunity's account moves with the opportunity (records.py).

Join rows are streamed in the order of their key (memory stays flat) and written in chunks.
A link whose other end SuiteCRM does not have (or Kontor did not migrate) is reported with
the row's id and left out. Links are written through the record writer (a change is logged,
a second run finds nothing to do) and the opportunities' contact verbs.
"""

from itertools import groupby

from django.db import transaction
from django.utils.translation import gettext as _

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.imports.engine import one_array
from kontor.leads.models import Lead
from kontor.opportunities.actions import link_contact, unlink_contact
from kontor.opportunities.models import Opportunity, OpportunityContact
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.people import CHUNK
from kontor.suitecrm.source import flag, text
from kontor.suitecrm.steps import step
from kontor.suitecrm.writer import Row, ensure_dropdown_keys, write_rows
from kontor.targets.models import Target

TABLES = {
    "accounts": Account,
    "contacts": Contact,
    "leads": Lead,
    "opportunities": Opportunity,
    "prospects": Target,
}


@step(
    "record_links",
    90,
    tables=("accounts_contacts", "opportunities_contacts", "contacts", "leads", "prospects"),
    delta=True,
)
def record_links(context) -> None:
    contact_accounts(context)
    opportunity_contacts(context)
    reports_to(context)
    journey(context)


class Known:
    """Which SuiteCRM ids of a table exist in Kontor (trash included), asked per chunk."""

    def __init__(self, table: str):
        self.table, self.model = table, TABLES[table]

    def __call__(self, suitecrm_ids) -> dict:
        """SuiteCRM id → Kontor id of those that exist."""
        wanted = {i: kontor_id(self.table, i) for i in suitecrm_ids if i}
        found = set(
            self.model.with_deleted.filter(pk__in=one_array(wanted.values(), "uuid")).values_list(
                "pk", flat=True
            )
        )
        return {i: pk for i, pk in wanted.items() if pk in found}


def _chunks(rows, size: int = CHUNK):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _dangling(context, table: str, row_id, table_of_id: str, missing_id) -> None:
    context.report.problem(
        table,
        row_id,
        _("Link to %(table)s %(id)s: no such record.") % {"table": table_of_id, "id": missing_id},
    )


def contact_accounts(context) -> None:
    """Contact.account = the account of the newest live `accounts_contacts` row (SuiteCRM's UI
    shows one); a contact whose rows are all deleted loses its account."""
    # A delta run reads every row of a contact with a changed row: the newest live one wins.
    where, params = context.delta(
        "contact_id IN (SELECT contact_id FROM accounts_contacts WHERE date_modified >= %s)"
    )
    rows = context.source.rows(
        f"SELECT id, contact_id, account_id, deleted FROM accounts_contacts WHERE 1 = 1{where} "
        "ORDER BY contact_id, deleted, date_modified DESC, id",
        params,
    )
    per_contact = (
        (contact, list(links)) for contact, links in groupby(rows, lambda r: text(r["contact_id"]))
    )
    contacts, accounts = Known("contacts"), Known("accounts")
    for chunk in _chunks(per_contact):
        found_contacts = contacts([c for c, _rows in chunk])
        found_accounts = accounts({text(r["account_id"]) for _c, links in chunk for r in links})
        writes = []
        for contact, links in chunk:
            live = [r for r in links if not flag(r["deleted"])]
            if contact not in found_contacts:
                for r in live:
                    _dangling(context, "accounts_contacts", r["id"], "contacts", contact)
                continue
            account = None
            for r in live:
                if text(r["account_id"]) in found_accounts:
                    account = account or found_accounts[text(r["account_id"])]
                else:
                    _dangling(context, "accounts_contacts", r["id"], "accounts", r["account_id"])
            writes.append(Row(found_contacts[contact], {"account_id": account}, contact))
        write_rows(context, Contact, "accounts_contacts", writes)


def opportunity_contacts(context) -> None:
    """Kontor's opportunity–contact links with their role, from the live rows; a link whose
    SuiteCRM rows are all deleted is removed."""
    where, params = context.delta(
        "opportunity_id IN (SELECT opportunity_id FROM opportunities_contacts"
        " WHERE date_modified >= %s)"
    )
    rows = context.source.rows(
        "SELECT id, opportunity_id, contact_id, contact_role, deleted FROM opportunities_contacts"
        f" WHERE 1 = 1{where} ORDER BY opportunity_id, contact_id, deleted, date_modified DESC, id",
        params,
    )
    # Per pair the newest live row, else the newest deleted one.
    pairs = (
        (key, next(same))
        for key, same in groupby(rows, lambda r: (text(r["opportunity_id"]), text(r["contact_id"])))
    )
    opportunities, contacts = Known("opportunities"), Known("contacts")
    for chunk in _chunks(pairs):
        with transaction.atomic():
            _link_chunk(context, chunk, opportunities, contacts)


def _link_chunk(context, chunk, opportunities: Known, contacts: Known) -> None:
    table = "opportunities_contacts"
    found_opps = opportunities({o for (o, _c), _row in chunk})
    found_contacts = contacts({c for (_o, c), _row in chunk})
    ensure_dropdown_keys(
        context,
        OpportunityContact,
        table,
        [Row(None, {"contact_role": text(r["contact_role"])}, r["id"]) for _k, r in chunk],
    )
    records = {
        **Opportunity.with_deleted.in_bulk(list(found_opps.values())),
        **Contact.with_deleted.in_bulk(list(found_contacts.values())),
    }
    stored = {
        (link.opportunity_id, link.contact_id): link.contact_role
        for link in OpportunityContact.objects.filter(opportunity_id__in=list(found_opps.values()))
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    for (opportunity, contact), row in chunk:
        live = not flag(row["deleted"])
        if opportunity not in found_opps or contact not in found_contacts:
            if live:
                missing = ("opportunities", opportunity)
                if opportunity in found_opps:
                    missing = ("contacts", contact)
                _dangling(context, table, row["id"], *missing)
                counts["skipped"] += 1
            continue
        key = (found_opps[opportunity], found_contacts[contact])
        role = text(row["contact_role"])
        if not live:
            if key in stored:
                unlink_contact(records[key[0]], records[key[1]], actor=context.actor)
                counts["updated"] += 1
            continue
        if stored.get(key) == role:
            counts["unchanged"] += 1
            continue
        counts["created" if key not in stored else "updated"] += 1
        link_contact(records[key[0]], records[key[1]], role, actor=context.actor)
    for outcome, n in counts.items():
        context.report.count(table, outcome, n)


def reports_to(context) -> None:
    """Contact.reports_to from `contacts.reports_to_id`."""
    _column_links(
        context,
        "contacts",
        Contact,
        {"reports_to_id": ("reports_to_id", "contacts")},
        "contacts.reports_to_id",
    )


def journey(context) -> None:
    """Target → lead (and the lead's source target, status Converted on the target), lead →
    the contact, account and opportunity its conversion made."""
    _column_links(
        context,
        "prospects",
        Target,
        {"lead_id": ("lead_id", "leads")},
        "prospects.lead_id",
        convert=True,
    )
    _column_links(
        context,
        "leads",
        Lead,
        {
            "contact_id": ("contact_id", "contacts"),
            "account_id": ("account_id", "accounts"),
            "opportunity_id": ("opportunity_id", "opportunities"),
        },
        "leads.conversion",
    )
    # The lead's own side of target → lead: Lead.target.
    where, params = context.delta(
        "lead_id IN (SELECT lead_id FROM prospects WHERE date_modified >= %s)"
    )
    rows = context.source.rows(
        f"SELECT id, lead_id FROM prospects WHERE lead_id IS NOT NULL AND lead_id <> ''{where} "
        "ORDER BY lead_id, deleted, date_modified DESC",
        params,
    )
    per_lead = (
        (lead, text(next(same)["id"])) for lead, same in groupby(rows, lambda r: text(r["lead_id"]))
    )
    leads, targets = Known("leads"), Known("prospects")
    for chunk in _chunks(per_lead):
        found_leads = leads([lead for lead, _target in chunk])
        found_targets = targets([target for _lead, target in chunk])
        writes = [
            Row(found_leads[lead], {"target_id": found_targets[target]}, lead)
            for lead, target in chunk
            if lead in found_leads and target in found_targets
        ]
        write_rows(context, Lead, "prospects.lead_id", writes, count=False)


def _column_links(
    context, table: str, model, columns: dict, label: str, *, convert: bool = False
) -> None:
    """Links kept in columns of `table` (SuiteCRM column → (Kontor attname, linked table)),
    for every migrated row, reported as `label`; a dangling id is reported and the link left
    empty. `convert`
    marks a target whose lead exists as converted."""
    select = ", ".join(f"`{column}`" for column in columns)
    own = Known(table)
    others = {column: Known(linked) for column, (_attname, linked) in columns.items()}
    where, params = context.delta()
    sql = f"SELECT id, {select} FROM `{table}` WHERE 1 = 1{where} ORDER BY id"
    for chunk in _chunks(context.source.rows(sql, params)):
        found = own([row["id"] for row in chunk])
        targets = {c: known({text(r[c]) for r in chunk}) for c, known in others.items()}
        writes = []
        for row in chunk:
            if row["id"] not in found:
                continue
            values = {}
            for column, (attname, linked) in columns.items():
                value = text(row[column])
                values[attname] = targets[column].get(value)
                if value and values[attname] is None:
                    _dangling(context, label, row["id"], linked, value)
            if convert and values.get("lead_id"):
                values["status"] = "Converted"
            writes.append(Row(found[row["id"]], values, row["id"]))
        write_rows(context, model, label, writes)
