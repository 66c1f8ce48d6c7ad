"""The demo's targets and leads: the front of the sales funnel, with their history and trash.

Part of the demo CRM built by `kontor.demo.build`. Jonas (lead generation) and Sarah
(marketing) create the records; leads are handed to sales, some move ML → MQL → SQL through
edits so their change log tells that story. Status "Converted" is never set: only a conversion
may set it. One target and one duplicate lead end in the trash.
"""

from datetime import timedelta
from decimal import Decimal

from kontor.core.actions import delete_records, save_record
from kontor.demo import data
from kontor.demo.base import Demo, company_domain
from kontor.leads.models import Lead
from kontor.targets.models import Target

#: How many targets end in each status; one of the dead ones is moved to the trash.
TARGET_PLAN = {"New": 30, "Contacted": 22, "Dead": 9}
#: How many leads end in each (status, lifecycle stage).
LEAD_PLAN = {
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
LEAD_STAGES = ["ML", "MQL", "SQL"]
TARGET_SOURCES = ["Trade Show", "Partner", "Conference", "Cold Call", "Other"]
LEAD_SOURCES = [
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


def person_fields(demo: Demo, country: str, company: str) -> dict:
    """Name, job, e-mail, phones and address of a new person working at `company`."""
    person, place = demo.person(country), demo.place(country)
    return {
        "salutation": person["salutation"],
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        **demo.title(person, country),
        "email1": demo.email(person, company_domain(company)),
        "phone_work": demo.phone(country, place),
        "phone_mobile": demo.phone(country, mobile=True) if demo.rng.random() < 0.4 else "",
        **demo.address("primary_address", country, place),
    }


def shuffled_plan(demo: Demo, plan: dict) -> list:
    items = [key for key, count in plan.items() for _ in range(count)]
    demo.rng.shuffle(items)
    return items


def create_targets(demo: Demo) -> None:
    """Bought and researched contacts; about half of the worked ones were edited later."""
    rng = demo.rng
    for status in shuffled_plan(demo, TARGET_PLAN):
        country = demo.country()
        company = rng.choice(data.PROSPECTS[country])
        owner = demo.pick_user({"jonas": 3, "sarah": 1})
        edited = status != "New" and rng.random() < 0.5
        target = Target(
            **person_fields(demo, country, company),
            account_name=company,
            status="New" if edited else status,
            lead_source=rng.choice(TARGET_SOURCES),
            campaign_name=rng.choice(data.CAMPAIGNS) if rng.random() < 0.3 else "",
            assigned_user=owner,
        )
        save_record(target, actor=owner)
        if edited:
            target = Target.objects.get(pk=target.pk)
            target.status = status
            save_record(target, actor=owner)
        demo.targets.append(target)


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
    """Leads in every open and closed status and every stage, some with a history."""
    rng = demo.rng
    customers = [a for a in demo.accounts if a.account_type == "Customer"]
    for status, stage in shuffled_plan(demo, LEAD_PLAN):
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
        demo.leads.append(lead)


def new_lead(demo: Demo, country: str, company: str, stage: str) -> Lead:
    """An unsaved lead from someone at `company` (status and stage are set by the caller)."""
    rng = demo.rng
    source = rng.choice(LEAD_SOURCES)
    web = source in ("Web Site", "Email", "Campaign")
    language = "de" if country == "DE" else "en"
    return Lead(
        **person_fields(demo, country, company),
        account_name=company,
        lead_source=source,
        campaign_name=rng.choice(data.CAMPAIGNS) if source in ("Campaign", "Email") else "",
        refered_by=str(rng.choice(demo.contacts)) if source == "Word of mouth" else "",
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
    notes = data.LEAD_STATUS_NOTES.get(status)
    return demo.says(owner, demo.rng.choice(notes)) if notes else ""


def walk_lead(demo: Demo, lead: Lead, status: str, stage: str, owner, creator) -> Lead:
    """Edit a new ML lead towards its final stage and status, one edit per stage.

    Marketing qualifies (ML → MQL) and hands the lead to sales, sales accepts it (→ SQL); the
    last edit sets the final status.
    """
    steps = LEAD_STAGES[1 : LEAD_STAGES.index(stage) + 1] or [stage]
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


def trash_records(demo: Demo) -> None:
    """A dead target and a lead entered twice end in the trash (TRASHED in build.py)."""
    jonas, sarah = demo.users["jonas"], demo.users["sarah"]
    dead = next(t for t in demo.targets if t.status == "Dead")
    delete_records([dead], actor=jonas)
    demo.targets.remove(dead)
    original = next(lead for lead in demo.leads if lead.status == "New")
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
