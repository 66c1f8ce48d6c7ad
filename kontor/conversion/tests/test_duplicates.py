"""Duplicate suggestions before a conversion creates a contact or an account (docs/domain.md §5).

Each test creates the one record that should be found next to decoys that must not be: other
people, blank keys that match everything blank, records in the trash.
"""

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.duplicates import LIMIT, similar_accounts, similar_contacts
from kontor.core.actions import delete_records, save_record
from kontor.leads.tests.factories import LeadFactory


def person(rep, **fields):
    """A contact with nothing in common with the test's lead unless `fields` says so."""
    values = {
        "first_name": "Otto",
        "last_name": "Anders",
        "email1": "",
        "phone_work": "",
        "phone_mobile": "",
        "account": None,
        **fields,
    }
    return ContactFactory(actor=rep, **values)


def company(rep, **fields):
    return AccountFactory(actor=rep, **{"name": "Ganz Anders KG", "email1": "", **fields})


@pytest.fixture
def lead(rep):
    return LeadFactory(
        actor=rep,
        first_name="Lena",
        last_name="Vogel",
        email1="Lena.Vogel@Vogel-Technik.example",
        email2="lena@home.example",
        phone_work="+49 221 4711-23",
        phone_mobile="0171 2345678",
        account_name="Vogel Technik GmbH",
        website="",
    )


@pytest.fixture
def decoys(rep):
    """People and companies that share nothing with the lead, and blank keys."""
    return [
        person(rep),
        person(rep, first_name="Lena", last_name="Vogt"),
        person(rep, first_name="Jana", last_name="Vogel"),
        company(rep),
        company(rep, name="Vogel Bau GmbH", website="https://vogel-bau.example"),
    ]


# --- contacts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"email1": "lena.vogel@vogel-technik.example"},
        {"email1": "LENA.VOGEL@VOGEL-TECHNIK.EXAMPLE"},  # stored lower-cased
        {"email1": "lena@home.example"},  # the lead's other e-mail
        {"phone_work": "0221 471123"},
        {"phone_work": "(0221) 47 11 23"},
        {"phone_mobile": "+49 221 471123"},  # the lead's office number as the contact's mobile
        {"phone_work": "+49 171 234 5678"},  # the lead's mobile as the contact's office number
        {"phone_mobile": "0171/2345678"},
        {"first_name": "Lena", "last_name": "Vogel"},
    ],
    ids=[
        "email",
        "email-case",
        "email2",
        "phone",
        "phone-spaces",
        "office-as-mobile",
        "mobile-as-office",
        "mobile",
        "name",
    ],
)
def test_a_contact_is_suggested_by_email_phone_or_name(rep, lead, decoys, fields):
    wanted = person(rep, **fields)
    assert similar_contacts(lead, rep) == [wanted]


def test_a_contact_matching_several_ways_is_suggested_once(rep, lead, decoys):
    wanted = person(
        rep,
        first_name="Lena",
        last_name="Vogel",
        phone_work="0221 471123",
        email1="lena.vogel@vogel-technik.example",
    )
    assert similar_contacts(lead, rep) == [wanted]


def test_blank_keys_match_nobody(rep, decoys):
    lead = LeadFactory(
        actor=rep,
        first_name="",
        last_name="Niemand",
        email1="",
        email2="",
        phone_work="",
        phone_mobile="",
    )
    person(rep, first_name="", last_name="Jemand")
    assert similar_contacts(lead, rep) == []


def test_contacts_in_the_trash_are_not_suggested(rep, lead, decoys):
    trashed = person(rep, email1="lena.vogel@vogel-technik.example")
    kept = person(rep, first_name="Lena", last_name="Vogel")
    delete_records([trashed], actor=rep)
    assert similar_contacts(lead, rep) == [kept]


def test_contact_suggestions_are_capped_and_newest_first(rep, lead):
    many = [person(rep, phone_work="0221 471123", last_name=f"Vogel{i}") for i in range(LIMIT + 2)]
    touched = many[0]
    touched.title = "Dr."
    save_record(touched, actor=rep)
    found = similar_contacts(lead, rep)
    assert len(found) == LIMIT and found[0] == touched
    assert similar_contacts(lead, rep, limit=2) == found[:2]


def test_the_surest_contact_comes_first_however_many_namesakes(rep, lead):
    # Ranking: same e-mail, then same phone, then same name; the newest first within each.
    by_email = person(rep, email1="lena.vogel@vogel-technik.example")
    by_phone = person(rep, phone_mobile="0171 2345678")
    namesakes = [person(rep, first_name="Lena", last_name="Vogel") for _ in range(LIMIT * 4)]
    assert similar_contacts(lead, rep) == [by_email, by_phone, *namesakes[::-1][: LIMIT - 2]]


def test_nobody_signed_out_sees_suggestions(rep, lead):
    from django.contrib.auth.models import AnonymousUser

    person(rep, first_name="Lena", last_name="Vogel")
    assert similar_contacts(lead, AnonymousUser()) == []


# --- accounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Vogel Technik GmbH"},
        {"name": "Vogel Technik AG"},
        {"name": "VOGEL TECHNIK"},
        {"name": "Vogel-Technik GmbH & Co. KG"},
        {"website": "https://www.vogel-technik.example/de/"},  # the lead's e-mail domain
        {"email1": "info@vogel-technik.example"},
    ],
    ids=["name", "other-legal-form", "no-legal-form", "punctuation", "website", "email"],
)
def test_an_account_is_suggested_by_name_or_web_domain(rep, lead, decoys, fields):
    wanted = company(rep, **fields)
    assert similar_accounts(lead, rep) == [wanted]


def test_the_same_name_comes_first_however_many_accounts_share_the_domain(rep, lead):
    by_name = company(rep, name="Vogel Technik AG")
    group = [
        company(rep, name=f"Tochter {i}", website="https://vogel-technik.example")
        for i in range(LIMIT * 4)
    ]
    assert similar_accounts(lead, rep) == [by_name, *group[::-1][: LIMIT - 1]]


def test_umlaut_spellings_meet(rep, decoys):
    lead = LeadFactory(actor=rep, account_name="Müller GmbH", email1="")
    wanted = company(rep, name="Mueller AG")
    assert similar_accounts(lead, rep) == [wanted]


def test_the_leads_website_finds_the_account(rep, decoys):
    lead = LeadFactory(
        actor=rep, account_name="", email1="", website="http://vogel-technik.example"
    )
    wanted = company(rep, email1="vertrieb@vogel-technik.example")
    assert similar_accounts(lead, rep) == [wanted]


@pytest.mark.parametrize("provider", ["gmail.com", "web.de", "gmx.de", "t-online.de"])
def test_free_mail_domains_never_match(rep, decoys, provider):
    lead = LeadFactory(
        actor=rep, account_name="", email1=f"lena@{provider}", website=f"https://www.{provider}"
    )
    company(rep, email1=f"info@{provider}")
    company(rep, website=f"https://{provider}")
    assert similar_accounts(lead, rep) == []


def test_a_name_that_is_only_a_legal_form_matches_nothing(rep, decoys):
    company(rep, name="GmbH")
    lead = LeadFactory(actor=rep, account_name="AG", email1="")
    assert similar_accounts(lead, rep) == []


def test_accounts_in_the_trash_are_not_suggested(rep, lead, decoys):
    trashed = company(rep, name="Vogel Technik AG")
    kept = company(rep, website="https://vogel-technik.example")
    delete_records([trashed], actor=rep)
    assert similar_accounts(lead, rep) == [kept]
