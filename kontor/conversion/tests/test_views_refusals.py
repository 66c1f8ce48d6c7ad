"""The lead conversion page's refusals: a second conversion, a record the user may not see
(suggested or picked), invalid values in each part, B2B without an account, no right to create
contacts, a lead in the trash. Each refusal asserts that nothing at all was written.
"""

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.actions import convert_lead
from kontor.conversion.tests.pages import convert_url, lead_form, snapshot
from kontor.core.actions import delete_records


def test_b2b_needs_an_account(rep_client, lead):
    data = lead_form(rep_client, lead, **{"account-choice": "none"})
    before = snapshot(lead)
    response = rep_client.post(convert_url(lead), data)
    assert response.status_code == 400
    errors = response.context["conversion"].account.errors
    assert errors["choice"] == ["Converting a lead needs an account (B2B mode)."]
    assert snapshot(lead) == before


def test_a_second_conversion_is_refused_with_a_link_to_the_contact(rep_client, rep, lead):
    data = lead_form(rep_client, lead)
    contact = convert_lead(lead, actor=rep, new_contact={}, new_account={}).contact
    page = rep_client.get(convert_url(lead))
    assert page.status_code == 200 and "conversion" not in page.context
    before = snapshot(lead, contact)

    response = rep_client.post(convert_url(lead), data)

    assert response.status_code == 409
    html = response.content.decode()
    for shown in (page, response):
        assert "This lead was already converted." in shown.content.decode()
        assert f'href="{contact.get_absolute_url()}"' in shown.content.decode()
    assert 'id="convert-lead-form"' not in html
    assert snapshot(lead, contact) == before


def test_a_refusal_does_not_link_a_contact_the_user_may_not_see(rep_client, rep, lead):
    contact = convert_lead(lead, actor=rep, new_contact={}, new_account={}).contact
    delete_records([contact], actor=rep)
    response = rep_client.get(convert_url(lead))
    assert "This lead was already converted." in response.content.decode()
    assert contact.get_absolute_url() not in response.content.decode()


@pytest.mark.parametrize("part", ["contact", "account"])
@pytest.mark.parametrize("how", ["suggestion", "picker"])
def test_a_forged_record_the_user_may_not_see_is_refused(rep_client, rep, lead, part, how):
    hidden = (ContactFactory if part == "contact" else AccountFactory)(actor=rep)
    data = lead_form(rep_client, lead)
    delete_records([hidden], actor=rep)
    before = snapshot(lead, hidden)
    if how == "suggestion":
        data[f"{part}-choice"] = str(hidden.pk)
    else:
        data.update({f"{part}-choice": "other", f"{part}-other": str(hidden.pk)})

    response = rep_client.post(convert_url(lead), data)

    assert response.status_code == 400
    field = "choice" if how == "suggestion" else "other"
    errors = response.context["conversion"].parts[part].errors
    assert errors[field] == [
        f"Choose {'a contact' if part == 'contact' else 'an account'} you can see."
    ]
    assert f'data-error-for="{part}-{field}"' in response.content.decode()
    assert snapshot(lead, hidden) == before


INVALID = [
    # (changes, part, field, message): the first two the form finds, the others the action.
    ({"contact-last_name": ""}, "contact", "last_name", "This field is required."),
    ({"opportunity-amount": "viel"}, "opportunity", "amount", "Enter a number."),
    (
        {"call-create": "on", "call-duration_minutes": "5000"},
        "call",
        "duration_minutes",
        "Ensure this value is less than or equal to 1440.",
    ),
    ({"contact-phone_work": "call me"}, "contact", "phone_work", "Enter a valid phone number."),
    ({"account-name": ""}, "account", "name", "This field is required."),
    ({"task-create": "on", "task-name": ""}, "task", "name", "This field is required."),
]


@pytest.mark.parametrize(
    ("changes", "part", "field", "message"), INVALID, ids=[f"{p}-{f}" for _c, p, f, _m in INVALID]
)
def test_invalid_values_answer_400_on_the_field_and_save_nothing(
    rep_client, lead, changes, part, field, message
):
    data = lead_form(rep_client, lead, **changes)
    before = snapshot(lead)

    response = rep_client.post(convert_url(lead), data)

    assert response.status_code == 400
    conversion = response.context["conversion"]
    assert message in conversion.parts[part].errors[field]
    html = response.content.decode()
    assert f'data-error-for="{part}-{field}"' in html
    assert "Nothing was saved." in html
    assert snapshot(lead) == before
    # What was typed is kept for correcting it.
    assert conversion.parts[part][field].value() == data[f"{part}-{field}"]


def test_without_permission_to_create_contacts_nothing_happens(rep_client, client, lead):
    from kontor.users.actions import create_user
    from kontor.users.models import Role

    data = lead_form(rep_client, lead)
    before = snapshot(lead)
    leads_only = Role.objects.create(
        name="Leads only",
        grants={"leads": dict.fromkeys(("access", "view", "list", "edit"), "all")},
    )
    client.force_login(create_user("lisa", password="pw-lisa-12345!", roles=[leads_only]))
    # The lead is editable, but converting creates a contact, which this role may not.
    assert client.get(lead.get_absolute_url()).status_code == 200
    assert client.get(convert_url(lead)).status_code == 404
    assert client.post(convert_url(lead), data).status_code == 404
    assert snapshot(lead) == before


def test_a_lead_in_the_trash_is_not_found(rep_client, rep, lead):
    data = lead_form(rep_client, lead)
    delete_records([lead], actor=rep)
    before = snapshot(lead)
    assert rep_client.get(convert_url(lead)).status_code == 404
    assert rep_client.post(convert_url(lead), data).status_code == 404
    assert snapshot(lead) == before
