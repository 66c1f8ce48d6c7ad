"""The demo's opportunities: deals in every sales stage, some walked through earlier stages.

The Opportunities module's demo factory (`OpportunityModule.demo_factory`), run by
`kontor.demo.build` after accounts, contacts and leads; each deal links one to three of its
account's contacts.
"""

from datetime import timedelta
from decimal import Decimal

from kontor.core.actions import save_record
from kontor.demo import data
from kontor.demo.base import Demo, shuffled_plan
from kontor.opportunities.actions import link_contact
from kontor.opportunities.models import Opportunity

#: Account types that buy from us: opportunities are only opened with these.
BUYING_TYPES = ("Customer", "Prospect", "Reseller", "Partner")
NEXT_STEPS = {
    "de": [
        "Angebot nachfassen",
        "Demo vereinbaren",
        "Entscheider einbinden",
        "Vertragsentwurf schicken",
        "Referenzbesuch planen",
    ],
    "en": [
        "Follow up on proposal",
        "Schedule demo",
        "Meet decision maker",
        "Send draft contract",
        "Arrange reference call",
    ],
}
#: How many opportunities end in each sales stage (50 deals).
OPPORTUNITY_PLAN = {
    "Prospecting": 6,
    "Qualification": 5,
    "Needs Analysis": 5,
    "Value Proposition": 4,
    "Id. Decision Makers": 4,
    "Perception Analysis": 4,
    "Proposal/Price Quote": 6,
    "Negotiation/Review": 5,
    "Closed Won": 7,
    "Closed Lost": 4,
}
STAGES = list(OPPORTUNITY_PLAN)
ROLES = [
    "Business Decision Maker",
    "Business Evaluator",
    "Technical Decision Maker",
    "Technical Evaluator",
    "Executive Sponsor",
    "Influencer",
    "Other",
]


def create_opportunities(demo: Demo) -> None:
    """Deals in every sales stage; some are walked through earlier stages first."""
    buyers = [a for a in demo.records["accounts"] if a.account_type in BUYING_TYPES]
    for stage in shuffled_plan(demo, OPPORTUNITY_PLAN):
        account = demo.rng.choice(buyers)
        opportunity, path = new_opportunity(demo, account, stage), stage_path(demo, stage)
        final_close = opportunity.date_closed
        if len(path) > 1:
            opportunity.sales_stage = path[0]
            opportunity.date_closed = demo.today + timedelta(days=demo.rng.randint(20, 60))
        save_record(opportunity, actor=account.assigned_user)
        link_contacts(demo, opportunity, account)
        if len(path) > 1:
            opportunity = advance(demo, opportunity, path[1:], final_close)
        demo.records["opportunities"].append(opportunity)


def stage_path(demo: Demo, stage: str) -> list[str]:
    """The stages an opportunity went through to reach `stage`, first to last."""
    index = STAGES.index(stage)
    if stage == "Closed Won":
        return ["Negotiation/Review", stage]
    if stage == "Closed Lost":
        return [STAGES[demo.rng.randint(1, 6)], stage]
    if index == 0 or demo.rng.random() >= 0.35:
        return [stage]
    return STAGES[max(0, index - demo.rng.randint(1, 3)) : index + 1]


def new_opportunity(demo: Demo, account, stage: str) -> Opportunity:
    """An unsaved opportunity of `account`, closing around today (closed ones in the past)."""
    rng, owner = demo.rng, account.assigned_user
    country = demo.countries[account.pk]
    language = "de" if country == "DE" else "en"
    if stage.startswith("Closed"):
        close_in = -rng.randint(3, 120)
    else:
        close_in = rng.randint(7, 150) if rng.random() < 0.9 else -rng.randint(1, 14)
    short = " ".join(w for w in account.name.split() if w not in data.LEGAL_FORMS)
    return Opportunity(
        name=f"{short} – {rng.choice(data.OPPORTUNITY_TOPICS[language])}",
        account=account,
        assigned_user=owner,
        sales_stage=stage,
        amount=Decimal(rng.randint(8, 400) * 500),
        currency=data.CURRENCIES[country],
        date_closed=demo.today + timedelta(days=close_in),
        opportunity_type=(
            "Existing Business" if account.account_type == "Customer" else "New Business"
        ),
        lead_source=rng.choice(
            ["Existing Customer", "Web Site", "Trade Show", "Partner", "Cold Call", "Campaign"]
        ),
        next_step=(
            "" if stage.startswith("Closed") else rng.choice(NEXT_STEPS[demo.language_of(owner)])
        ),
    )


def advance(demo: Demo, opportunity: Opportunity, stages: list[str], final_close) -> Opportunity:
    """Edit the opportunity stage by stage, as its owner would; the stage fills probability."""
    for stage in stages:
        # Loaded afresh like an edit form does, so the model sees what changed.
        opportunity = Opportunity.objects.get(pk=opportunity.pk)
        opportunity.sales_stage = stage
        if stage == "Proposal/Price Quote" and demo.rng.random() < 0.5:
            opportunity.amount = (opportunity.amount * Decimal("0.9")).quantize(Decimal(1))
        if stage == stages[-1]:
            opportunity.date_closed = final_close
        save_record(opportunity, actor=opportunity.assigned_user)
    return opportunity


def link_contacts(demo: Demo, opportunity: Opportunity, account) -> None:
    """One to three of the account's contacts, the first as primary decision maker."""
    people = [c for c in demo.records["contacts"] if c.account_id == account.pk]
    chosen = demo.rng.sample(people, k=min(len(people), demo.rng.randint(1, 3)))
    roles = ["Primary Decision Maker", *demo.rng.sample(ROLES, k=len(ROLES))]
    for contact, role in zip(chosen, roles, strict=False):
        link_contact(opportunity, contact, role, actor=opportunity.assigned_user)
