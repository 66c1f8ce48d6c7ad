"""Builds the demo CRM of `manage.py demo`: the team and a few hundred linked records.

For people trying Kontor (`make run` on a fresh database) and for screenshots and manual tests.
Every record is written through the actions (`save_record`, `save_with_invitees`,
`complete_task`, `delete_records`) as a member of the team, so audit fields, search text and
the change log are what real use produces; some records are edited after creation (a lead's
stage, an opportunity's sales stage) so they have a history. The same seed gives the same data;
dates are relative to the moment the demo is built.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.core.context import origin
from kontor.core.permissions import join_teams
from kontor.demo import data
from kontor.demo.activities import create_activities
from kontor.demo.base import Demo, company_domain
from kontor.demo.prospects import create_leads, create_targets, trash_records
from kontor.leads.models import Lead
from kontor.opportunities.actions import link_contact
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target
from kontor.users.actions import create_user, update_profile
from kontor.users.models import Team

SEED = 4711

#: Records the demo leaves alive, per model.
COUNTS = {
    Account: 40,
    Contact: 120,
    Target: 60,
    Lead: 120,
    Opportunity: 50,
    Call: 70,
    Meeting: 40,
    Task: 70,
    Note: 50,
}
#: Records created on top of COUNTS and moved to the trash.
TRASHED = {Target: 1, Lead: 1}

#: How many opportunities end in each sales stage (sums to COUNTS[Opportunity]).
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


def build_demo(seed: int = SEED, now: datetime | None = None) -> Demo:
    """Create the admin login, the team and the demo records in one transaction."""
    with origin("job:demo"), transaction.atomic():
        demo = Demo(random.Random(seed), now or timezone.now())
        create_team(demo)
        create_accounts(demo)
        create_contacts(demo)
        create_targets(demo)
        create_leads(demo)
        create_opportunities(demo)
        create_activities(demo, COUNTS)
        trash_records(demo)
        join_owner_teams()
    return demo


def create_team(demo: Demo) -> None:
    """admin / admin (Ada Admin) and the people of data.TEAM, with their preset role, team,
    language and time zone."""
    admin = create_user(
        "admin",
        password="admin",
        first_name="Ada",
        last_name="Admin",
        email="admin@kontor.example",
        is_superuser=True,
    )
    demo.users["admin"], demo.languages[admin.pk] = admin, "en"
    teams = {}
    for username, first_name, last_name, role, team, language, time_zone in data.TEAM:
        if team not in teams:
            teams[team] = Team.objects.get_or_create(name=team)[0]
        user = create_user(
            username,
            password=data.TEAM_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            language=language,
            roles=[role],
            teams=[teams[team]],
            email=f"{first_name}.{last_name}@kontor.example".lower(),
        )
        if time_zone != settings.TIME_ZONE:
            update_profile(user, language=language, time_zone=time_zone, actor=admin)
        demo.users[username], demo.languages[user.pk] = user, language


def join_owner_teams() -> None:
    """Records the admin created for a team member join that member's team too, as if the
    member had created them, so Team-scope roles see a realistic share of the demo."""
    for model in (Target, Lead, Contact, Account, Opportunity, Call, Meeting, Task, Note):
        for team in Team.objects.prefetch_related("members"):
            ids = list(
                model.with_deleted.filter(assigned_user__in=team.members.all()).values_list(
                    "pk", flat=True
                )
            )
            join_teams(model, ids, [team.pk])


def account_owner(demo: Demo, country: str):
    """German accounts belong to the German sales team, the others mostly to Tom."""
    if country == "DE":
        return demo.pick_user({"admin": 4, "markus": 2, "lena": 4})
    return demo.pick_user({"admin": 1, "tom": 3})


def revenue(employees: int, country: str, rng: random.Random) -> str:
    """Annual revenue as a finance person would write it, in line with the head count."""
    millions = employees * rng.randint(90, 260) / 1000
    if country == "DE":
        return f"{millions:.1f} Mio. €".replace(".", ",", 1)
    return f"{'£' if country == 'GB' else '$'}{millions:.1f}m"


def create_accounts(demo: Demo) -> None:
    """The companies of data.ACCOUNTS, members after their parents; a few change type later."""
    rng, by_name = demo.rng, {}
    for name, industry, account_type, country, parent in data.ACCOUNTS:
        owner, place = account_owner(demo, country), demo.place(country)
        domain = company_domain(name)
        employees = rng.choice([12, 45, 80, 150, 320, 800, 2400, 12000])
        # Prospects that became customers: created as prospects, changed below.
        won = account_type == "Customer" and rng.random() < 0.2
        account = Account(
            name=name,
            industry=industry,
            account_type="Prospect" if won else account_type,
            parent=by_name.get(parent),
            assigned_user=owner,
            website=f"https://www.{domain}",
            email1=f"info@{domain}",
            phone_office=demo.phone(country, place),
            phone_fax=demo.phone(country, place) if rng.random() < 0.4 else "",
            employees=str(employees),
            annual_revenue=revenue(employees, country, rng),
            ownership=rng.choice(data.OWNERSHIP[country]),
            rating=rng.choice(["A", "B", "B", "C"]),
            **demo.address("billing_address", country, place),
            **demo.address("shipping_address", country, place),
        )
        save_record(account, actor=owner)
        if won:
            account = Account.objects.get(pk=account.pk)
            account.account_type = account_type
            save_record(account, actor=owner)
        demo.countries[account.pk] = country
        by_name[name] = account
        demo.accounts.append(account)


def create_contacts(demo: Demo) -> None:
    """Two or more people per account; the first is the boss, some others report to them."""
    rng, total = demo.rng, COUNTS[Contact]
    sizes = [2] * len(demo.accounts)
    for _ in range(total - sum(sizes)):
        sizes[rng.randrange(len(sizes))] += 1
    for account, size in zip(demo.accounts, sizes, strict=True):
        boss = None
        for position in range(size):
            contact = new_contact(demo, account, boss=position == 0)
            if position and rng.random() < 0.5:
                contact.reports_to = boss
            save_record(contact, actor=account.assigned_user)
            boss = boss or contact
            demo.contacts.append(contact)


def new_contact(demo: Demo, account: Account, boss: bool) -> Contact:
    """An unsaved contact of `account`, living in the account's country."""
    rng, country = demo.rng, demo.countries[account.pk]
    person = demo.person(country)
    contact = Contact(
        account=account,
        assigned_user=account.assigned_user,
        salutation=person["salutation"],
        first_name=person["first_name"],
        last_name=person["last_name"],
        **demo.title(person, country, boss=boss),
        email1=demo.email(person, company_domain(account.name)),
        phone_work=demo.phone(country, demo.place(country, account.billing_address_city)),
        lead_source=rng.choice(
            ["Existing Customer", "Trade Show", "Web Site", "Partner", "Word of mouth"]
        ),
        phone_mobile=demo.phone(country, mobile=True) if rng.random() < 0.6 else "",
        birthdate=(
            demo.today - timedelta(days=rng.randint(27 * 365, 62 * 365))
            if rng.random() < 0.2
            else None
        ),
        lawful_basis="contract" if account.account_type == "Customer" else "",
        email_opt_out=rng.random() < 0.05,
        do_not_call=rng.random() < 0.03,
        **{
            key.replace("billing", "primary"): getattr(account, key)
            for key in (
                "billing_address_street",
                "billing_address_city",
                "billing_address_postalcode",
                "billing_address_state",
                "billing_address_country",
            )
        },
    )
    return contact


def create_opportunities(demo: Demo) -> None:
    """Deals in every sales stage; some are walked through earlier stages first."""
    buyers = [a for a in demo.accounts if a.account_type in data.BUYING_TYPES]
    plan = [stage for stage, count in OPPORTUNITY_PLAN.items() for _ in range(count)]
    demo.rng.shuffle(plan)
    for stage in plan:
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
        demo.opportunities.append(opportunity)


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


def new_opportunity(demo: Demo, account: Account, stage: str) -> Opportunity:
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
            ""
            if stage.startswith("Closed")
            else rng.choice(data.NEXT_STEPS[demo.language_of(owner)])
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


def link_contacts(demo: Demo, opportunity: Opportunity, account: Account) -> None:
    """One to three of the account's contacts, the first as primary decision maker."""
    people = [c for c in demo.contacts if c.account_id == account.pk]
    chosen = demo.rng.sample(people, k=min(len(people), demo.rng.randint(1, 3)))
    roles = ["Primary Decision Maker", *demo.rng.sample(ROLES, k=len(ROLES))]
    for contact, role in zip(chosen, roles, strict=False):
        link_contact(opportunity, contact, role, actor=opportunity.assigned_user)
