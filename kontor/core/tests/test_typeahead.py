"""The type-ahead under the top search (/search/suggest/, kontor.core.suggest).

For developers changing the suggestions or the search: matches of every record type the user
may see with their context, never a record they may not see, contacts found through their
account's name, a fixed number of queries however many records match.
"""

import pytest
from django.db import connection
from django.urls import reverse

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import suggest
from kontor.core.grants import EVERYTHING
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import create_user
from kontor.users.models import Role, Team

pytestmark = pytest.mark.django_db

URL = reverse("search-suggest")


def names(user, term) -> dict[str, list[str]]:
    return {g.module.slug: [h.name for h in g.hits] for g in suggest.groups(user, term)}


@pytest.fixture
def records(admin):
    acme = AccountFactory(name="Brennholz AG", billing_address_city="Kassel", actor=admin)
    ContactFactory(
        first_name="Karl", last_name="Brenner", email1="karl@example.de", account=acme, actor=admin
    )
    ContactFactory(first_name="Eva", last_name="Kunz", account=acme, actor=admin)
    LeadFactory(first_name="Berta", last_name="Brenner", account_name="Ofenbau KG", actor=admin)
    OpportunityFactory(name="Brennöfen 2027", account=acme, actor=admin)
    return acme


def test_hits_of_every_type_with_their_context(admin_client, admin, records):
    found = names(admin, "brenn")
    assert found["accounts"] == ["Brennholz AG"]
    assert "Karl Brenner" in found["contacts"]
    assert found["leads"] == ["Berta Brenner"]
    assert found["opportunities"] == ["Brennöfen 2027"]

    page = admin_client.get(URL, {"q": "brenn"}).content.decode()
    assert 'role="option"' in page
    assert "karl@example.de" in page  # a contact's e-mail beside its name
    assert "Ofenbau KG" in page  # a lead's company
    assert "Kassel" in page  # an account's city
    assert "Ada Admin" in page  # the owner
    assert "/search/?q=brenn" in page  # and the full search at the end


def test_a_contact_is_found_through_its_accounts_name(admin, records):
    contacts = next(g for g in suggest.groups(admin, "holz") if g.module.slug == "contacts")
    assert {h.name: h.via for h in contacts.hits} == {
        "Karl Brenner": "Brennholz AG",
        "Eva Kunz": "Brennholz AG",
    }


def test_short_and_empty_terms_find_nothing(admin, admin_client, records):
    assert suggest.groups(admin, "b") == []
    assert suggest.groups(admin, "  ") == []
    assert suggest.groups(admin, "..") == []
    page = admin_client.get(URL, {"q": "b"}).content.decode()
    assert "option" not in page and "Nothing found" not in page
    assert "Type two letters or more." in page


def test_a_few_hits_per_type_and_a_cap_in_all(admin):
    for n in range(suggest.PER_MODULE + 3):
        LeadFactory(last_name=f"Zander{n}", actor=admin)
    assert len(names(admin, "zander")["leads"]) == suggest.PER_MODULE


def test_no_lead_hits_without_access_to_leads(client, admin, records):
    role = Role.objects.create(name="Nur Kontakte", grants={"contacts": dict(EVERYTHING)})
    user = create_user("kai", password="pw-kai-123!", roles=[role])
    found = names(user, "brenn")
    assert set(found) == {"contacts"}
    client.force_login(user)
    page = client.get(URL, {"q": "brenn"}).content.decode()
    assert "Berta" not in page and "Brennholz" not in page and "Brennöfen" not in page


def test_a_hidden_contact_never_shows(client, admin):
    team = Team.objects.create(name="Nord")
    sven = create_user("sven", password="pw-sven-123!", roles=["sales_rep"], teams=[team])
    stan = create_user("stan", password="pw-stan-123!", roles=["sales_manager"])
    ContactFactory(last_name="Versteckt", account=None, actor=stan)
    own = AccountFactory(name="Versteckt Partner", actor=sven)
    secret = AccountFactory(name="Geheimversteck GmbH", actor=stan)
    ContactFactory(last_name="Sichtbar", account=secret, actor=sven)
    ContactFactory(last_name="Auch Versteckt", account=own, actor=stan)

    found = names(sven, "versteck")
    assert found == {"accounts": ["Versteckt Partner"]}
    # Not through a hidden account's name either, nor a hidden contact of a visible account.
    assert "contacts" not in names(sven, "geheimversteck")
    client.force_login(sven)
    page = client.get(URL, {"q": "versteck"}).content.decode()
    assert "Versteckt Partner" in page
    assert "Auch Versteckt" not in page and "Geheimversteck" not in page
    assert ">Versteckt<" not in page


def test_queries_are_fixed_however_many_match(admin_client, admin, django_assert_num_queries):
    acme = AccountFactory(name="Quelle AG", actor=admin)

    def add(count):
        for n in range(count):
            LeadFactory(last_name=f"Quellmann{n}", actor=admin)
            ContactFactory(last_name=f"Quast{n}", account=acme, actor=admin)

    add(6)
    admin_client.get(URL, {"q": "quel"})  # the dropdown lists cached
    # Session, user with profile; then the ids of every record type's newest matches and of the
    # contacts' and opportunities' matches through their account's name (PostgreSQL: one
    # UNION ALL), and the rows of the types with hits (accounts, contacts, leads). The admin
    # sees everything: no link needs a check.
    with_hits = 3
    if connection.vendor == "postgresql":
        expected = 2 + 1 + with_hits
    else:
        # SQLite: per type its capped row ids, then the ids of the types with direct matches
        # (accounts, leads) and of the two links, each a query of its own.
        types = len(suggest.registry.modules())
        expected = 2 + types + 2 + 2 + with_hits
    for more in (0, 20):
        add(more)
        with django_assert_num_queries(expected):
            page = admin_client.get(URL, {"q": "quel"}).content.decode()
        # Four leads, four contacts through the account, the account, and the full search.
        assert page.count('role="option"') == 2 * suggest.PER_MODULE + 1 + 1


def test_direct_matches_first_and_each_record_once(admin, records):
    contacts = next(g for g in suggest.groups(admin, "brenn") if g.module.slug == "contacts")
    # Karl Brenner matches by name and through Brennholz AG: shown once, as a direct match.
    assert [(h.name, h.via) for h in contacts.hits] == [
        ("Karl Brenner", ""),
        ("Eva Kunz", "Brennholz AG"),
    ]


def test_a_whole_email_finds_its_record_and_only_a_visible_one(admin):
    team = Team.objects.create(name="Süd")
    sven = create_user("sven", password="pw-sven-123!", roles=["sales_rep"], teams=[team])
    LeadFactory(last_name="Offen", email1="same@firma.de", actor=sven)
    LeadFactory(last_name="Geheim", email1="same@firma.de", actor=admin)
    LeadFactory(last_name="Anders", email1="other.same@firma.de", actor=sven)

    def last_names(user, term):
        return {slug: [n.split()[-1] for n in hits] for slug, hits in names(user, term).items()}

    assert last_names(admin, "Same@Firma.de") == {"leads": ["Geheim", "Offen"]}
    assert last_names(sven, "same@firma.de") == {"leads": ["Offen"]}
    # Part of an address is still a substring search.
    assert sorted(last_names(sven, "same@firma")["leads"]) == ["Anders", "Offen"]
