"""The small lists outside the record lists (the My Day dashboard, an opportunity's contacts,
a conversion's duplicate suggestions) never name a linked account the reader may not see: they
show "(not available)" as the lists do."""

import pytest

from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.tests.pages import convert_url
from kontor.core import registry
from kontor.core.tests.hidden_links import SECRET
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.actions import link_contact
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
NOT_AVAILABLE = "(not available)"


def test_my_day_does_not_name_the_hidden_account_of_an_own_opportunity(sven_client, w):
    OpportunityFactory(name="Großauftrag", account=w.secret, assigned_user=w.sven, actor=w.sven)
    html = sven_client.get("/dashboards/widgets/opportunities/").content.decode()
    assert "Großauftrag" in html and SECRET not in html and NOT_AVAILABLE in html


def test_an_opportunitys_contacts_do_not_name_a_hidden_account(sven_client, w):
    opportunity = OpportunityFactory(account=w.visible, assigned_user=w.sven, actor=w.sven)
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    link_contact(opportunity, contact, actor=w.sven)
    html = sven_client.get(registry.get("opportunities").url("detail", opportunity.pk))
    html = html.content.decode()
    assert "Krüger" in html and SECRET not in html and NOT_AVAILABLE in html


def test_a_conversion_suggestion_does_not_name_a_hidden_account(sven_client, w):
    ContactFactory(
        first_name="Eva",
        last_name="Krüger",
        email1="eva@example.org",
        account=w.secret,
        actor=w.sven,
    )
    lead = LeadFactory(
        first_name="Eva", last_name="Krüger", email1="eva@example.org", assigned_user=w.sven
    )
    html = sven_client.get(convert_url(lead)).content.decode()
    assert "eva@example.org" in html and SECRET not in html and NOT_AVAILABLE in html
