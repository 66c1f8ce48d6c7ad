"""The demo's leads: handed from marketing to sales, with their history and one in the trash.

The Leads module's demo factory (`LeadModule.demo_factory`), run by `kontor.demo.build` after
accounts, contacts and targets. Jonas (lead generation) and Sarah (marketing) create them; some
move ML → MQL → SQL through edits so their change log tells that story. Status "Converted" is
never set: only a conversion may set it.
"""

from datetime import timedelta
from decimal import Decimal

from kontor.core.actions import delete_records, save_record
from kontor.demo import data
from kontor.demo.base import Demo, company_domain, person_fields, shuffled_plan
from kontor.leads.models import Lead

#: How many leads end in each (status, lifecycle stage).
PLAN = {
    ("New", "ML"): 28,
    ("New", "MQL"): 6,
    ("Assigned", "ML"): 12,
    ("Assigned", "MQL"): 12,
    ("In Process", "MQL"): 14,
    ("In Process", "SQL"): 22,
    ("Recycled", "ML"): 6,
    ("Recycled", "MQL"): 4,
    ("Dead", "ML"): 8,
    ("Dead", "MQL"): 4,
    ("Dead", "SQL"): 4,
}
STAGES = ["ML", "MQL", "SQL"]
SOURCES = [
    "Web Site",
    "Web Site",
    "Email",
    "Campaign",
    "Trade Show",
    "Conference",
    "Word of mouth",
    "Partner",
    "Public Relations",
    "Direct Mail",
]
STATUS_NOTES = {
    "Dead": [
        ("Kein Budget in diesem Jahr.", "No budget this year."),
        ("Hat sich für einen Mitbewerber entschieden.", "Went with a competitor."),
    ],
    "Recycled": [
        (
            "Später erneut ansprechen, Projekt verschoben.",
            "Reach out again later, project postponed.",
        )
    ],
}


def lead_owner(demo: Demo, status: str, country: str):
    """Who works the lead: new ones wait in marketing, the rest sit with sales."""
    if status == "New":
        return demo.pick_user({"sarah": 3, "admin": 1, "markus": 1})
    if country != "DE":
        return demo.pick_user({"tom": 3, "admin": 1})
    if status in ("Assigned", "In Process"):
        return demo.pick_user({"admin": 2, "lena": 3, "markus": 1})
    return demo.pick_user({"admin": 1, "lena": 1, "markus": 1})


def create_leads(demo: Demo) -> None:
    """Leads in every open and closed status and every stage, some with a history; a lead
    entered twice ends in the trash."""
    rng = demo.rng
    customers = [a for a in demo.records["accounts"] if a.account_type == "Customer"]
    for status, stage in shuffled_plan(demo, PLAN):
        account = rng.choice(customers) if rng.random() < 0.12 else None
        country = demo.countries[account.pk] if account else demo.country()
        company = account.name if account else rng.choice(data.PROSPECTS[country])
        creator = demo.pick_user({"sarah": 3, "jonas": 2})
        owner = lead_owner(demo, status, country)
        lead = new_lead(demo, country, company, stage)
        lead.account = account
        if account:
            lead.lead_source = "Existing Customer"
        walked = (status, stage) != ("New", "ML") and rng.random() < 0.45
        if walked:
            lead.status, lead.lifecycle_stage, lead.assigned_user = "New", "ML", creator
        else:
            lead.status, lead.lifecycle_stage, lead.assigned_user = status, stage, owner
            lead.status_description = status_note(demo, status, owner)
        save_record(lead, actor=creator)
        if walked:
            lead = walk_lead(demo, lead, status, stage, owner, creator)
        demo.records["leads"].append(lead)
    trash_duplicate(demo)


def new_lead(demo: Demo, country: str, company: str, stage: str) -> Lead:
    """An unsaved lead from someone at `company` (status and stage are set by the caller)."""
    rng = demo.rng
    source = rng.choice(SOURCES)
    web = source in ("Web Site", "Email", "Campaign")
    language = "de" if country == "DE" else "en"
    return Lead(
        **person_fields(demo, country, company),
        account_name=company,
        lead_source=source,
        campaign_name=rng.choice(data.CAMPAIGNS) if source in ("Campaign", "Email") else "",
        refered_by=str(rng.choice(demo.records["contacts"])) if source == "Word of mouth" else "",
        website=f"https://www.{company_domain(company)}" if rng.random() < 0.5 else "",
        lawful_basis="consent" if web else "legitimate_interest",
        lawful_basis_source="website" if web else "given_to_user",
        date_reviewed=demo.today - timedelta(days=rng.randint(1, 200)) if web else None,
        opportunity_name=(
            f"{company.split()[0]} – {rng.choice(data.OPPORTUNITY_TOPICS[language])}"
            if stage == "SQL"
            else ""
        ),
        opportunity_amount=Decimal(rng.randint(10, 200) * 500) if stage == "SQL" else None,
    )


def status_note(demo: Demo, status: str, owner) -> str:
    """Why a lead was dropped or put back, in the owner's language."""
    notes = STATUS_NOTES.get(status)
    return demo.says(owner, demo.rng.choice(notes)) if notes else ""


def walk_lead(demo: Demo, lead: Lead, status: str, stage: str, owner, creator) -> Lead:
    """Edit a new ML lead towards its final stage and status, one edit per stage.

    Marketing qualifies (ML → MQL) and hands the lead to sales, sales accepts it (→ SQL); the
    last edit sets the final status.
    """
    steps = STAGES[1 : STAGES.index(stage) + 1] or [stage]
    for position, step in enumerate(steps):
        # Loaded afresh like an edit form does, so the model sees what changed.
        lead = Lead.objects.get(pk=lead.pk)
        last = position == len(steps) - 1
        lead.lifecycle_stage, lead.assigned_user = step, owner
        lead.status = status if last else "Assigned"
        if last:
            lead.status_description = status_note(demo, status, owner)
        save_record(lead, actor=creator if step == "MQL" else owner)
    return lead


def trash_duplicate(demo: Demo) -> None:
    """Jonas enters a new lead a second time; Sarah moves the copy to the trash."""
    jonas, sarah = demo.users["jonas"], demo.users["sarah"]
    original = next(lead for lead in demo.records["leads"] if lead.status == "New")
    duplicate = Lead(
        **{
            f.attname: getattr(original, f.attname)
            for f in Lead._meta.concrete_fields
            if f.editable and not f.primary_key
        },
    )
    duplicate.assigned_user = jonas
    save_record(duplicate, actor=jonas)
    delete_records([duplicate], actor=sarah)
