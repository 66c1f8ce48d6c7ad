"""Accounts: the standard module tests plus the "member of" hierarchy."""

import pytest
from django.core.exceptions import ValidationError

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.core.actions import save_record
from kontor.core.testing import (
    Invalid,
    RecordModuleTests,
    form_data,
    log_of,
    whole_page,
)

LOOP = "An account cannot be a member of itself."


class TestAccountModule(RecordModuleTests):
    module_slug = "accounts"
    factory = AccountFactory
    edit = ("name", "Fjord Renamed GmbH")
    invalid_cases = [
        Invalid("missing-name", {"name": None}, "name", "This field is required."),
        Invalid("blank-name", {"name": "   "}, "name", "This field is required."),
        Invalid("bad-email", {"email1": "info@"}, "email1", "Enter a valid email address."),
        Invalid(
            "too-long-name",
            {"name": "x" * 151},
            "name",
            "Ensure this value has at most 150 characters (it has 151).",
        ),
        Invalid(
            "unknown-industry",
            {"industry": "Mining"},
            "industry",
            "Select a valid choice. Mining is not one of the available choices.",
        ),
        Invalid(
            "bad-phone", {"phone_office": "call me"}, "phone_office", "Enter a valid phone number."
        ),
        Invalid("bad-website", {"website": "not a url"}, "website", "Enter a valid URL."),
    ]

    def valid_data(self):
        return {
            "name": "Fjord Maschinenbau GmbH",
            "account_type": "Customer",
            "industry": "Machinery",
            "website": "https://fjord.example",
            "email1": "info@fjord.example",
            "phone_office": "+49 30 1234567",
            "billing_address_city": "Berlin",
            "billing_address_postalcode": "10115",
            "parent": str(AccountFactory().pk),
            "description": "Mittelstand, 250 people.",
        }

    def mass_update_value(self, other_user):
        return "industry", "Banking"


@pytest.fixture
def chain(rep):
    """holding ← division ← team: each the member of the one before."""
    holding = AccountFactory(name="Holding", actor=rep)
    division = AccountFactory(name="Division", parent=holding, actor=rep)
    team = AccountFactory(name="Team", parent=division, actor=rep)
    return holding, division, team


def test_an_account_may_be_a_member_of_a_member(chain):
    holding, division, team = chain
    assert Account.objects.get(pk=team.pk).parent.parent == holding
    assert list(holding.members.all()) == [division]


def test_an_account_cannot_be_a_member_of_itself(chain, rep):
    holding, _division, _team = chain
    holding = Account.objects.get(pk=holding.pk)
    holding.parent = holding
    with pytest.raises(ValidationError) as refused:
        save_record(holding, actor=rep)
    assert refused.value.message_dict == {"parent": [LOOP]}
    assert Account.objects.get(pk=holding.pk).parent is None
    assert log_of(holding, "update") == []


def test_a_loop_through_the_hierarchy_is_refused_in_the_form(chain, rep_client):
    holding, _division, team = chain
    url = f"/accounts/{holding.pk}/edit/"
    data = form_data(rep_client.get(url).context["form"])
    data["parent"] = str(team.pk)
    response = rep_client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["parent"] == [LOOP]
    assert Account.objects.get(pk=holding.pk).parent is None
    assert log_of(holding, "update") == []


def test_the_account_page_lists_its_members(chain, rep_client):
    holding, division, team = chain
    response = whole_page(rep_client, f"/accounts/{holding.pk}/")
    panel = next(s for s in response.context["subpanels"] if s["module"].slug == "accounts")
    assert [row["pk"] for row in panel["rows"]] == [division.pk]
    assert panel["all_url"] == f"/accounts/?parent={holding.pk}"
    listed = rep_client.get(panel["all_url"]).context["rows"]
    assert [row["pk"] for row in listed] == [division.pk]
    assert team.pk not in {row["pk"] for row in listed}
