"""Contacts: the standard module tests, person-field input checks and the account link."""

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.actions import delete_records
from kontor.core.testing import (
    Invalid,
    RecordModuleTests,
    form_data,
    log_of,
    whole_page,
)


class TestContactModule(RecordModuleTests):
    module_slug = "contacts"
    factory = ContactFactory
    edit = ("last_name", "Schmidt")
    invalid_cases = [
        Invalid("missing-last-name", {"last_name": None}, "last_name", "This field is required."),
        Invalid("bad-email", {"email1": "anna.meyer@"}, "email1", "Enter a valid email address."),
        Invalid(
            "too-long-last-name",
            {"last_name": "x" * 101},
            "last_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        Invalid(
            "too-long-description",
            {"description": "x" * 20_001},
            "description",
            "Ensure this value has at most 20000 characters (it has 20001).",
        ),
        Invalid(
            "unknown-lead-source",
            {"lead_source": "Carrier Pigeon"},
            "lead_source",
            "Select a valid choice. Carrier Pigeon is not one of the available choices.",
        ),
        Invalid(
            "impossible-birthdate", {"birthdate": "2025-02-30"}, "birthdate", "Enter a valid date."
        ),
        Invalid(
            "bad-phone", {"phone_mobile": "+49"}, "phone_mobile", "Enter a valid phone number."
        ),
        Invalid(
            "unknown-account",
            {"account": "5d0c0a9e-0000-4000-8000-000000000000"},
            "account",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ]

    def valid_data(self):
        return {
            "salutation": "Ms.",
            "first_name": "Anna",
            "last_name": "Meyer",
            "title": "Head of Purchasing",
            "email1": "anna.meyer@fjord.example",
            "phone_work": "+49 30 1234567",
            "phone_mobile": "0171 2345678",
            "lead_source": "Trade Show",
            "birthdate": "1980-04-12",
            "account": str(AccountFactory().pk),
            "email_opt_out": "on",
            "primary_address_city": "Hamburg",
            "lawful_basis": "contract",
        }

    def mass_update_value(self, other_user):
        return "lead_source", "Partner"


def test_emails_are_stored_lower_case_and_phones_in_e164(rep_client):
    data = TestContactModule().valid_data()
    data.update(email1="Anna.Meyer@Fjord.Example", phone_work="030 1234567")
    assert rep_client.post("/contacts/new/", data).status_code == 302
    contact = Contact.objects.get(last_name="Meyer")
    assert (contact.email1, contact.phone_work, contact.phone_work_e164) == (
        "anna.meyer@fjord.example",
        "030 1234567",
        "+49301234567",
    )


def test_the_account_page_lists_its_contacts_and_links_a_new_one(rep_client, rep):
    account = AccountFactory(actor=rep)
    mine = ContactFactory(account=account, actor=rep)
    ContactFactory(actor=rep)  # another account's contact
    page = whole_page(rep_client, f"/accounts/{account.pk}/")
    panel = next(s for s in page.context["subpanels"] if s["module"].slug == "contacts")
    assert [row["pk"] for row in panel["rows"]] == [mine.pk]
    # "+" on the panel opens the contact form with the account filled in.
    form = rep_client.get(panel["create_url"]).context["form"]
    data = {**form_data(form), "last_name": "Neu"}
    assert data["account"] == str(account.pk)
    assert rep_client.post("/contacts/new/", data).status_code == 302
    assert Contact.objects.get(last_name="Neu").account == account


def test_a_contact_cannot_report_to_themselves(rep_client, rep):
    contact = ContactFactory(actor=rep)
    url = f"/contacts/{contact.pk}/edit/"
    data = {**form_data(rep_client.get(url).context["form"]), "reports_to": str(contact.pk)}
    response = rep_client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["reports_to"] == [
        "A contact cannot report to themselves."
    ]
    assert Contact.objects.get(pk=contact.pk).reports_to is None
    assert log_of(contact, "update") == []


def test_a_contact_cannot_be_linked_to_an_account_in_the_trash(rep_client, rep):
    gone = AccountFactory(actor=rep)
    delete_records([gone], actor=rep)
    data = {**TestContactModule().valid_data(), "account": str(gone.pk)}
    before = Contact.with_deleted.count()
    response = rep_client.post("/contacts/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["account"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Contact.with_deleted.count() == before
