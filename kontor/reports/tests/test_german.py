"""The report pages in German: no English leftovers (the checks of the German page walk), the
figures in German number format and German period names."""

import datetime as dt
from decimal import Decimal

import pytest

from kontor.core.tests.test_german_pages import english_catalogue, leftovers
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.reports.tests.conftest import make_report
from kontor.users.actions import update_profile

pytestmark = pytest.mark.django_db


def test_every_report_page_reads_german(client, rep, team):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    team.members.add(rep)
    for amount in ("1200.50", "99.50"):
        lead = LeadFactory(
            last_name="Möller",
            opportunity_amount=Decimal(amount),
            lead_source="Web Site",
            actor=rep,
        )
    Lead.objects.filter(pk=lead.pk).update(date_entered=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    report = make_report(
        rep,
        name="Quellen je Quartal",
        group_by=["lead_source", "date_entered:quarter"],
        aggregates=["count", "sum:opportunity_amount", "avg:opportunity_amount"],
        share="team",
        team=team,
    )
    client.force_login(rep)
    catalogue = english_catalogue()
    pages = {
        url: client.get(url)
        for url in (
            "/reports/",
            "/reports/new/",
            f"/reports/{report.pk}/",
            f"/reports/{report.pk}/edit/",
            f"/reports/{report.pk}/delete/",
            "/reports/fields/?report-module=opportunities",
        )
    }
    preview = client.post(
        "/reports/preview/",
        {
            "report-name": "X",
            "report-module": "leads",
            "report-group_1": "date_entered",
            "report-aggregates": ["count"],
            "report-chart": "line",
            "report-share": "private",
        },
    )
    pages["preview (missing period)"] = preview
    problems = {}
    for url, page in pages.items():
        assert page.status_code == 200, url
        found = leftovers(page.content.decode(), catalogue, rep.username)
        if found:
            problems[url] = found
    assert problems == {}
    detail = pages[f"/reports/{report.pk}/"].content.decode()
    assert "Berichte" in pages["/reports/"].content.decode()
    assert "Summe von Betrag der Verkaufschance" in detail
    assert "1.300,00" in detail  # 1,200.50 + 99.50 in German format
    assert "Q1 2026" in detail and "Freigegeben für das Team Vertrieb Nord" in detail
    assert "nach Woche, Monat, Quartal oder Jahr" in preview.content.decode()
