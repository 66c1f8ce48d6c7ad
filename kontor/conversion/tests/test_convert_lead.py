"""convert_lead (docs/domain.md §5): every combination of the lead conversion, every refusal,
and all or nothing. Refusals and forced failures compare `snapshot()` before and after.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.actions import activities_of, invited
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion import mapping
from kontor.conversion.actions import ConversionRefused, convert_lead
from kontor.conversion.tests.helpers import (
    NEW_ACTIVITY,
    START,
    assert_handed_over,
    convert_log,
    counts,
    fresh,
    give_history,
    snapshot,
)
from kontor.core.actions import delete_records
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.models import Opportunity, OpportunityContact

ROLE = "Primary Decision Maker"


@pytest.fixture
def lead(admin):
    """Lena, owned by Ada, with every field the conversion copies filled in."""
    return LeadFactory(
        actor=admin,
        salutation="Ms.",
        first_name="Lena",
        last_name="Vogel",
        title="CTO",
        department="IT",
        email1="lena.vogel@vogel-technik.example",
        email2="lena@home.example",
        phone_work="+49 221 4711-23",
        phone_mobile="0171 2345678",
        primary_address_street="Ringstraße 1",
        primary_address_city="Köln",
        primary_address_postalcode="50667",
        primary_address_country="Deutschland",
        account_name="Vogel Technik GmbH",
        website="https://www.vogel-technik.example",
        account_description="Maschinenbau, 80 Leute",
        opportunity_name="Interesse Produkt A",
        opportunity_amount=Decimal("12500.00"),
        lead_source="Trade Show",
        campaign_name="Hannover Messe",
        lawful_basis="consent",
        lawful_basis_source="website",
        lifecycle_stage="SQL",
    )


# --- every combination ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["move", "copy", "leave"])
@pytest.mark.parametrize("activity", ["call", "meeting", "task"])
@pytest.mark.parametrize("with_opportunity", [True, False], ids=["opportunity", "no-opp"])
@pytest.mark.parametrize("account_choice", ["new", "existing", "none"])
@pytest.mark.parametrize("contact_choice", ["new", "existing"])
def test_convert_lead(
    settings, admin, rep, lead, contact_choice, account_choice, with_opportunity, activity, mode
):
    if account_choice == "none":
        settings.KONTOR_MODE = "b2c"
    history = give_history(lead, admin)
    chosen_contact = (
        ContactFactory(actor=rep, account=None) if contact_choice == "existing" else None
    )
    chosen_account = AccountFactory(actor=rep) if account_choice == "existing" else None
    grown = (
        "contacts.Contact",
        "accounts.Account",
        "opportunities.Opportunity",
        "activities.Call",
        "activities.Meeting",
        "activities.Task",
        "activities.Note",
    )
    before, started = counts(*grown), timezone.now()

    result = convert_lead(
        lead,
        actor=rep,
        contact=chosen_contact,
        new_contact={"title": "Dr."},
        account=chosen_account,
        new_account={} if account_choice == "new" else None,
        opportunity={} if with_opportunity else None,
        contact_role=ROLE,
        activities=mode,
        **{activity: NEW_ACTIVITY[activity]},
    )

    stored, contact = fresh(lead), fresh(result.contact)
    account = fresh(result.account) if result.account else None
    # The lead: Converted, with links to what it became; both ways.
    assert (stored.status, stored.converted) == ("Converted", True)
    assert started <= stored.converted_at <= timezone.now()
    assert (stored.contact, stored.account) == (contact, account)
    assert list(contact.source_leads.all()) == [stored]
    assert list(account.leads.all()) == [stored] if account else stored.account is None
    # The contact: the chosen one untouched, or a new one pre-filled from the lead.
    if chosen_contact:
        assert contact == chosen_contact and contact.assigned_user == rep
        assert contact.title == "" and contact.account is None
    else:
        copied = mapping.contact_from_lead(lead) | {"title": "Dr.", "assigned_user": admin}
        assert {k: getattr(contact, k) for k in copied} == copied
        assert (contact.phone_work_e164, contact.account) == ("+49221471123", account)
    # The account: the chosen one, a new one from the lead's company, or none (B2C).
    if account_choice == "new":
        assert (account.name, account.phone_office, account.website) == (
            "Vogel Technik GmbH",
            "+49 221 4711-23",
            "https://www.vogel-technik.example",
        )
        assert (account.billing_address_street, account.billing_address_city) == (
            "Ringstraße 1",
            "Köln",
        )
        assert (account.description, account.assigned_user) == ("Maschinenbau, 80 Leute", admin)
    else:
        assert account == chosen_account
    # The opportunity: on the account, with the contact in its role, early policy stage.
    if with_opportunity:
        opp = fresh(result.opportunity)
        assert (stored.opportunity, opp.account, opp.assigned_user) == (opp, account, admin)
        assert list(opp.source_leads.all()) == [stored]
        assert list(
            OpportunityContact.objects.filter(opportunity=opp).values_list(
                "contact", "contact_role"
            )
        ) == [(contact.pk, ROLE)]
        assert (opp.name, opp.amount, opp.lead_source, opp.campaign_name) == (
            "Interesse Produkt A",
            Decimal("12500.00"),
            "Trade Show",
            "Hannover Messe",
        )
        assert (opp.sales_stage, opp.probability, opp.date_closed) == (
            "Qualification",
            20,
            timezone.localdate() + timedelta(days=30),
        )
    else:
        assert result.opportunity is None and stored.opportunity is None
    # The new activity hangs off the contact; the user's call or meeting invites the contact.
    created = fresh(getattr(result, activity))
    assert (created.parent, created.assigned_user, created.created_by) == (contact, rep, rep)
    assert {k: getattr(created, k) for k in NEW_ACTIVITY[activity]} == NEW_ACTIVITY[activity]
    if activity == "task":
        assert (created.contact, created.status) == (contact, "Not Started")
    else:
        assert invited(created) == {"users": [rep], "contacts": [contact], "leads": []}
        assert created.status == ("Held" if activity == "call" else "Planned")
    # The lead's own activities moved, copied or left.
    assert_handed_over(history, stored, contact, mode, result.activities_handed_over)
    # Exactly the records asked for were created.
    after = counts(*grown)
    grew = {label: after[label] - before[label] for label in grown}
    copies = {m: (1 if mode == "copy" else 0) + (m == activity) for m in NEW_ACTIVITY}
    assert grew == {
        "contacts.Contact": contact_choice == "new",
        "accounts.Account": account_choice == "new",
        "opportunities.Opportunity": with_opportunity,
        "activities.Call": copies["call"],
        "activities.Meeting": copies["meeting"],
        "activities.Task": copies["task"],
        "activities.Note": int(mode == "copy"),
    }
    # One "convert" row on each record of the chain, naming the others.
    chain = [r for r in (contact, account, result.opportunity) if r is not None]
    slugs = {Contact: "contacts", Account: "accounts", Opportunity: "opportunities"}
    assert convert_log(stored) == [("", " ".join(f"{slugs[type(r)]}:{r.pk}" for r in chain))]
    for record in chain:
        assert convert_log(record) == [(f"leads:{lead.pk}", "")]


def test_full_conversion_with_all_three_activities(admin, rep, lead):
    result = convert_lead(
        lead, actor=rep, new_account={}, opportunity={"amount": "900"}, **NEW_ACTIVITY
    )
    assert [r.parent for r in (result.call, result.meeting, result.task)] == [result.contact] * 3
    assert fresh(result.opportunity).amount == Decimal("900")
    assert [r.name for r in activities_of(result.contact)] == [
        "Erstgespräch",
        "Demo",
        "Feature-Recherche",
    ]


def test_late_policy_proposes_a_won_opportunity_and_the_user_may_override(settings, rep, lead):
    settings.KONTOR_CONVERSION_POLICY = "late"
    won = convert_lead(lead, actor=rep, new_account={}, opportunity={}).opportunity
    assert (fresh(won).sales_stage, fresh(won).probability, fresh(won).date_closed) == (
        "Closed Won",
        100,
        timezone.localdate(),
    )
    other = LeadFactory(actor=rep)
    chosen = convert_lead(
        other, actor=rep, new_account={}, opportunity={"sales_stage": "Prospecting"}
    ).opportunity
    assert (fresh(chosen).sales_stage, fresh(chosen).probability) == ("Prospecting", 10)


def test_a_lead_without_owner_gives_the_new_records_to_the_actor(rep):
    lead = LeadFactory(actor=None)
    result = convert_lead(lead, actor=rep, new_account={}, opportunity={})
    assert {
        fresh(r).assigned_user for r in (result.contact, result.account, result.opportunity)
    } == {rep}


# --- refusals (nothing changes) ------------------------------------------------------------


def refused(lead, **kwargs) -> dict:
    """The error dict of a refused conversion, after checking that nothing changed."""
    before = snapshot(lead)
    with pytest.raises(ValidationError) as error:
        convert_lead(lead, **kwargs)
    assert snapshot(lead) == before
    return error.value.message_dict


def test_converting_twice_is_refused_with_the_existing_contact(rep, lead):
    first = convert_lead(lead, actor=rep, new_account={})
    before = snapshot(lead)
    for stale in (lead, fresh(lead)):  # the page may still hold the unconverted lead
        with pytest.raises(ConversionRefused) as error:
            convert_lead(stale, actor=rep, new_account={}, opportunity={})
        assert error.value.existing == first.contact
        assert "already converted" in error.value.message
    assert snapshot(lead) == before


def test_a_deleted_lead_is_refused(rep, lead):
    delete_records([lead], actor=rep)
    before = snapshot(lead)
    with pytest.raises(ConversionRefused) as error:
        convert_lead(lead, actor=rep, new_account={})
    assert (error.value.existing, snapshot(lead)) == (None, before)


@pytest.mark.parametrize(
    ("part", "values", "key"),
    [
        ("new_contact", {"last_name": ""}, "contact-last_name"),
        ("new_contact", {"email1": "lena@"}, "contact-email1"),
        ("new_contact", {"phone_mobile": "call me"}, "contact-phone_mobile"),
        ("new_account", {"name": " "}, "account-name"),
        ("new_account", {"website": "not a url"}, "account-website"),
        ("opportunity", {"amount": "viel"}, "opportunity-amount"),
        ("opportunity", {"sales_stage": "Gekauft"}, "opportunity-sales_stage"),
        ("opportunity", {"probability": 120}, "opportunity-probability"),
        ("call", {"date_start": None}, "call-date_start"),
        ("call", {"status": "Maybe"}, "call-status"),
        ("meeting", {"duration_minutes": 15 * 24 * 60}, "meeting-duration_minutes"),
        ("task", {"date_start": START, "date_due": START - timedelta(days=1)}, "task-date_due"),
    ],
)
def test_invalid_values_in_each_part_are_refused(rep, lead, part, values, key):
    kwargs = {"new_account": {}, "opportunity": {}, **NEW_ACTIVITY}
    kwargs[part] = {**kwargs.get(part, {}), **values}
    errors = refused(lead, actor=rep, **kwargs)
    assert key in errors, errors


def test_an_invalid_role_is_refused_on_the_opportunity_part(rep, lead):
    errors = refused(lead, actor=rep, new_account={}, opportunity={}, contact_role="Boss")
    assert "opportunity-contact_role" in errors, errors


def test_an_opportunity_without_amount_is_refused(rep):
    lead = LeadFactory(actor=rep, opportunity_amount=None)
    assert "opportunity-amount" in refused(lead, actor=rep, new_account={}, opportunity={})


def test_b2b_mode_needs_an_account(settings, rep, lead):
    settings.KONTOR_MODE = "b2b"
    assert "account" in refused(lead, actor=rep, opportunity={}, call=NEW_ACTIVITY["call"])


def test_an_unknown_activity_mode_is_refused(rep, lead):
    give_history(lead, rep)
    assert "activities" in refused(lead, actor=rep, new_account={}, activities="steal")


@pytest.mark.parametrize("which", ["contact", "account"])
def test_a_selected_record_in_the_trash_is_refused(rep, lead, which):
    trashed = (ContactFactory if which == "contact" else AccountFactory)(actor=rep)
    delete_records([trashed], actor=rep)
    kwargs = {"contact": trashed} if which == "contact" else {"account": trashed}
    assert which in refused(
        lead, actor=rep, new_account=None if which == "account" else {}, **kwargs
    )


# --- all or nothing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step", ["link_contact", "save_with_invitees", "hand_over_activities", "log_event"]
)
def test_a_failure_in_the_middle_leaves_nothing_changed(monkeypatch, admin, rep, lead, step):
    import kontor.conversion.actions as actions

    give_history(lead, admin)
    real = getattr(actions, step)
    calls = []

    def fail_late(*args, **kwargs):
        real(*args, **kwargs)  # do the step's writes first, then fail
        calls.append(step)
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, step, fail_late)
    before = snapshot(lead)
    with pytest.raises(RuntimeError, match="disk full"):
        convert_lead(
            lead, actor=rep, new_account={}, opportunity={}, activities="copy", **NEW_ACTIVITY
        )
    assert calls == [step]
    assert snapshot(lead) == before
