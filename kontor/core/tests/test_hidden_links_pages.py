"""Lists, detail pages and exports never name a linked record the reader may not see: they show
"(not available)" as the timeline does (German "(nicht verfügbar)"), with no query per row."""

import io

import pytest
from openpyxl import load_workbook

from kontor.activities.tests.factories import TaskFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import registry
from kontor.core.actions import delete_records
from kontor.core.testing import count_queries, csv_rows
from kontor.core.tests.hidden_links import HIDDEN_PERSON, SECRET
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
NOT_AVAILABLE = "(not available)"


def page(client, slug, verb, pk=None, **params) -> str:
    response = client.get(registry.get(slug).url(verb, pk), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_contact_list_and_detail_page_show_a_hidden_account_as_not_available(sven_client, w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    ContactFactory(last_name="Lang", account=w.visible, actor=w.sven)
    for html in (
        page(sven_client, "contacts", "list"),
        page(sven_client, "contacts", "detail", contact.pk),
    ):
        assert SECRET not in html
        assert NOT_AVAILABLE in html
        assert "Offen AG" in html or "Krüger" in html
    assert str(w.secret.pk) not in page(sven_client, "contacts", "list")  # no link to it


def test_german_readers_see_the_german_text(sven_client, w):
    w.sven.profile.language = "de"
    w.sven.profile.save()
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    for html in (
        page(sven_client, "contacts", "list"),
        page(sven_client, "contacts", "detail", contact.pk),
    ):
        assert SECRET not in html
        assert "(nicht verfügbar)" in html


def test_who_may_see_the_account_reads_its_name(client, w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    client.force_login(w.stan)
    for html in (page(client, "contacts", "list"), page(client, "contacts", "detail", contact.pk)):
        assert SECRET in html
        assert NOT_AVAILABLE not in html


def test_a_trashed_account_is_not_available_even_to_a_manager(client, w):
    contact = ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    delete_records([w.secret], actor=w.stan)
    client.force_login(w.stan)
    for html in (page(client, "contacts", "list"), page(client, "contacts", "detail", contact.pk)):
        assert SECRET not in html
        assert NOT_AVAILABLE in html


def test_a_task_s_hidden_parent_and_contact_are_not_named(sven_client, w):
    task = TaskFactory(name="Anrufen", contact=w.hidden_contact, actor=w.sven, parent=w.secret)
    for html in (page(sven_client, "tasks", "list"), page(sven_client, "tasks", "detail", task.pk)):
        assert SECRET not in html and HIDDEN_PERSON not in html
        assert NOT_AVAILABLE in html
    assert 'id="related-to"' in page(sven_client, "tasks", "detail", task.pk)


def test_a_subpanel_row_does_not_name_a_hidden_account(sven_client, w):
    contact = ContactFactory(last_name="Krüger", account=w.visible, actor=w.sven)
    deal = OpportunityFactory(name="Lizenzen", account=w.secret, actor=w.sven)
    deal.contacts.add(contact)
    html = page(sven_client, "contacts", "related", contact.pk)  # the related lists
    assert "Lizenzen" in html
    assert SECRET not in html
    assert NOT_AVAILABLE in html


def test_the_hidden_check_costs_no_query_per_row(sven_client, w):
    ContactFactory.create_batch(3, account=w.secret, actor=w.sven)
    url = registry.get("contacts").url("list")
    sven_client.get(url)
    few, response = count_queries(lambda: sven_client.get(url))
    assert [r["cells"][2][0] for r in response.context["rows"]] == [NOT_AVAILABLE] * 3
    ContactFactory.create_batch(20, account=w.visible, actor=w.sven)
    ContactFactory.create_batch(7, actor=w.stan)  # accounts of Stan's too
    many, response = count_queries(lambda: sven_client.get(url))
    assert len(response.context["rows"]) == 23
    assert few == many


def test_exports_do_not_name_a_hidden_account(sven_client, w, client):
    ContactFactory(last_name="Krüger", account=w.secret, actor=w.sven)
    rows = csv_rows(sven_client.get(registry.get("contacts").url("export")))
    assert rows[0][:4] == ["id", "last_name", "first_name", "account"]
    assert SECRET not in str(rows)  # CSV and XLSX carry ids of links, never names
    response = sven_client.get(registry.get("contacts").url("export-xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert SECRET not in str([[c.value for c in row] for row in sheet.iter_rows()])
    card = b"".join(sven_client.get(registry.get("contacts").url("export-vcf")).streaming_content)
    assert "Krüger" in card.decode() and "Geheim" not in card.decode()
    assert "ORG:" not in card.decode()
    client.force_login(w.stan)
    card = b"".join(client.get(registry.get("contacts").url("export-vcf")).streaming_content)
    assert "ORG:Geheim GmbH" in card.decode()


def test_an_opportunity_list_row_does_not_name_a_hidden_account(sven_client, w):
    deal = OpportunityFactory(name="Lizenzen", account=w.secret, actor=w.sven)
    for html in (
        page(sven_client, "opportunities", "list"),
        page(sven_client, "opportunities", "detail", deal.pk),
    ):
        assert "Lizenzen" in html and SECRET not in html
        assert NOT_AVAILABLE in html
