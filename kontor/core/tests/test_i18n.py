"""The German UI: the catalogs are complete and compiled, and the domain's words come out exactly.

When a test here fails after new strings were added, run the routine of kontor/core/i18n.py:
`python -m kontor.core.i18n extract`, translate what `todo` lists in
kontor/locale/de/LC_MESSAGES/django.po, then `python -m kontor.core.i18n compile`.
"""

import re
import shutil

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.models import Contact
from kontor.core import i18n
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target
from kontor.users.actions import create_user

GERMAN = i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"

#: docs/domain.md §3: the record names, singular and plural
RECORD_NAMES = {
    Target: ("Zielkontakt", "Zielkontakte"),
    Lead: ("Interessent", "Interessenten"),
    Contact: ("Kontakt", "Kontakte"),
    Account: ("Firma", "Firmen"),
    Opportunity: ("Verkaufschance", "Verkaufschancen"),
    Call: ("Anruf", "Anrufe"),
    Meeting: ("Besprechung", "Besprechungen"),
    Task: ("Aufgabe", "Aufgaben"),
    Note: ("Notiz", "Notizen"),
}

#: docs/domain.md §2: the person fields of Targets, Leads and Contacts
PERSON_LABELS = {
    "email1": "E-Mail",
    "email2": "Weitere E-Mail",
    "email_opt_out": "Keine E-Mails senden",
    "invalid_email": "Ungültige E-Mail",
    "phone_work": "Telefon Büro",
    "phone_mobile": "Telefon Mobil",
    "phone_home": "Telefon Privat",
    "phone_other": "Weiteres Telefon",
    "do_not_call": "Nicht anrufen",
    "primary_address_street": "Hauptadresse Straße",
    "primary_address_city": "Hauptadresse Ort",
    "primary_address_state": "Hauptadresse Bundesland",
    "primary_address_postalcode": "Hauptadresse PLZ",
    "primary_address_country": "Hauptadresse Land",
    "alt_address_street": "2. Adresse Straße",
    "alt_address_city": "2. Adresse Ort",
    "alt_address_state": "2. Adresse Bundesland",
    "alt_address_postalcode": "2. Adresse PLZ",
    "alt_address_country": "2. Adresse Land",
    "birthdate": "Geburtstag",
    "lead_source": "Quelle des Interessenten",
    "lawful_basis": "Gesetzliche Grundlage",
    "assigned_user": "Zugewiesen an",
    "title": "Stellenbezeichnung",
    "department": "Abteilung",
}

#: docs/domain.md §2-3: labels of single record types
OTHER_LABELS = [
    (Target, "account_name", "Firmenname"),
    (Lead, "account_name", "Firmenname"),
    (Meeting, "location", "Ort"),
    (Task, "date_due", "Fällig am"),
    (Call, "name", "Betreff"),
    (Meeting, "name", "Betreff"),
    (Task, "name", "Betreff"),
    (Note, "name", "Betreff"),
    (Account, "billing_address_street", "Rechnungsadresse Straße"),
    (Account, "shipping_address_city", "Lieferadresse Ort"),
    (Account, "assigned_user", "Zugewiesen an"),
    (Opportunity, "assigned_user", "Zugewiesen an"),
]


def _label(model, name) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _nav_links(html: str) -> list[str]:
    """The texts of the links in the top navigation bar."""
    nav = re.search(r"<nav\b.*?</nav>", html, re.S)
    assert nav, "no <nav> on the page"
    texts = re.findall(r">([^<>]*)</a>", nav.group(0))
    return [" ".join(t.split()) for t in texts if t.strip()]


@pytest.fixture
def german_client(client, db):
    """Grete, a sales rep whose profile language is German, signed in."""
    user = create_user(
        "grete",
        password="pw-grete-123!",
        first_name="Grete",
        last_name="Rep",
        email="grete@kontor.example",
        language="de",
        roles=["sales_manager"],
    )
    client.force_login(user)
    return client


# The catalogs ---------------------------------------------------------------------------------


def test_there_is_a_german_catalog():
    assert GERMAN in i18n.catalogs()


@pytest.mark.parametrize("po", i18n.catalogs(), ids=lambda p: p.parent.parent.name)
def test_committed_mo_is_the_compiled_po(po):
    mo = i18n.mo_path(po)
    assert mo.exists(), f"{mo} is missing: run `python -m kontor.core.i18n compile`"
    assert i18n.mo_catalog(mo.read_bytes()) == i18n.mo_catalog(i18n.compile_po(po)), (
        f"{mo} is older than {po.name}: run `python -m kontor.core.i18n compile`"
    )


@pytest.mark.parametrize("po", i18n.catalogs(), ids=lambda p: p.parent.parent.name)
def test_every_entry_is_translated_and_not_fuzzy(po):
    catalog = polib.pofile(str(po))
    assert not catalog.metadata_is_fuzzy
    problems = {e.msgid: i18n.entry_problems(e) for e in catalog if i18n.entry_problems(e)}
    assert problems == {}, "run `python -m kontor.core.i18n todo` and translate these"
    assert len(catalog.translated_entries()) > 100


def test_german_plural_forms_are_declared():
    catalog = polib.pofile(str(GERMAN))
    assert catalog.metadata["Language"] == "de"
    assert catalog.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_compile_writes_the_mo_once(tmp_path):
    target = tmp_path / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(GERMAN, target / "django.po")
    assert i18n.compile_all(tmp_path) == [target / "django.mo"]
    assert i18n.compile_all(tmp_path) == []  # unchanged: not rewritten
    assert (target / "django.mo").read_bytes() == i18n.compile_po(target / "django.po")
    assert i18n.po_problems(target / "django.po") == []


def test_check_finds_broken_placeholders():
    good = polib.POEntry(
        msgid="Saved %(name)s.", msgstr="%(name)s gespeichert.", flags=["python-format"]
    )
    broken = polib.POEntry(
        msgid="Saved %(name)s.", msgstr="%(nam)s gespeichert.", flags=["python-format"]
    )
    plural = polib.POEntry(
        msgid="%(count)d record",
        msgid_plural="%(count)d records",
        msgstr_plural={0: "Ein Datensatz", 1: "%(count)d Datensätze"},
        flags=["python-format"],
    )
    assert i18n.entry_problems(good) == []
    assert i18n.entry_problems(broken)
    assert i18n.entry_problems(plural) == []
    assert i18n.entry_problems(polib.POEntry(msgid="Save", msgstr="")) == ["untranslated"]
    fuzzy = polib.POEntry(msgid="Save", msgstr="Sichern", flags=["fuzzy"])
    assert i18n.entry_problems(fuzzy) == ["fuzzy"]


def test_check_finds_a_message_defined_twice(tmp_path):
    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.append(polib.POEntry(msgid="Save", msgstr="Speichern"))
    catalog.append(polib.POEntry(msgid="Save", msgstr="Sichern"))
    catalog.save(str(po))
    i18n.compile_all(tmp_path)
    assert [p for p in i18n.po_problems(po) if "defined twice" in p]


# The words of docs/domain.md --------------------------------------------------------------------


@pytest.mark.parametrize("model", RECORD_NAMES, ids=lambda m: m.__name__)
def test_record_names_in_german(model):
    singular, plural = RECORD_NAMES[model]
    with translation.override("de"):
        assert str(model._meta.verbose_name) == singular
        assert str(model._meta.verbose_name_plural) == plural


@pytest.mark.parametrize("model", [Target, Lead, Contact], ids=lambda m: m.__name__)
def test_person_field_labels_in_german(model):
    with translation.override("de"):
        labels = {name: _label(model, name) for name in PERSON_LABELS}
    assert labels == PERSON_LABELS


@pytest.mark.parametrize(
    ("model", "name", "label"),
    OTHER_LABELS,
    ids=[f"{m.__name__}.{n}" for m, n, _label in OTHER_LABELS],
)
def test_record_field_labels_in_german(model, name, label):
    with translation.override("de"):
        assert _label(model, name) == label


def test_labels_stay_english_for_english_users():
    with translation.override("en"):
        assert str(Lead._meta.verbose_name_plural) == "Leads"
        assert _label(Lead, "phone_mobile") == "Mobile"


# Pages of a German user ----------------------------------------------------------------------


def test_navigation_of_a_german_user(german_client):
    response = german_client.get(reverse("home"))
    assert response.status_code == 200
    links = _nav_links(response.content.decode())
    for word in (
        "Firmen",
        "Kontakte",
        "Verkaufschancen",
        "Interessenten",
        "Mehr",
        "Zielkontakte",
        "Anrufe",
        "Besprechungen",
        "Aufgaben",
        "Notizen",
        "Zielkontakt erstellen",
        "Interessent erstellen",
        "Verkaufschance erstellen",
    ):
        assert word in links, f"{word!r} not in the navigation: {links}"
    for english in ("Leads", "Accounts", "Contacts", "Opportunities", "More", "Targets"):
        assert english not in links
    assert "Mein Tag" in response.content.decode()


def test_navigation_of_an_english_user(rep_client):
    links = _nav_links(rep_client.get(reverse("home")).content.decode())
    assert "Leads" in links and "More" in links


def test_create_form_labels_in_german(german_client):
    html = german_client.get(reverse("leads:create")).content.decode()
    for label in (
        "Interessent erstellen",
        "Hauptadresse Straße",
        "2. Adresse PLZ",
        "Quelle des Interessenten",
        "Telefon Mobil",
        "Keine E-Mails senden",
        "Zugewiesen an",
        "Speichern",
        "Abbrechen",
    ):
        assert label in html, label


def test_form_errors_in_german(german_client):
    response = german_client.post(
        reverse("leads:create"), {"last_name": "", "phone_work": "keine Nummer"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html  # Django's own catalog
    assert "Bitte geben Sie eine gültige Telefonnummer ein." in html  # Kontor's
    assert "Es wurde nichts gespeichert." in html
    assert not Lead.objects.exists()
