"""The demo's targets: bought and researched contacts at the front of the sales funnel.

The Targets module's demo factory (`TargetModule.demo_factory`), run by `kontor.demo.build`
after accounts and contacts. Jonas (lead generation) and Sarah (marketing) create them; status
"Converted" is never set, only a conversion may set it.
"""

from kontor.core.actions import delete_records, save_record
from kontor.demo import data
from kontor.demo.base import Demo, person_fields, shuffled_plan
from kontor.targets.models import Target

#: How many targets end in each status; one of the dead ones is moved to the trash.
PLAN = {"New": 30, "Contacted": 22, "Dead": 9}
SOURCES = ["Trade Show", "Partner", "Conference", "Cold Call", "Other"]


def create_targets(demo: Demo) -> None:
    """Bought and researched contacts; about half of the worked ones were edited later; one
    dead target ends in the trash."""
    rng = demo.rng
    for status in shuffled_plan(demo, PLAN):
        country = demo.country()
        company = rng.choice(data.PROSPECTS[country])
        owner = demo.pick_user({"jonas": 3, "sarah": 1})
        edited = status != "New" and rng.random() < 0.5
        target = Target(
            **person_fields(demo, country, company),
            account_name=company,
            status="New" if edited else status,
            lead_source=rng.choice(SOURCES),
            campaign_name=rng.choice(data.CAMPAIGNS) if rng.random() < 0.3 else "",
            assigned_user=owner,
        )
        save_record(target, actor=owner)
        if edited:
            target = Target.objects.get(pk=target.pk)
            target.status = status
            save_record(target, actor=owner)
        demo.records["targets"].append(target)
    # One dead target ends in the trash.
    dead = next(t for t in demo.records["targets"] if t.status == "Dead")
    delete_records([dead], actor=demo.users["jonas"])
    demo.records["targets"].remove(dead)
