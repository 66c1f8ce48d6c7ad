"""The record page as a salesperson uses it: the header's key facts, the path whose steps move
a record through the action (refusals change nothing), empty fields behind a toggle, mailto:
and tel: links, an account's activities of its contacts and deals (through the permission
filter), related lists with a capped count and totals, and the timeline and related lists
loaded after the page with pinned query counts."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils import timezone

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory, NoteFactory, TaskFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import events, registry
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.core.records import related_lists, tables
from kontor.core.testing import count_queries
from kontor.core.tests.hidden_links import snapshot
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def deal(rep):
    account = AccountFactory(name="Nordwind AG", actor=rep)
    return OpportunityFactory(
        name="Lizenzen 2027",
        account=account,
        amount=Decimal("12500.00"),
        currency="CHF",
        sales_stage="Prospecting",
        actor=rep,
    )


# --- header ------------------------------------------------------------------------------------


def test_the_header_shows_owner_stage_amount_with_currency_and_the_next_activity(
    rep_client, rep, deal
):
    later = timezone.now() + datetime.timedelta(days=3)
    CallFactory(name="Später anrufen", parent=deal, date_start=later, actor=rep)
    CallFactory(name="Bald anrufen", parent=deal, date_start=later - datetime.timedelta(days=2))
    response = rep_client.get(f"/opportunities/{deal.pk}/")
    facts = {f["name"]: f for f in response.context["header_facts"]}
    assert facts["assigned_user"]["text"] == "Rolf Rep"  # the full name, not the username
    assert facts["sales_stage"]["text"] == "Prospecting"
    assert "badge" in facts["sales_stage"]["badge"]
    # No CHF rate yet: the page says so rather than show a base amount (docs/currencies.md).
    assert facts["amount"]["text"] == "12,500.00 CHF (no exchange rate to EUR)"
    assert facts["next_activity"]["text"] == "Bald anrufen"  # the soonest open one
    html = html_of(response)
    assert 'id="record-facts"' in html and "12,500.00 CHF" in html


def test_a_leads_header_shows_its_amount_in_the_default_currency_and_links_to_mail_and_phone(
    rep_client, rep
):
    lead = save_record(
        Lead(
            last_name="Brandt",
            email1="jana.brandt@example.de",
            phone_work="+49 30 1234-56",
            opportunity_amount=Decimal("900"),
        ),
        actor=rep,
    )
    response = rep_client.get(f"/leads/{lead.pk}/")
    facts = {f["name"]: f for f in response.context["header_facts"]}
    assert facts["opportunity_amount"]["text"] == "900.00 EUR"
    assert facts["email1"]["url"] == "mailto:jana.brandt@example.de"
    assert facts["phone_work"]["url"] == "tel:+4930123456"
    assert "phone_mobile" not in facts  # empty values are left out


def test_detail_values_link_mail_and_phone_and_empty_fields_are_behind_a_toggle(rep_client, rep):
    contact = ContactFactory(
        last_name="Hoffmann", email1="a.hoffmann@example.de", phone_mobile="0171 555", actor=rep
    )
    response = rep_client.get(f"/contacts/{contact.pk}/")
    fields = {f["name"]: f for p in response.context["panels"] for f in p["fields"]}
    assert fields["email1"]["url"] == "mailto:a.hoffmann@example.de"
    assert fields["phone_mobile"]["url"] == "tel:0171555"
    html = html_of(response)
    assert 'href="mailto:a.hoffmann@example.de"' in html and 'href="tel:0171555"' in html
    first = response.context["panels"][0]
    empty = [f["name"] for f in first["empty_fields"]]
    assert "department" in empty and "email1" not in empty
    assert f"Show empty fields ({len(empty)})" in html
    # A panel with only empty fields (the addresses here) is collapsed whole.
    assert any(not p["fields"] and not p["wide_fields"] for p in response.context["panels"])
    assert '<details class="card mb-3 record-panel record-panel-empty">' in html


# --- path --------------------------------------------------------------------------------------


def test_a_path_click_moves_the_stage_through_the_action(
    rep_client, rep, deal, django_capture_on_commit_callbacks
):
    heard = []
    events.listen(heard.extend)
    try:
        page = rep_client.get(f"/opportunities/{deal.pk}/")
        path = page.context["path"]
        assert [s["key"] for s in path["terminal"]] == ["Closed Won", "Closed Lost"]
        assert 'name="value" value="Qualification"' in html_of(page)
        with django_capture_on_commit_callbacks(execute=True):
            response = rep_client.post(
                f"/opportunities/{deal.pk}/stage/",
                {"value": "Negotiation/Review", "version": path["version"]},
            )
    finally:
        events.stop_listening(heard.extend)
    assert response.status_code == 302 and response.url == f"/opportunities/{deal.pk}/"
    stored = Opportunity.objects.get(pk=deal.pk)
    assert stored.sales_stage == "Negotiation/Review"
    assert stored.probability == 80  # follows the stage, as in the edit form
    row = ChangeLog.objects.get(record_id=deal.pk, field="sales_stage")
    assert (row.old_value, row.new_value, row.actor) == ("Prospecting", "Negotiation/Review", rep)
    assert [e.kind for e in heard] == [events.UPDATED]  # the webhooks hear of it


def test_a_path_click_with_htmx_swaps_the_page_part_and_shows_the_new_step(rep_client, deal):
    version = rep_client.get(f"/opportunities/{deal.pk}/").context["path"]["version"]
    response = rep_client.post(
        f"/opportunities/{deal.pk}/stage/",
        {"value": "Closed Won", "version": version},
        headers={"HX-Request": "true"},
    )
    html = html_of(response)
    assert 'id="record-page"' in html and 'aria-current="step">Closed Won' in html
    assert Opportunity.objects.get(pk=deal.pk).sales_stage == "Closed Won"


@override_settings(KONTOR_MODE="b2b")
def test_a_refused_click_changes_nothing_and_says_why_in_german(rep_client, rep, deal):
    Opportunity.objects.filter(pk=deal.pk).update(account=None)  # a record from before B2B
    before = snapshot(deal)
    rep.profile.language = "de"
    rep.profile.save()
    version = rep_client.get(f"/opportunities/{deal.pk}/").context["path"]["version"]
    response = rep_client.post(
        f"/opportunities/{deal.pk}/stage/",
        {"value": "Qualification", "version": version},
        headers={"HX-Request": "true"},
    )
    html = html_of(response)
    assert "Die Phase wurde nicht geändert." in html
    assert "Eine Verkaufschance braucht eine Firma (B2B-Modus)." in html
    assert snapshot(deal) == before


def test_a_click_on_a_page_someone_else_saved_meanwhile_changes_nothing(rep_client, rep, deal):
    version = rep_client.get(f"/opportunities/{deal.pk}/").context["path"]["version"]
    deal.refresh_from_db()
    deal.next_step = "Angebot schicken"
    save_record(deal, actor=rep)  # another tab's save: a newer version
    before = snapshot(deal)
    response = rep_client.post(
        f"/opportunities/{deal.pk}/stage/", {"value": "Qualification", "version": version}
    )
    assert response.status_code == 302
    assert snapshot(deal) == before
    page = html_of(rep_client.get(response.url))
    assert "someone else saved this record meanwhile" in page


def test_an_unknown_stage_is_refused(rep_client, deal):
    before = snapshot(deal)
    rep_client.post(f"/opportunities/{deal.pk}/stage/", {"value": "Gewürfelt"})
    assert snapshot(deal) == before


def test_a_user_who_may_not_see_the_record_cannot_click(sven_client, w):
    deal = OpportunityFactory(account=w.secret, actor=w.stan)
    before = snapshot(deal)
    response = sven_client.post(f"/opportunities/{deal.pk}/stage/", {"value": "Qualification"})
    assert response.status_code == 404
    assert snapshot(deal) == before
    for verb in ("timeline", "related"):
        assert sven_client.get(f"/opportunities/{deal.pk}/{verb}/").status_code == 404


def test_a_leads_lifecycle_path_moves_and_a_viewer_sees_no_buttons(rep_client, rep, w):
    lead = save_record(Lead(last_name="Kraus"), actor=rep)
    path = rep_client.get(f"/leads/{lead.pk}/").context["path"]
    assert [s["key"] for s in path["steps"]] == ["ML", "MQL", "SQL"]
    rep_client.post(f"/leads/{lead.pk}/stage/", {"value": "SQL", "version": path["version"]})
    assert Lead.objects.get(pk=lead.pk).lifecycle_stage == "SQL"
    steps = rep_client.get(f"/leads/{lead.pk}/").context["path"]["steps"]
    assert [(s["done"], s["current"]) for s in steps] == [(True, False)] * 2 + [(False, True)]
    assert steps[2]["entered"] is not None


# --- account activities, related lists -----------------------------------------------------------


def test_an_account_shows_the_activities_of_its_contacts_and_deals_only_when_visible(client, w):
    account = w.visible
    mine = ContactFactory(last_name="Sichtbar", account=account, actor=w.sven)
    theirs = ContactFactory(last_name="Fremd", account=account, actor=w.stan)  # hidden from Sven
    deal = OpportunityFactory(account=account, actor=w.sven)
    CallFactory(name="Anruf bei Sichtbar", parent=mine, actor=w.sven)
    TaskFactory(name="Aufgabe am Deal", parent=deal, contact=None, actor=w.sven)
    NoteFactory(name="Notiz zu Fremd", parent=theirs, contact=None, actor=w.stan)
    client.force_login(w.sven)
    sven = client.get(f"/accounts/{account.pk}/related/")
    names = [a["record"].name for a in sven.context["source_activities"]]
    assert sorted(names) == ["Anruf bei Sichtbar", "Aufgabe am Deal"]
    assert "Notiz zu Fremd" not in html_of(sven)
    client.force_login(w.stan)
    stan = client.get(f"/accounts/{account.pk}/related/")
    names = [a["record"].name for a in stan.context["source_activities"]]
    assert sorted(names) == ["Anruf bei Sichtbar", "Aufgabe am Deal", "Notiz zu Fremd"]
    parents = {a["record"].name: str(a["parent"][1]) for a in stan.context["source_activities"]}
    assert parents["Anruf bei Sichtbar"] == str(mine)


def test_the_account_activities_cost_a_fixed_number_of_queries(rep_client, rep):
    account = AccountFactory(actor=rep)
    url = f"/accounts/{account.pk}/related/"

    def add_one_each():
        contact = ContactFactory(account=account, actor=rep)
        CallFactory(parent=contact, actor=rep)
        NoteFactory(parent=OpportunityFactory(account=account, actor=rep), contact=None)

    add_one_each()
    rep_client.get(url)
    few, response = count_queries(lambda: rep_client.get(url))
    assert len(response.context["source_activities"]) == 2
    for _ in range(4):
        add_one_each()
    many, response = count_queries(lambda: rep_client.get(url))
    assert len(response.context["source_activities"]) == 10
    assert many == few


def test_related_lists_show_a_capped_count_and_totals_per_currency(rep_client, rep):
    account = AccountFactory(actor=rep)
    for amount, currency in (("100.00", "EUR"), ("250.50", "EUR"), ("70.00", "USD")):
        OpportunityFactory(account=account, amount=Decimal(amount), currency=currency, actor=rep)
    response = rep_client.get(f"/accounts/{account.pk}/related/")
    sub = next(s for s in response.context["subpanels"] if s["module"].slug == "opportunities")
    assert sub["count"] == "3"
    assert sub["totals"][0]["sums"] == [("EUR", "350.50"), ("USD", "70.00")]
    html = html_of(response)
    assert "350.50 EUR" in html and "70.00 USD" in html
    for _ in range(10):
        OpportunityFactory(account=account, amount=Decimal("1.00"), currency="EUR", actor=rep)
    response = rep_client.get(f"/accounts/{account.pk}/related/")
    sub = next(s for s in response.context["subpanels"] if s["module"].slug == "opportunities")
    assert sub["count"] == "10+" and len(sub["rows"]) == 10
    assert sub["totals"][0]["sums"] == [("EUR", "360.50"), ("USD", "70.00")]  # all, not shown
    assert not sub["totals"][0]["capped"]


def test_totals_of_a_long_list_stop_at_the_cap(rep, monkeypatch):
    account = AccountFactory(actor=rep)
    for _ in range(4):
        OpportunityFactory(account=account, amount=Decimal("10.00"), currency="EUR", actor=rep)
    monkeypatch.setattr(related_lists, "TOTALS_CAP", 3)
    cols = tables.columns(registry.get("opportunities"), ["amount"])
    queryset = Opportunity.objects.filter(account=account)
    (found,) = related_lists.totals(cols, queryset, list(queryset[:2]), more=True)
    assert found["sums"] == [("EUR", "30.00")] and found["capped"]


# --- the page and its fragments: speed ---------------------------------------------------------


def test_the_page_does_not_wait_for_the_timeline_and_related_lists(rep_client, rep, deal):
    NoteFactory(name="Gesprächsnotiz", parent=deal, contact=None, actor=rep)
    page = rep_client.get(f"/opportunities/{deal.pk}/")
    html = html_of(page)
    assert "timeline" not in page.context and "subpanels" not in page.context
    assert f'hx-get="/opportunities/{deal.pk}/timeline/"' in html
    assert f'hx-get="/opportunities/{deal.pk}/related/"' in html
    assert 'hx-trigger="load"' in html
    timeline = rep_client.get(f"/opportunities/{deal.pk}/timeline/")
    assert "Gesprächsnotiz" in html_of(timeline)


def test_a_contact_page_and_its_fragments_cost_the_same_with_a_long_timeline(rep_client, rep):
    contact = ContactFactory(account=AccountFactory(actor=rep), actor=rep)
    urls = [f"/contacts/{contact.pk}/{part}" for part in ("", "timeline/", "related/")]
    for url in urls:
        rep_client.get(url)
    few = [count_queries(lambda u=url: rep_client.get(u))[0] for url in urls]
    ct = ContentType.objects.get_for_model(contact)
    for n in range(30):
        CallFactory(name=f"Anruf {n}", parent_type=ct, parent_id=contact.pk, actor=rep)
        contact.title = f"Titel {n}"
        save_record(contact, actor=rep)
    many = [count_queries(lambda u=url: rep_client.get(u))[0] for url in urls]
    assert many == few
    assert few == [9, 13, 6]
