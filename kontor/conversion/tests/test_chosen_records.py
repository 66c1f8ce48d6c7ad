"""An existing record chosen in a lead conversion stays as it was: it keeps its teams (the
records the conversion creates join the lead's, and that change is logged), and its page says it
was chosen in the conversion, not converted from the lead."""

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.actions import convert_lead
from kontor.conversion.tests.pages import convert_url, lead_form, with_parts
from kontor.core.models import ChangeLog
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import create_user
from kontor.users.models import Team

pytestmark = pytest.mark.django_db


def person(name, teams, language="en"):
    user = create_user(name, password=f"pw-{name}-12345!", roles=["sales_manager"], teams=teams)
    user.profile.language = language
    user.profile.save()
    return user


def team_names(record) -> set[str]:
    return set(record.teams.values_list("name", flat=True))


def team_log(record) -> list[tuple[str, str]]:
    return list(
        ChangeLog.objects.filter(record_id=record.pk, field="teams").values_list(
            "old_value", "new_value"
        )
    )


@pytest.fixture
def setup(db):
    nord, sued = Team.objects.create(name="Nord"), Team.objects.create(name="Süd")
    marketer, closer = person("marketer", [nord]), person("closer", [sued], "de")
    account = AccountFactory(actor=closer, name="Grow-Fast Inc")
    contact = ContactFactory(actor=closer, first_name="Lena", last_name="Vogel", account=account)
    lead = LeadFactory(
        actor=marketer, first_name="Lena", last_name="Vogel", account_name="Grow-Fast Inc"
    )
    return lead, account, contact, closer


def test_a_chosen_account_keeps_its_teams_and_new_records_log_theirs(setup):
    lead, account, _contact, closer = setup
    result = convert_lead(lead, actor=closer, account=account, new_contact={})
    assert team_names(account) == {"Süd"}
    assert team_log(account) == []
    assert team_names(result.contact) == {"Nord", "Süd"}
    assert team_log(result.contact) == [("Süd", "Nord, Süd")]


def test_a_chosen_contact_keeps_its_teams(setup):
    lead, account, contact, closer = setup
    result = convert_lead(lead, actor=closer, contact=contact, account=account)
    assert result.contact == contact
    assert team_names(contact) == {"Süd"} and team_log(contact) == []


def test_the_pre_selected_account_is_chosen_not_converted_in_german(client, setup):
    lead, account, _contact, closer = setup
    client.force_login(closer)
    data = lead_form(client, lead, **with_parts(), **{"contact-choice": "new"})
    assert data["account-choice"] == str(account.pk)  # the suggestion, pre-selected
    assert client.post(convert_url(lead), data).status_code == 302
    assert team_names(account) == {"Süd"} and team_log(account) == []
    page = client.get(account.get_absolute_url()).content.decode()
    assert "Bei der Umwandlung von Interessent" in page
    assert "Umgewandelt aus" not in page
    lead.refresh_from_db()
    contact_page = client.get(lead.contact.get_absolute_url()).content.decode()
    assert "Umgewandelt aus Interessent" in contact_page
