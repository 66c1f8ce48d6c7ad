"""Contacts imported from a vCard file (.vcf): 2.1, 3.0 and 4.0 cards, German text, row
errors, broken files refused whole, and a round trip through Kontor's own vCard export."""

import codecs
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kontor.contacts.models import Contact
from kontor.imports import actions
from kontor.imports.models import ImportBatch, ImportRow
from kontor.imports.tests.helpers import run, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(admin):
    return actions.create_batch(upload("address-book.vcf"), model=Contact, actor=admin)


def test_a_vcard_file_becomes_a_mapped_import(batch):
    assert batch.source["converted_from"] == "vcard"
    assert batch.filename == "address-book.vcf"
    fields = [c["field"] for c in batch.options["columns"]]
    for field in ("first_name", "last_name", "email1", "phone_mobile", "birthdate"):
        assert field in fields
    assert batch.options["match"] == "email"


def test_the_cards_are_imported_with_their_fields_and_a_bad_one_reported(batch, admin):
    done = run(batch, actor=admin, create_missing=True)
    anna = Contact.objects.get(last_name="Schmidt")
    assert anna.account.name == "Müller & Söhne GmbH" and anna.department == "Einkauf"
    assert (anna.first_name, anna.salutation, anna.title) == (
        "Anna Maria",
        "Ms.",
        "Leiterin Einkauf",
    )
    assert anna.email1 == "anna.schmidt@mueller-soehne.example"
    assert anna.email2 == "privat@example.org"
    assert (anna.phone_mobile, anna.phone_fax) == ("+49 170 1234567", "+49 30 1234-99")
    assert anna.primary_address_street == "Hauptstraße 5, Hinterhaus"
    assert (anna.alt_address_city, anna.birthdate) == ("Potsdam", date(1984, 2, 29))
    assert "Halle 4.\nRuft gern vormittags an." in anna.description
    joerg = Contact.objects.get(email1="joerg@juergens.example")
    assert (joerg.first_name, joerg.last_name, joerg.phone_mobile) == (
        "Jörg",
        "Jürgens",
        "0171 7654321",
    )
    assert Contact.objects.get(last_name="Hopper").birthdate is None  # a birthday without year
    assert not Contact.objects.filter(last_name="Kaputt").exists()
    (bad,) = ImportRow.objects.filter(batch=done, outcome="failed")
    assert bad.row == 4 and bad.message.startswith("Email:")


def test_a_file_with_an_unreadable_card_is_refused_whole_with_the_card_named(admin):
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gut;Gustav;;;\r\nFN:Gustav Gut\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nTHIS LINE HAS NO COLON\r\nEND:VCARD\r\n"
    )
    with pytest.raises(ValidationError) as refused:
        actions.create_batch(upload("broken.vcf", text.encode()), model=Contact, actor=admin)
    assert "card 2 (line 6)" in str(refused.value)
    assert not ImportBatch.objects.exists() and not Contact.objects.exists()


def test_a_card_without_end_is_refused(admin):
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Offen;Otto;;;\r\n"
    with pytest.raises(ValidationError) as refused:
        actions.create_batch(upload("open.vcf", text.encode()), model=Contact, actor=admin)
    assert "line 1" in str(refused.value)
    assert not ImportBatch.objects.exists()


def test_kontors_own_vcard_export_imports_back(admin, client):
    Contact.objects.create(
        first_name="Ada",
        last_name="Lovelace, Countess",
        email1="ada@example.org",
        phone_mobile="+44 20 7946 0000",
        primary_address_city="London",
        salutation="Ms.",
    )
    client.force_login(admin)
    response = client.get(reverse("contacts:export-vcf"))
    exported = b"".join(response.streaming_content)
    Contact.objects.all().delete()
    batch = actions.create_batch(upload("export.vcf", exported), model=Contact, actor=admin)
    run(batch, actor=admin)
    ada = Contact.objects.get()
    assert (ada.first_name, ada.last_name, ada.salutation) == ("Ada", "Lovelace, Countess", "Ms.")
    assert (ada.email1, ada.phone_mobile, ada.primary_address_city) == (
        "ada@example.org",
        "+44 20 7946 0000",
        "London",
    )


def test_vcards_are_refused_for_a_record_type_without_people(admin):
    from kontor.accounts.models import Account

    with pytest.raises(ValidationError) as refused:
        actions.create_batch(upload("address-book.vcf"), model=Account, actor=admin)
    assert "vCards hold people" in str(refused.value)
    assert not ImportBatch.objects.exists()


def test_a_utf16_vcard_file_is_read(admin):
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Öztürk;Ümit;;;\r\nEMAIL:uemit@example.de\r\nEND:VCARD\r\n"
    )
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    batch = actions.create_batch(upload("utf16.vcf", data), model=Contact, actor=admin)
    run(batch, actor=admin)
    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name) == ("Ümit", "Öztürk")
