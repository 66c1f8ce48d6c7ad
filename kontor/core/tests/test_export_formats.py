"""Export formats of a list: CSV and XLSX with formula neutralisation,
vCard of people. Property-based tests feed hostile text through the writers."""

import csv
import io
import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kontor.contacts.tests.factories import ContactFactory
from kontor.core.records.export import FORMULA_STARTS, csv_cell, neutralise, xlsx_cell
from kontor.core.records.vcard import card_lines, escape_text, fold
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


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


@given(st.text(max_size=300))
def test_escaped_text_round_trips_and_breaks_no_structure(text):
    escaped = escape_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert not re.search(r"(?<!\\)(\\\\)*[;,]", escaped.replace("\\;", "").replace("\\,", ""))
    expected = "".join(
        ch
        for ch in text.replace("\r\n", "\n").replace("\r", "\n")
        if ch in "\t\n" or ord(ch) >= 0x20 and ord(ch) != 0x7F
    )
    assert unescape(escaped) == expected


@given(st.text(max_size=400))
def test_folded_lines_are_75_octets_and_unfold_to_the_line(text):
    line = "NOTE:" + escape_text(text)
    folded = fold(line)
    assert folded.endswith("\r\n")
    physical = folded[:-2].split("\r\n")
    assert all(len(p.encode()) <= 75 for p in physical)
    assert "".join([physical[0], *[p[1:] for p in physical[1:]]]) == line


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
def test_vcard_is_not_offered_for_non_people(rep_client):
    assert rep_client.get(reverse("accounts:export-vcf")).status_code == 404


def test_card_lines_leave_out_empty_properties():
    from django.utils import timezone

    from kontor.core.records.vcard import FIELDS

    values = {name: "" for name in FIELDS} | {
        "id": "x",
        "last_name": "Solo",
        "birthdate": None,
        "date_modified": timezone.now(),
    }
    assert [line.split(":")[0] for line in card_lines(values)] == [
        "BEGIN",
        "VERSION",
        "N",
        "FN",
        "UID",
        "REV",
        "END",
    ]


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
