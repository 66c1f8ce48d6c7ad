"""Recently viewed records and favourites (kontor.bookmarks).

For developers changing record pages or the navigation: a record page remembers the view
cheaply, the star toggles a favourite, both lists show only records the user may still see,
and a star on a record the user may not see is refused as not found, changing nothing.
"""

import pytest
from django.urls import reverse

from kontor.accounts.tests.factories import AccountFactory
from kontor.bookmarks import actions, records
from kontor.bookmarks.models import FavouriteRecord, RecentRecord
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import registry
from kontor.core.actions import delete_records, save_record
from kontor.core.models import ChangeLog
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import create_user
from kontor.users.models import Team

pytestmark = pytest.mark.django_db


def star_url(record, slug):
    return reverse(f"{slug}:favourite", args=[record.pk])


def test_viewing_a_record_remembers_it_without_a_change_log_row(admin_client, admin):
    lead = LeadFactory(last_name="Gesehen", actor=admin)
    logged = ChangeLog.objects.count()
    admin_client.get(lead.get_absolute_url())
    admin_client.get(lead.get_absolute_url())  # once per record, however often
    assert list(RecentRecord.objects.values_list("module", "record_id")) == [("leads", lead.pk)]
    assert ChangeLog.objects.count() == logged
    assert [e.name for e in records.recent(admin)] == ["Lena Gesehen"]


def test_recent_keeps_the_newest_first_and_prunes_the_oldest(admin):
    module = registry.get("leads")
    leads = [LeadFactory(last_name=f"Folge{n:02d}", actor=admin) for n in range(35)]
    for lead in leads:
        actions.note_view(admin, module, lead.pk)
    # A new row prunes now and then (every PRUNE_EVERY-th row id): a few rows more at most.
    kept = RecentRecord.objects.filter(user=admin).count()
    assert actions.RECENT_KEPT <= kept < actions.RECENT_KEPT + actions.PRUNE_EVERY
    actions.prune_recent(admin)
    assert RecentRecord.objects.filter(user=admin).count() == actions.RECENT_KEPT
    shown = [e.name for e in records.recent(admin)]
    assert shown == [f"Lena Folge{n:02d}" for n in range(34, 24, -1)]


def test_opening_a_record_again_is_one_update(admin, django_assert_num_queries):
    module = registry.get("leads")
    lead, other = LeadFactory(actor=admin), LeadFactory(actor=admin)
    actions.note_view(admin, module, lead.pk)
    actions.note_view(admin, module, other.pk)
    first = RecentRecord.objects.get(user=admin, record_id=lead.pk)
    with django_assert_num_queries(1):
        actions.note_view(admin, module, lead.pk)
    again = RecentRecord.objects.get(user=admin, record_id=lead.pk)
    assert (again.pk, RecentRecord.objects.filter(user=admin).count()) == (first.pk, 2)
    assert again.viewed_at > first.viewed_at
    assert [e.name for e in records.recent(admin)][0] == str(lead)


def test_the_star_toggles_a_favourite_shown_in_the_menu(admin_client, admin):
    account = AccountFactory(name="Lieblings GmbH", actor=admin)
    page = admin_client.get(account.get_absolute_url()).content.decode()
    assert 'id="favourite-button"' in page and 'aria-pressed="false"' in page

    response = admin_client.post(star_url(account, "accounts"), headers={"HX-Request": "true"})
    assert 'aria-pressed="true"' in response.content.decode()
    assert FavouriteRecord.objects.filter(user=admin, record_id=account.pk).exists()
    starred = f'data-favourite="{account.pk}"'
    menu = admin_client.get(reverse("favourites-menu")).content.decode()
    assert starred in menu and "Lieblings GmbH" in menu
    assert 'aria-pressed="true"' in admin_client.get(account.get_absolute_url()).content.decode()

    response = admin_client.post(star_url(account, "accounts"))  # without HTMX: back to the page
    assert response.status_code == 302 and response["Location"] == account.get_absolute_url()
    assert not FavouriteRecord.objects.exists()
    menu = admin_client.get(reverse("favourites-menu")).content.decode()
    assert starred not in menu
    assert f'data-recent="{account.pk}"' in menu  # still among the recently viewed


def test_a_star_on_a_record_one_may_not_see_is_refused(client, admin):
    team = Team.objects.create(name="Nord")
    sven = create_user("sven", password="pw-sven-123!", roles=["sales_rep"], teams=[team])
    hidden = ContactFactory(last_name="Fremd", account=None, actor=admin)
    client.force_login(sven)
    assert client.post(star_url(hidden, "contacts")).status_code == 404
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert not FavouriteRecord.objects.exists()
    assert not RecentRecord.objects.exists()


def test_records_hidden_or_trashed_since_are_not_shown(client, admin):
    team = Team.objects.create(name="Nord")
    sven = create_user("sven", password="pw-sven-123!", roles=["sales_rep"], teams=[team])
    mine = ContactFactory(last_name="Eigen", account=None, actor=sven)
    given = ContactFactory(last_name="Weitergegeben", account=None, actor=sven)
    trashed = ContactFactory(last_name="Weggeworfen", account=None, actor=sven)
    module = registry.get("contacts")
    for contact in (mine, given, trashed):
        actions.note_view(sven, module, contact.pk)
        actions.toggle_favourite(sven, module, contact, actor=sven)
    # Given to someone outside Sven's team, and moved to the trash.
    given.assigned_user = admin
    save_record(given, actor=admin)
    given.teams.clear()
    delete_records([trashed], actor=sven)

    assert [e.pk for e in records.recent(sven)] == [mine.pk]
    assert [e.pk for e in records.favourites(sven)] == [mine.pk]
    client.force_login(sven)
    menu = client.get(reverse("favourites-menu")).content.decode()
    palette = client.get(reverse("palette")).content.decode()
    for page in (menu, palette):
        assert str(mine) in page
        assert "Weitergegeben" not in page and "Weggeworfen" not in page


def test_favourites_are_ones_own(admin, rep):
    lead = LeadFactory(actor=admin)
    with pytest.raises(PermissionError):
        actions.toggle_favourite(rep, registry.get("leads"), lead, actor=admin)
    assert not FavouriteRecord.objects.exists()


def test_the_palette_offers_modules_creates_and_records(admin_client, admin):
    lead = LeadFactory(last_name="Palette", actor=admin)
    admin_client.get(lead.get_absolute_url())
    page = admin_client.get(reverse("palette")).content.decode()
    assert "Go to Leads" in page and "Create Lead" in page
    assert str(lead) in page and lead.get_absolute_url() in page


def test_the_palette_and_menu_query_once_per_record_type(
    admin_client, admin, django_assert_num_queries
):
    for _n in range(5):
        actions.note_view(admin, registry.get("leads"), LeadFactory(actor=admin).pk)
        actions.note_view(admin, registry.get("accounts"), AccountFactory(actor=admin).pk)
    admin_client.get(reverse("favourites-menu"))
    # Session, user with profile; the favourites (none: no record query); the recent rows
    # and one query for each of their two record types.
    with django_assert_num_queries(2 + 1 + 1 + 2):
        admin_client.get(reverse("favourites-menu"))
