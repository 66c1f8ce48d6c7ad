"""Export formats of a list: CSV and XLSX with formula neutralisation,
vCard of people. Property-based tests feed hostile text through the writers."""

import csv
import datetime
import io

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kontor.contacts.tests.factories import ContactFactory
from kontor.core.records.export import FORMULA_STARTS, csv_cell, neutralise, xlsx_cell
from kontor.core.records.vcard import FIELDS, card
from kontor.core.testing import count_queries, csv_rows
from kontor.leads.tests.factories import LeadFactory

HOSTILE = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    [
        "=1+1",
        "+49 30 123",
        "-2+3",
        "@SUM(A1)",
        "\t=cmd",
        "\r=x",
        '=HYPERLINK("http://x")',
        "'=already",
        "\uff1d1+1",
        "",
    ]
)


# --- neutralisation --------------------------------------------------------------------------


@given(HOSTILE)
def test_csv_cells_never_start_a_formula_and_keep_the_text(text):
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(text)])
    [[cell]] = list(csv.reader(io.StringIO(out.getvalue())))
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == (f"'{text}" if text.startswith(FORMULA_STARTS) else text)


@settings(max_examples=25, deadline=None)
@given(st.lists(HOSTILE, min_size=1, max_size=8))
def test_xlsx_cells_are_never_formulas(texts):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([xlsx_cell(t) for t in texts])
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    for text, cell in zip(texts, row, strict=True):
        clean = ILLEGAL_CHARACTERS_RE.sub("", text)
        assert cell.data_type != "f"
        assert (cell.value or "") == neutralise(clean).replace("\r\n", "\n").replace("\r", "\n")


def test_numbers_stay_numbers():
    assert csv_cell(-5) == "-5" and xlsx_cell(-5) == -5


# --- vCard and iCalendar text ----------------------------------------------------------------


def expected_text(text: str) -> str:
    """What a TEXT value reads back as: line breaks as LF, control characters dropped."""
    return "".join(
        ch
        for ch in text.replace("\r\n", "\n").replace("\r", "\n")
        if ch in "\t\n" or ord(ch) >= 0x20 and ord(ch) != 0x7F
    )


def solo(**values) -> dict:
    return (
        {name: "" for name in FIELDS}
        | {
            "id": "x",
            "last_name": "Solo",
            "birthdate": None,
            "date_modified": timezone.now(),
        }
        | values
    )


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=80))
def test_any_note_and_name_round_trip_through_the_card_in_folded_lines(note, name):
    text = card(solo(description=note, last_name=name or "Solo")).serialize()
    assert text.endswith("END:VCARD\r\n")
    physical = text[:-2].split("\r\n")
    # vobject folds at 75 octets only in lines of 75 characters or more: a shorter line of
    # multi-byte characters stays whole (RFC 6350 says SHOULD; readers unfold any length).
    assert all(len(p.encode()) <= 75 or len(p) < 75 for p in physical)
    parsed = vobject.readOne(text)
    assert getattr(parsed, "note", None) is None or parsed.note.value == expected_text(note)
    assert bool(expected_text(note)) == hasattr(parsed, "note")
    assert parsed.n.value.family == expected_text(name or "Solo")


# --- the views --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_export_neutralises_a_formula_in_a_name(rep_client, rep):
    LeadFactory(actor=rep, last_name='=HYPERLINK("http://evil")', account_name="@Acme")
    rows = csv_rows(rep_client.get(reverse("leads:export")))
    assert any(cell == '\'=HYPERLINK("http://evil")' for cell in rows[1])
    assert "'@Acme" in rows[1]


@pytest.mark.django_db
def test_xlsx_export_has_the_list_the_user_sees_in_flat_queries(rep_client, rep):
    LeadFactory(actor=rep, last_name="=1+1", account_name="Alpha GmbH")
    LeadFactory(actor=rep, last_name="Zeta", account_name="Beta AG")
    url = reverse("leads:export-xlsx") + "?sort=last_name"
    few, response = count_queries(lambda: rep_client.get(url))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = rows[0]
    assert header[0] == "id" and "last_name" in header
    names = [r[header.index("last_name")] for r in rows[1:]]
    assert names == ["'=1+1", "Zeta"]
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)
    filtered = rep_client.get(reverse("leads:export-xlsx") + "?q=zeta")
    sheet = load_workbook(io.BytesIO(b"".join(filtered.streaming_content))).active
    assert sheet.max_row == 2  # the header and Zeta: the search of the list applies
    for _ in range(10):
        LeadFactory(actor=rep)
    many, _response = count_queries(lambda: rep_client.get(url))
    assert many == few


@pytest.mark.django_db
def test_vcard_of_one_contact_and_of_a_list(rep_client, rep):
    contact = ContactFactory(
        actor=rep,
        first_name="Jörg",
        last_name="Weiß, Jr.",
        description="Line one\nLine two; with comma, too",
        primary_address_city="München",
    )
    one = rep_client.get(reverse("contacts:vcard", args=[contact.pk]))
    text = b"".join(one.streaming_content).decode()
    assert one["Content-Type"].startswith("text/vcard")
    assert "N:Weiß\\, Jr.;Jörg;;Ms.;\r\n" in text
    assert "NOTE:Line one\\nLine two\\; with comma\\, too\r\n" in text
    assert "ADR;TYPE=WORK:;;;München;;;\r\n" in text
    assert f"ORG:{contact.account.name}" in text
    LeadFactory(actor=rep, last_name="Lead-Person")
    leads = b"".join(rep_client.get(reverse("leads:export-vcf")).streaming_content).decode()
    assert leads.count("BEGIN:VCARD") == 1 and "N:Lead-Person;" in leads


@pytest.mark.django_db
def test_a_list_of_cards_parses_back_with_the_library_to_the_same_fields(rep_client, rep):
    ContactFactory(
        actor=rep,
        salutation="Dr.",
        first_name="Anna",
        last_name="Zeta; Müller",
        title="CEO, Vertrieb",
        email1="anna@example.de",
        phone_mobile="+49 170 1234567",
        birthdate=datetime.date(1980, 2, 29),
        alt_address_street="Hauptstr. 1\nHinterhaus",
        alt_address_postalcode="10115",
        alt_address_country="Deutschland",
    )
    ContactFactory(actor=rep, first_name="Bert", last_name="Alpha")
    url = reverse("contacts:export-vcf") + "?sort=last_name"
    text = b"".join(rep_client.get(url).streaming_content).decode()
    first, second = vobject.readComponents(text)
    assert first.n.value.family == "Alpha" and first.n.value.given == "Bert"
    assert second.n.value.family == "Zeta; Müller" and second.n.value.prefix == "Dr."
    assert second.fn.value == "Anna Zeta; Müller" and second.title.value == "CEO, Vertrieb"
    assert second.email.value == "anna@example.de"
    assert second.email.params["TYPE"] == ["INTERNET", "PREF"]
    [mobile] = [t for t in second.tel_list if "CELL" in t.params["TYPE"]]
    assert mobile.value == "+49 170 1234567"
    assert second.bday.value == "1980-02-29"
    [home] = [a for a in second.adr_list if a.params["TYPE"] == ["HOME"]]
    assert home.value.street == "Hauptstr. 1\nHinterhaus"
    assert (home.value.code, home.value.country) == ("10115", "Deutschland")


@pytest.mark.django_db
def test_vcard_is_not_offered_for_non_people(rep_client):
    assert rep_client.get(reverse("accounts:export-vcf")).status_code == 404


def test_a_card_leaves_out_empty_properties():
    text = card(solo()).serialize()
    names = [line.split(":")[0] for line in text.splitlines()]
    # The library writes VERSION and UID first and the rest in alphabetical order.
    assert names == ["BEGIN", "VERSION", "UID", "FN", "N", "REV", "END"]


@pytest.mark.django_db
def test_without_the_export_right_there_is_no_menu_and_every_format_is_404(client, admin):
    from kontor.targets.tests.factories import TargetFactory
    from kontor.users.actions import create_user

    scout = create_user("scout", password="pw-scout-123!", roles=["external_lead_generation"])
    target = TargetFactory(actor=scout, last_name="Findling")
    client.force_login(scout)
    page = client.get(reverse("targets:list"))
    assert page.status_code == 200 and 'id="export-menu"' not in page.content.decode()
    assert 'id="vcard-link"' not in client.get(target.get_absolute_url()).content.decode()
    for url in (
        reverse("targets:export"),
        reverse("targets:export-xlsx"),
        reverse("targets:export-vcf"),
        reverse("targets:vcard", args=[target.pk]),
        reverse("calls-ics"),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_exports_hold_only_what_the_users_scope_allows(client, admin):
    from kontor.users.actions import create_user

    own = create_user("own", password="pw-own-123!", roles=["sales_rep"])
    LeadFactory(actor=own, last_name="Mine")
    LeadFactory(actor=admin, last_name="Not mine")
    client.force_login(own)
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("leads:export-xlsx")).streaming_content))
    ).active
    header = [c.value for c in next(sheet.iter_rows())]
    names = [r[header.index("last_name")].value for r in list(sheet.iter_rows())[1:]]
    assert names == ["Mine"]
    cards = b"".join(client.get(reverse("leads:export-vcf")).streaming_content).decode()
    assert "N:Mine;" in cards and "Not mine" not in cards


@pytest.mark.django_db
def test_xlsx_stops_at_the_sheet_limit_and_says_so(rep_client, rep, monkeypatch):
    from kontor.core.records.export import XlsxExportView

    for name in ("A", "B", "C"):
        LeadFactory(actor=rep, last_name=name)
    monkeypatch.setattr(XlsxExportView, "max_rows", 2)
    response = rep_client.get(reverse("leads:export-xlsx"))
    assert "-first-2.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 3  # the header and two rows
