"""What follows an opportunity's stage: the forecast category (like the probability, unless
the user set it in the same edit) and the time it entered the stage ("days in stage")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kontor.core import dropdowns
from kontor.core.actions import mass_update, save_record
from kontor.core.models import DropdownValue
from kontor.core.testing import log_of
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def fetch(opportunity) -> Opportunity:
    return Opportunity.objects.get(pk=opportunity.pk)


def test_a_new_opportunity_gets_its_stages_category_and_enters_the_stage_now(rep):
    before = timezone.now()
    opportunity = fetch(OpportunityFactory(actor=rep, sales_stage="Value Proposition"))
    assert opportunity.forecast_category == "best_case"
    assert before <= opportunity.stage_entered <= timezone.now()


def test_a_category_chosen_on_create_is_kept(rep):
    opportunity = OpportunityFactory(
        actor=rep, sales_stage="Prospecting", forecast_category="commit"
    )
    assert fetch(opportunity).forecast_category == "commit"


def test_a_stage_change_moves_the_category_and_restarts_the_time_in_stage(rep):
    opportunity = fetch(OpportunityFactory(actor=rep))
    entered = opportunity.stage_entered
    opportunity.sales_stage = "Negotiation/Review"
    save_record(opportunity, actor=rep)
    saved = fetch(opportunity)
    assert saved.forecast_category == "commit"
    assert saved.stage_entered > entered
    assert ("forecast_category", "pipeline", "commit") in [
        row[1:] for row in log_of(opportunity, "update")
    ]


def test_a_category_overridden_in_the_same_edit_wins_over_the_stage(rep):
    opportunity = fetch(OpportunityFactory(actor=rep))
    opportunity.sales_stage = "Negotiation/Review"
    opportunity.forecast_category = "best_case"
    save_record(opportunity, actor=rep)
    assert fetch(opportunity).forecast_category == "best_case"


def test_an_edit_that_keeps_the_stage_keeps_its_time_and_an_overridden_category(rep):
    opportunity = fetch(OpportunityFactory(actor=rep))
    opportunity.forecast_category = "omitted"
    save_record(opportunity, actor=rep)
    entered = fetch(opportunity).stage_entered
    opportunity = fetch(opportunity)
    opportunity.name = "Renamed"
    save_record(opportunity, actor=rep)
    saved = fetch(opportunity)
    assert (saved.forecast_category, saved.stage_entered) == ("omitted", entered)


def test_the_category_follows_the_mapping_an_admin_changed(rep):
    DropdownValue.objects.filter(dropdown__name="sales_stage_dom", key="Qualification").update(
        extra={"probability": 20, "forecast_category": "best_case"}
    )
    dropdowns.invalidate()
    opportunity = fetch(OpportunityFactory(actor=rep))
    opportunity.sales_stage = "Qualification"
    save_record(opportunity, actor=rep)
    assert fetch(opportunity).forecast_category == "best_case"


def test_a_mass_update_of_the_stage_moves_category_and_time(admin):
    old = timezone.now() - timedelta(days=30)
    opportunity = OpportunityFactory(actor=admin)
    Opportunity.objects.filter(pk=opportunity.pk).update(stage_entered=old)
    mass_update(
        Opportunity.objects.filter(pk=opportunity.pk), {"sales_stage": "Closed Won"}, actor=admin
    )
    saved = fetch(opportunity)
    assert saved.forecast_category == "closed"
    assert saved.stage_entered > old
