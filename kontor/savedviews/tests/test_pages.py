"""Saved views on the list pages: tabs, opening a view, the default, forged ids, saving, the
pages that change views, and what the tabs cost."""

import pytest
from django.urls import reverse

from kontor.core.testing import assert_query_count, count_queries
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.savedviews import actions
from kontor.savedviews.models import DefaultView, SavedView
from kontor.users.sharing import Share

pytestmark = pytest.mark.django_db

LIST = "/leads/"


def snapshot():
    return list(
        SavedView.objects.order_by("pk").values_list(
            "pk", "owner_id", "name", "query", "columns", "share", "team_id", "position"
        )
    ), list(DefaultView.objects.order_by("pk").values_list("user_id", "module", "view_id"))


def make(actor, name="Neue", query="status=New", columns=(), share=Share.PRIVATE, team=None):
    return actions.create_view(
        "leads", name=name, query=query, columns=list(columns), share=share, team=team, actor=actor
    )


@pytest.fixture
def leads(rolf, otto):
    return {
        "new": LeadFactory(last_name="Albers", status="New", actor=rolf),
        "dead": LeadFactory(last_name="Dorn", status="Dead", actor=rolf),
        "otto": LeadFactory(last_name="Ottmann", status="New", actor=otto, assigned_user=otto),
    }


def names(response) -> set[str]:
    pks = [row["pk"] for row in response.context["rows"]]
    return set(Lead.objects.filter(pk__in=pks).values_list("last_name", flat=True))


def tabs(response) -> list[str]:
    return [t["view"].name for t in response.context["saved_views"]["tabs"]]


def test_opening_a_view_applies_its_filters_and_columns(client, rolf, leads):
    view = make(rolf, "Neue", columns=["last_name", "status"])
    client.force_login(rolf)
    response = client.get(f"{LIST}?view={view.pk}&{view.query}")
    assert response.status_code == 200
    assert names(response) == {"Albers", "Ottmann"}
    assert [c.name for c in response.context["columns"]] == ["last_name", "status"]
    assert response.context["saved_views"]["active"] == view
    html = response.content.decode()
    assert f'aria-current="page" data-view-id="{view.pk}"' in html
    assert 'id="more-filters"' in html and "Neue" in html
    # "All" shows everything with the user's own columns.
    everything = client.get(f"{LIST}?view=all")
    assert names(everything) == {"Albers", "Dorn", "Ottmann"}
    assert [c.name for c in everything.context["columns"]] != ["last_name", "status"]
    assert everything.context["saved_views"]["all_active"]


def test_a_view_never_widens_what_the_permission_filter_shows(client, rolf, otto, leads):
    view = make(rolf, "Alle neuen", share=Share.EVERYONE)
    client.force_login(otto)
    response = client.get(f"{LIST}?view={view.pk}&{view.query}")
    assert response.context["saved_views"]["active"] == view
    assert names(response) == {"Ottmann"}  # a sales rep sees their own leads only


def test_a_rep_cannot_see_or_open_another_users_private_view(client, rolf, otto, leads):
    private = make(rolf, "Geheim", columns=["last_name"])
    client.force_login(otto)
    response = client.get(f"{LIST}?view={private.pk}")
    assert response.status_code == 200
    assert "Geheim" not in tabs(response)
    assert response.context["saved_views"]["missing"]
    assert [c.name for c in response.context["columns"]] != ["last_name"]
    assert "is not shared with you" in response.content.decode()


def test_forged_ids_are_not_found_and_change_nothing(client, rolf, otto, leads):
    private = make(rolf, "Geheim")
    client.force_login(otto)
    before = snapshot()
    for verb in ("update", "delete", "default", "edit"):
        url = reverse(f"savedviews:{verb}", args=[private.pk])
        assert (
            client.post(url, {"name": "Meins", "shared_with": "private", "on": "1"}).status_code
            == 404
        )
    assert client.get(reverse("savedviews:edit", args=[private.pk])).status_code == 404
    assert client.post(reverse("savedviews:edit", args=[999999])).status_code == 404
    assert snapshot() == before


def test_a_shared_view_is_changed_by_its_owner_only(client, rolf, susi, north):
    view = make(rolf, "Team", share=Share.TEAM, team=north)
    client.force_login(susi)
    before = snapshot()
    response = client.post(reverse("savedviews:delete", args=[view.pk]), follow=True)
    assert (
        "Only the owner of a view or an administrator may change it." in response.content.decode()
    )
    client.post(reverse("savedviews:update", args=[view.pk]), {"query": "status=Dead"})
    assert snapshot() == before
    # Making it one's default is not a change of the view.
    client.post(reverse("savedviews:default", args=[view.pk]), {"on": "1"})
    assert DefaultView.objects.get(user=susi).view == view


def test_the_bare_list_opens_the_default_view(client, rolf, leads):
    view = make(rolf, "Neue")
    client.force_login(rolf)
    assert client.get(LIST).status_code == 200
    client.post(reverse("savedviews:default", args=[view.pk]), {"on": "1"})
    response = client.get(LIST)
    assert response.status_code == 302 and response.url == f"{LIST}?view={view.pk}&status=New"
    assert client.get(f"{LIST}?view=all").status_code == 200  # "All" stays reachable
    assert client.get(f"{LIST}?q=dorn").status_code == 200  # any query is the list's own
    client.post(reverse("savedviews:default", args=[view.pk]), {"on": "0"})
    assert client.get(LIST).status_code == 200


def test_save_view_keeps_the_address_and_the_columns_shown(client, rolf, leads):
    client.force_login(rolf)
    form = client.get(
        reverse("savedviews:new", args=["leads"]) + "?status=Dead&cursor=x", HTTP_HX_REQUEST="true"
    )
    assert form.status_code == 200 and 'value="status=Dead"' in form.content.decode()
    response = client.post(
        reverse("savedviews:new", args=["leads"]),
        {
            "name": "Tote",
            "shared_with": "everyone",
            "query": "status=Dead&sort=last_name",
            "with_columns": "on",
        },
    )
    view = SavedView.objects.get()
    assert (
        response.status_code == 302
        and response.url == f"{LIST}?view={view.pk}&sort=last_name&status=Dead"
    )
    assert (view.name, view.share, view.owner) == ("Tote", Share.EVERYONE, rolf)
    assert view.columns  # the columns the list showed
    opened = client.get(response.url)
    assert names(opened) == {"Dorn"}


def test_save_view_errors_come_back_on_the_field(client, rolf, otto, north):
    client.force_login(otto)
    url = reverse("savedviews:new", args=["leads"])
    response = client.post(url, {"name": "", "shared_with": "private", "query": ""})
    assert response.status_code == 400 and "Give the view a name." in response.content.decode()
    response = client.post(url, {"name": "X", "shared_with": f"team:{north.pk}", "query": ""})
    assert response.status_code == 400  # not a team of Otto's: not among the choices
    assert not SavedView.objects.exists()


def test_edit_renames_shares_and_sets_columns(client, rolf, north):
    view = make(rolf, "Alt")
    make(rolf, "Besetzt")
    client.force_login(rolf)
    url = reverse("savedviews:edit", args=[view.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"name": "besetzt", "shared_with": "private", "columns": ["status"]})
    assert refused.status_code == 400
    view.refresh_from_db()
    assert (view.name, view.columns) == ("Alt", [])
    client.post(
        url, {"name": "Neu", "shared_with": f"team:{north.pk}", "columns": ["status", "last_name"]}
    )
    view.refresh_from_db()
    assert (view.name, view.share, view.team, view.columns) == (
        "Neu",
        Share.TEAM,
        north,
        ["status", "last_name"],
    )


def test_update_takes_the_current_filters(client, rolf, leads):
    view = make(rolf, "Neue")
    client.force_login(rolf)
    response = client.post(
        reverse("savedviews:update", args=[view.pk]), {"query": "view=1&status=Dead"}
    )
    view.refresh_from_db()
    assert view.query == "status=Dead"
    assert response.url == f"{LIST}?view={view.pk}&status=Dead"


def test_manage_moves_views_by_keyboard_and_by_drag(client, rolf):
    a, b, c = make(rolf, "A"), make(rolf, "B"), make(rolf, "C")
    client.force_login(rolf)
    url = reverse("savedviews:manage", args=["leads"])
    page = client.get(url)
    assert page.status_code == 200 and "Drag to reorder" in page.content.decode()
    client.post(url, {"move": f"{c.pk}:up"})
    assert list(SavedView.objects.order_by("position").values_list("name", flat=True)) == [
        "A",
        "C",
        "B",
    ]
    fragment = client.post(url, {"order": [b.pk, a.pk, c.pk]}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert list(SavedView.objects.order_by("position").values_list("name", flat=True)) == [
        "B",
        "A",
        "C",
    ]
    assert client.get(reverse("savedviews:manage", args=["nothing"])).status_code == 404


def test_a_view_naming_a_vanished_filter_or_column_opens_with_a_notice(client, rolf, leads):
    view = make(rolf, "Alt", columns=["last_name"])
    SavedView.objects.filter(pk=view.pk).update(
        query="custom__gone=1&status=New", columns=["last_name", "custom_gone"]
    )
    client.force_login(rolf)
    response = client.get(f"{LIST}?view={view.pk}&custom__gone=1&status=New")
    assert response.status_code == 200
    assert names(response) == {"Albers", "Ottmann"}
    assert [c.name for c in response.context["columns"]] == ["last_name"]
    assert "no longer exist" in response.content.decode()


def test_list_fragments_keep_the_views_columns(client, rolf, leads):
    view = make(rolf, "Neue", columns=["last_name", "status"])
    client.force_login(rolf)
    response = client.get(
        f"{LIST}?view={view.pk}&status=New&sort=last_name", HTTP_HX_REQUEST="true"
    )
    assert [c.name for c in response.context["columns"]] == ["last_name", "status"]
    assert "saved-view-tabs" not in response.content.decode()


def test_five_tabs_cost_one_query_and_no_more(client, rolf, leads):
    client.force_login(rolf)
    client.get(f"{LIST}?view=all")  # warm the caches
    without, _ = count_queries(lambda: client.get(f"{LIST}?view=all"))
    views = [make(rolf, f"Ansicht {i}", share=Share.EVERYONE) for i in range(5)]
    with_tabs, response = count_queries(lambda: client.get(f"{LIST}?view=all"))
    assert len(tabs(response)) == 5
    assert with_tabs == without
    opened, response = count_queries(lambda: client.get(f"{LIST}?view={views[2].pk}&status=New"))
    assert response.context["saved_views"]["active"] == views[2]
    # The bare list reads the views once, for the default, the columns and the tabs.
    bare, _ = count_queries(lambda: client.get(LIST))
    assert_query_count("leads", "list", bare)
    # An open view costs what the same filters cost on "All" (the filter panel is shown).
    filtered, _ = count_queries(lambda: client.get(f"{LIST}?view=all&status=New"))
    assert opened == filtered


def test_german_tabs(client, rolf, leads):
    rolf.profile.language = "de"
    rolf.profile.save()
    view = make(rolf, "Neue")
    client.force_login(rolf)
    html = client.get(f"{LIST}?view={view.pk}&status=New").content.decode()
    for german in (
        "Alle",
        "Ansicht speichern",
        "Als Standard festlegen",
        "Mit den aktuellen Filtern aktualisieren",
    ):
        assert german in html, german
    manage = client.get(reverse("savedviews:manage", args=["leads"])).content.decode()
    assert "Ihre Ansichten" in manage
    edit = client.get(reverse("savedviews:edit", args=[view.pk])).content.decode()
    assert "Freigegeben für" in edit and "Nur ich" in edit
    refused = client.post(
        reverse("savedviews:edit", args=[view.pk]), {"name": "", "shared_with": "private"}
    )
    assert "Geben Sie der Ansicht einen Namen." in refused.content.decode()
