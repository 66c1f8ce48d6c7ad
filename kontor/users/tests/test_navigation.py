"""The top bar follows the user's rights and the order they chose in their settings."""

import pytest
from django.urls import reverse

from kontor.core import navigation, registry
from kontor.users.actions import create_user
from kontor.users.preference_actions import save_navigation

pytestmark = pytest.mark.django_db


def bar_and_more(client):
    page = client.get("/")
    assert page.status_code == 200
    return (
        [m.slug for m in page.context["nav_main"]],
        [m.slug for m in page.context["nav_more"]],
    )


def test_default_puts_main_modules_in_the_bar_and_the_rest_under_more(rep_client):
    bar, more = bar_and_more(rep_client)
    assert bar == [m.slug for m in registry.modules() if m.nav == "main"]
    assert more == [m.slug for m in registry.modules() if m.nav != "main"]


def test_the_saved_order_and_places_are_kept_and_applied(rep_client, rep):
    response = rep_client.post(
        reverse("user-settings-navigation"),
        {"order": ["tasks", "leads", "accounts", "calls"], "bar": ["tasks", "leads"]},
    )
    assert response.status_code == 302
    bar, more = bar_and_more(rep_client)
    # Named ones in the saved order and place; the rest in the registry's order and place.
    assert bar[:2] == ["tasks", "leads"]
    assert "accounts" in more and "calls" in more
    assert more.index("accounts") < more.index("calls")
    assert set(bar) | set(more) == {m.slug for m in registry.modules()}
    rep.refresh_from_db()
    assert rep.profile.preferences["nav"]["order"][:2] == ["tasks", "leads"]


def test_keyboard_buttons_move_a_module_without_javascript(rep_client):
    order = [m.slug for m in registry.modules()]
    rep_client.post(
        reverse("user-settings-navigation"),
        {"order": order, "bar": order, "move": "leads:up"},
    )
    bar, _more = bar_and_more(rep_client)
    i = order.index("leads")
    assert bar[i - 1] == "leads" and bar[i] == order[i - 1]


def test_htmx_save_answers_the_new_bar_for_an_in_place_swap(rep_client):
    response = rep_client.post(
        reverse("user-settings-navigation"),
        {"order": ["notes", "leads"], "bar": ["notes", "leads"]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="nav-modules" hx-swap-oob="true"' in html
    assert html.index('data-nav="notes"') < html.index('data-nav="leads"')


def test_a_module_the_user_may_not_list_never_appears_even_if_saved(db):
    worker = create_user("lena", password="pw-lena-123!", roles=["external_lead_generation"])
    save_navigation(worker, ["leads", "accounts", "targets"], ["targets"], actor=worker)
    chosen = navigation.for_user(worker)
    assert [m.slug for m in chosen.all] == ["targets"]
    # The only module is never hidden under "More", whatever was saved.
    assert [m.slug for m in chosen.bar] == ["targets"] and chosen.more == []


def test_the_lead_generation_worker_sees_targets_first_in_the_bar(client, db):
    worker = create_user("lena", password="pw-lena-123!", roles=["external_lead_generation"])
    client.force_login(worker)
    bar, more = bar_and_more(client)
    assert bar == ["targets"] and more == []
    settings_page = client.get(reverse("user-settings")).content.decode()
    assert 'data-slug="targets"' in settings_page and 'data-slug="leads"' not in settings_page


def test_a_user_with_few_modules_gets_them_all_in_the_bar():
    few = [m for m in registry.modules() if m.nav != "main"][: navigation.FEW]
    arranged = navigation.arrange(few, None)
    assert arranged.bar == few and arranged.more == []


def test_back_to_default_forgets_the_choice(rep_client, rep):
    url = reverse("user-settings-navigation")
    rep_client.post(url, {"order": ["notes"], "bar": ["notes"]})
    rep_client.post(url, {"order": ["notes"], "reset": "1"})
    rep.refresh_from_db()
    assert rep.profile.preferences.get("nav") is None
    bar, _more = bar_and_more(rep_client)
    assert bar == [m.slug for m in registry.modules() if m.nav == "main"]


def test_unknown_slugs_are_not_stored(rep_client, rep):
    rep_client.post(
        reverse("user-settings-navigation"), {"order": ["nope", "leads"], "bar": ["leads"]}
    )
    rep.refresh_from_db()
    assert rep.profile.preferences["nav"] == {"order": ["leads"], "more": []}


def test_a_saved_order_costs_no_query(client, rep, django_assert_num_queries):
    client.force_login(rep)
    client.get("/")  # warm the caches (dropdowns, configuration)
    with django_assert_num_queries(NAV_PAGE_QUERIES):
        client.get("/")
    save_navigation(rep, ["notes", "leads"], [], actor=rep)
    with django_assert_num_queries(NAV_PAGE_QUERIES):
        page = client.get("/")
    assert [m.slug for m in page.context["nav_main"]][:2] == ["notes", "leads"]


#: The home page of a signed-in sales manager: session, user with profile, grants, the
#: dashboard's own and My day's four lists, which the page shows itself.
NAV_PAGE_QUERIES = 12
