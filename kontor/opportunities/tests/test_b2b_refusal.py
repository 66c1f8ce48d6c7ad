"""The B2B refusal as a user sees it on the opportunity form: one message, once."""

from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests import test_opportunities as base


def test_an_opportunity_without_account_is_refused_with_one_message(rep_client):
    data = {**base.TestOpportunityModule().valid_data(), "account": ""}
    response = rep_client.post("/opportunities/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["account"] == [base.NEEDS_ACCOUNT]
    assert response.content.decode().count(base.NEEDS_ACCOUNT) == 1
    assert not Opportunity.objects.exists()
