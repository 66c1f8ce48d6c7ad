"""Builds the demo CRM of `manage.py demo`: the team and a few hundred linked records.

For people trying Kontor (`make run` on a fresh database) and for screenshots and manual tests.
The team is made here; the records come from each registered module's demo factory
(`Module.demo(context)`, declared as `demo_factory`), in `demo_order`, so accounts come before
the contacts, deals and activities that hang off them. Every record is written through the
actions (`save_record`, `save_with_invitees`, `complete_task`, `delete_records`) as a member of
the team, so audit fields, search text and the change log are what real use produces. The same
seed gives the same data; dates are relative to the moment the demo is built.
"""

import random
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kontor.core import registry
from kontor.core.context import origin
from kontor.core.permissions import join_teams
from kontor.currencies.actions import import_rates
from kontor.currencies.models import ExchangeRate
from kontor.demo import data
from kontor.demo.base import Demo
from kontor.users.actions import create_user, update_profile
from kontor.users.models import Team

SEED = 4711


def build_demo(seed: int = SEED, now: datetime | None = None) -> Demo:
    """Create the admin login, the team and every module's demo records in one transaction."""
    with origin("job:demo"), transaction.atomic():
        demo = Demo(random.Random(seed), now or timezone.now())
        create_team(demo)
        create_rates(demo)
        for module in sorted(registry.modules(), key=lambda m: m.get_demo_order()):
            module.demo(demo)
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


#: Around what one euro bought of the demo's other currencies; each month's rate is near it.
RATES = {"USD": Decimal("1.08"), "GBP": Decimal("0.85")}


def create_rates(demo: Demo, months: int = 18) -> None:
    """A rate from the first of each of the last `months` months for the currencies the demo's
    deals use besides the euro, imported as an admin would, before any deal is made."""
    rng = random.Random("kontor-demo-rates")  # apart from demo.rng: the records stay as they were
    first = demo.today.replace(day=1)
    days = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        days.append(date(year, month + 1, 1))
    rates = [
        ExchangeRate(
            currency_id=code,
            valid_from=day,
            rate=(around * Decimal(1 + rng.uniform(-0.03, 0.03))).quantize(Decimal("0.0001")),
        )
        for code, around in RATES.items()
        for day in days
    ]
    import_rates(rates, actor=demo.users["admin"], file_name="demo")


def join_owner_teams() -> None:
    """Records the admin created for a team member join that member's team too, as if the
    member had created them, so Team-scope roles see a realistic share of the demo."""
    teams = list(Team.objects.prefetch_related("members"))
    for module in registry.modules():
        for team in teams:
            ids = list(
                module.model.with_deleted.filter(assigned_user__in=team.members.all()).values_list(
                    "pk", flat=True
                )
            )
            join_teams(module.model, ids, [team.pk])
