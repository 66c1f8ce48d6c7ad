"""The lead conversion page as a user meets it: pre-filled from the lead, duplicates suggested,
every choice of the form going through the view once (new, suggested or other contact; new,
suggested, other or no account; with or without opportunity and each activity; move, copy or
leave the activities), and what the page costs. Its refusals are in test_views_refusals.py,
the target's page in test_views_target.py.
"""

from decimal import Decimal

import pytest

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.activities.tests.factories import CallFactory, NoteFactory
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.actions import convert_lead
from kontor.conversion.tests.pages import convert_url, lead_form, messages_of, with_parts
from kontor.core.testing import count_queries
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.models import Opportunity, OpportunityContact

#: Queries of the lead conversion page at most (session, user, lead, dropdowns, and one small
#: query per kind of duplicate match — e-mail, phone, name; company name, web domain — of
#: which the later ones are skipped once the earlier fill the suggestions).
CONVERT_PAGE_QUERIES = 11  # 10 + the user's roles (read once per request)


def test_the_form_is_prefilled_from_the_lead(rep_client, lead):
    response = rep_client.get(convert_url(lead))
    assert response.status_code == 200
    conversion = response.context["conversion"]
    assert conversion.contact["last_name"].value() == "Lorenz"
    assert conversion.contact["email1"].value() == "lena@lorenz-logistik.example"
    assert conversion.contact["choice"].value() == "new"
    assert conversion.account["name"].value() == "Lorenz Logistik GmbH"
    assert conversion.account["website"].value() == "https://lorenz-logistik.example"
    assert conversion.opportunity["name"].value() == "Interesse Produkt A"
    assert conversion.opportunity["amount"].value() == Decimal("2500.00")
    assert conversion.opportunity["sales_stage"].value() == "Qualification"  # early policy
    assert conversion.opportunity.creates()
    assert not conversion.call.creates() and conversion.call["duration_minutes"].value() == 15
    assert conversion.call["status"].value() == "Held"
    assert conversion.hand_over["activities"].value() == "move"
    html = response.content.decode()
    assert 'name="account-choice" value="none"' not in html  # B2B: an account is required
    assert "Interesse Produkt A" in html and 'id="convert-lead-form"' in html


def test_the_late_policy_proposes_a_won_opportunity(rep_client, lead, settings):
    settings.KONTOR_CONVERSION_POLICY = "late"
    conversion = rep_client.get(convert_url(lead)).context["conversion"]
    assert conversion.opportunity["sales_stage"].value() == "Closed Won"


def test_duplicates_are_suggested_first_with_what_matched(rep_client, rep, lead):
    same_mail = ContactFactory(
        actor=rep,
        first_name="L.",
        last_name="Lorenz-Meyer",
        email1="lena@lorenz-logistik.example",
        phone_work="",
    )
    same_name = ContactFactory(
        actor=rep, first_name="Lena", last_name="Lorenz", email1="other@example.com", phone_work=""
    )
    ContactFactory(actor=rep, first_name="Lena", last_name="Anders")  # no match
    firm = AccountFactory(actor=rep, name="Lorenz Logistik AG")
    response = rep_client.get(convert_url(lead))
    conversion = response.context["conversion"]
    assert {c: r for c, r in conversion.contact_suggestions} == {
        same_mail: ["same email"],
        same_name: ["same name"],
    }
    assert conversion.account_suggestions == [(firm, ["same name"])]
    html = response.content.decode()
    assert html.index(f'value="{same_mail.pk}"') < html.index('id="contact-choice-new"')
    assert html.index(f'value="{firm.pk}"') < html.index('id="account-choice-new"')
    # The best match is proposed, so the common case is one click; creating is one choice away.
    assert conversion.contact["choice"].value() == str(same_mail.pk)
    assert conversion.account["choice"].value() == str(firm.pk)


CONTACT_CHOICES = ("new", "suggested", "other")
ACCOUNT_CHOICES = ("new", "suggested", "other", "none")


@pytest.mark.parametrize("account_choice", ACCOUNT_CHOICES)
@pytest.mark.parametrize("contact_choice", CONTACT_CHOICES)
def test_contact_and_account_choices(
    rep_client, rep, lead, settings, contact_choice, account_choice
):
    if account_choice == "none":
        settings.KONTOR_MODE = "b2c"
    suggested_contact = ContactFactory(actor=rep, first_name="Lena", last_name="Lorenz")
    other_contact = ContactFactory(actor=rep, first_name="Otto", last_name="Other")
    suggested_account = AccountFactory(actor=rep, name="Lorenz Logistik")
    other_account = AccountFactory(actor=rep, name="Ganz Andere KG")
    contact = {
        "new": {"contact-choice": "new"},
        "suggested": {"contact-choice": str(suggested_contact.pk)},
        "other": {"contact-choice": "other", "contact-other": str(other_contact.pk)},
    }[contact_choice]
    account = {
        "new": {"account-choice": "new"},
        "suggested": {"account-choice": str(suggested_account.pk)},
        "other": {"account-choice": "other", "account-other": str(other_account.pk)},
        "none": {"account-choice": "none"},
    }[account_choice]
    data = lead_form(rep_client, lead, **contact, **account)
    contacts_before, accounts_before = Contact.objects.count(), Account.objects.count()

    response = rep_client.post(convert_url(lead), data)

    lead.refresh_from_db()
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["conversion"].parts.values()
    ]
    assert response.url == lead.contact.get_absolute_url()
    assert lead.converted and lead.status == "Converted"
    expected_contact = {"new": None, "suggested": suggested_contact, "other": other_contact}[
        contact_choice
    ]
    expected_account = {
        "new": None,
        "suggested": suggested_account,
        "other": other_account,
        "none": None,
    }[account_choice]
    if expected_contact:
        assert lead.contact == expected_contact
        assert Contact.objects.count() == contacts_before
    else:
        assert Contact.objects.count() == contacts_before + 1
        assert (lead.contact.first_name, lead.contact.last_name, lead.contact.email1) == (
            "Lena",
            "Lorenz",
            "lena@lorenz-logistik.example",
        )
    if account_choice == "new":
        assert Account.objects.count() == accounts_before + 1
        assert lead.account.name == "Lorenz Logistik GmbH"
        assert lead.account.website == "https://lorenz-logistik.example"
    else:
        assert Account.objects.count() == accounts_before
        assert lead.account == expected_account
    opportunity = lead.opportunity
    assert (opportunity.name, opportunity.amount, opportunity.account) == (
        "Interesse Produkt A",
        Decimal("2500.00"),
        lead.account,
    )
    assert list(opportunity.contacts.all()) == [lead.contact]
    assert "Converted Lena Lorenz" in messages_of(rep_client.get(response.url))[0]


@pytest.mark.parametrize(
    "parts",
    [
        (),
        ("opportunity",),
        ("call",),
        ("meeting",),
        ("task",),
        ("opportunity", "call", "meeting", "task"),
    ],
)
def test_the_optional_parts(rep_client, rep, lead, parts):
    data = lead_form(
        rep_client,
        lead,
        **with_parts(*parts),
        **{
            "opportunity-contact_role": "Technical Evaluator",
            "call-name": "Erstgespräch",
            "call-duration_minutes": "15",
            "call-status": "Held",
            "meeting-name": "Vorführung",
            "meeting-location": "Hamburg",
            "task-name": "Feature-Recherche",
            "task-priority": "High",
        },
    )

    response = rep_client.post(convert_url(lead), data)

    assert response.status_code == 302
    lead.refresh_from_db()
    contact = lead.contact
    assert (lead.opportunity is not None) == ("opportunity" in parts)
    assert Opportunity.objects.count() == ("opportunity" in parts)
    if "opportunity" in parts:
        link = OpportunityContact.objects.get(opportunity=lead.opportunity)
        assert (link.contact, link.contact_role) == (contact, "Technical Evaluator")
    calls = list(Call.objects.all())
    assert len(calls) == ("call" in parts)
    if calls:
        call = calls[0]
        assert (call.name, call.status, call.duration_minutes, call.parent) == (
            "Erstgespräch",
            "Held",
            15,
            contact,
        )
        assert list(call.users.all()) == [rep] and list(call.contacts.all()) == [contact]
    meetings = list(Meeting.objects.all())
    assert len(meetings) == ("meeting" in parts)
    if meetings:
        meeting = meetings[0]
        assert (meeting.name, meeting.status, meeting.location, meeting.parent) == (
            "Vorführung",
            "Planned",
            "Hamburg",
            contact,
        )
        invited = {(i.user_id, i.contact_id) for i in meeting.invitees.all()}
        assert invited == {(rep.pk, None), (None, contact.pk)}
    tasks = list(Task.objects.all())
    assert len(tasks) == ("task" in parts)
    if tasks:
        task = tasks[0]
        assert (task.name, task.priority, task.status, task.assigned_user, task.contact) == (
            "Feature-Recherche",
            "High",
            "Not Started",
            rep,
            contact,
        )


@pytest.mark.parametrize("mode", ["move", "copy", "leave"])
def test_the_leads_activities_move_copy_or_stay(rep_client, rep, lead, mode):
    from django.contrib.contenttypes.models import ContentType

    call = CallFactory(
        actor=rep,
        parent_type=ContentType.objects.get_for_model(Lead),
        parent_id=lead.pk,
        status="Held",
    )
    note = NoteFactory(
        actor=rep,
        parent_type=ContentType.objects.get_for_model(Lead),
        parent_id=lead.pk,
        contact=None,
    )
    data = lead_form(rep_client, lead, activities=mode)

    assert rep_client.post(convert_url(lead), data).status_code == 302

    lead.refresh_from_db()
    owner = {"move": lead.contact, "copy": lead, "leave": lead}[mode]
    call.refresh_from_db()
    note.refresh_from_db()
    assert call.parent == owner and note.parent == owner
    on_contact = (
        Call.objects.filter(parent_id=lead.contact.pk).count()
        + Note.objects.filter(parent_id=lead.contact.pk).count()
    )
    assert on_contact == {"move": 2, "copy": 2, "leave": 0}[mode]


def test_b2c_without_company_proposes_no_account(rep_client, rep, settings):
    settings.KONTOR_MODE = "b2c"
    person = LeadFactory(actor=rep, account_name="", email1="kim@gmail.com")
    response = rep_client.get(convert_url(person))
    assert response.context["conversion"].account["choice"].value() == "none"
    assert 'name="account-choice" value="none"' in response.content.decode()
    assert rep_client.post(convert_url(person), lead_form(rep_client, person)).status_code == 302
    person.refresh_from_db()
    assert person.converted and person.account is None and person.contact.account is None


def test_unticked_parts_are_not_validated(rep_client, lead):
    data = lead_form(
        rep_client,
        lead,
        **with_parts(),
        **{"call-duration_minutes": "many", "task-name": "", "opportunity-amount": "viel"},
    )
    assert rep_client.post(convert_url(lead), data).status_code == 302
    assert not Call.objects.exists() and not Opportunity.objects.exists()


def test_an_existing_contact_ignores_the_new_contact_fields(rep_client, rep, lead):
    chosen = ContactFactory(actor=rep)
    data = lead_form(
        rep_client,
        lead,
        **{"contact-choice": "other", "contact-other": str(chosen.pk), "contact-last_name": ""},
    )
    assert rep_client.post(convert_url(lead), data).status_code == 302
    lead.refresh_from_db()
    assert lead.contact == chosen


def test_the_convert_page_query_count_does_not_grow(rep_client, rep, lead):
    def add(n):
        for _ in range(n):
            ContactFactory(actor=rep, first_name="Lena", last_name="Lorenz")
            AccountFactory(actor=rep, name="Lorenz Logistik GmbH")
            LeadFactory(actor=rep)

    add(1)
    rep_client.get(convert_url(lead))
    few, _response = count_queries(lambda: rep_client.get(convert_url(lead)))
    add(4)
    many, response = count_queries(lambda: rep_client.get(convert_url(lead)))
    assert len(response.context["conversion"].contact_suggestions) == 5
    # More data never costs more queries (fewer, once the surest kinds fill the list).
    assert many <= few <= CONVERT_PAGE_QUERIES


def test_a_converted_lead_links_its_contact_instead_of_the_button(rep_client, rep, lead):
    assert f'href="{convert_url(lead)}"' in rep_client.get(lead.get_absolute_url()).content.decode()
    contact = convert_lead(lead, actor=rep, new_contact={}, new_account={}).contact
    html = rep_client.get(lead.get_absolute_url()).content.decode()
    assert f'href="{contact.get_absolute_url()}"' in html
    assert f'href="{convert_url(lead)}"' not in html
