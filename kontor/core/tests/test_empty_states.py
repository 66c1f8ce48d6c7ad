"""What an empty list says: with no records at all, the next step (create, import); when a
search or filter matches nothing, that nothing matches and a way back to the whole list."""

from kontor.accounts.models import Account
from kontor.core.actions import save_record
from kontor.users.actions import update_profile


def test_an_empty_list_offers_to_create_the_first_record_or_import(admin_client):
    html = admin_client.get("/leads/").content.decode()
    assert 'id="list-empty"' in html
    assert "No Leads yet. Create the first one or import a file." in html
    assert 'href="/leads/new/"' in html.split('id="list-empty"')[1]
    assert 'href="/imports/leads/"' in html.split('id="list-empty"')[1]


def test_a_search_that_matches_nothing_says_so_and_links_back(admin_client):
    html = admin_client.get("/leads/", {"q": "zzzz"}).content.decode()
    assert "No records match." in html
    assert 'id="list-empty"' not in html


def test_the_empty_list_in_german(admin_client, admin):
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    html = admin_client.get("/leads/").content.decode()
    assert (
        "Noch keine Interessenten. Legen Sie den ersten Datensatz an oder importieren Sie "
        "eine Datei." in html
    )
    assert "Datei importieren" in html


def test_an_empty_trash_says_so_and_leads_back_to_the_list(admin_client):
    html = admin_client.get("/leads/trash/").content.decode()
    assert "The trash is empty." in html
    assert 'href="/leads/">Back to Leads</a>' in html


def test_an_empty_subpanel_offers_to_create_the_first_related_record(admin_client, admin):
    account = save_record(Account(name="Fjord Logistik"), actor=admin)
    html = admin_client.get(f"/accounts/{account.pk}/related/").content.decode()
    contacts = html.split('id="subpanel-contacts"')[1].split('class="card mb-3"')[0]
    assert "None yet." in contacts and "kt-empty-icon" in contacts
    assert "Create Contact</a>" in contacts
