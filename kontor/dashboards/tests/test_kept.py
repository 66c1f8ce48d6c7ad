"""The chart widgets keep their last figures per viewer (kontor.dashboards.kept): shown at once
with their age, in the home page itself, refreshed by a worker when old, and counted afresh
after the viewer's rights changed."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone as tz
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from kontor.core.testing_tools import run_queued_tasks
from kontor.dashboards import kept
from kontor.dashboards.actions import add_widget
from kontor.dashboards.tests.conftest import widget_url, won
from kontor.dashboards.widgets import KINDS
from kontor.reports.tests.conftest import make_report
from kontor.users.actions import save_user
from kontor.users.models import Role

pytestmark = pytest.mark.django_db

FIGURES = ("pipeline", "forecast", "won_lost", "leaderboard", "lead_sources")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def won_lost_rows(response) -> list:
    return [values[:2] for _label, values, _link in response.context["chart"].rows]


def key_of(kind_key: str, user) -> str:
    """The key of `user`'s figures of `kind_key` as their requests see it (their language and
    time zone)."""
    profile = user.profile
    with translation.override(profile.language), tz.override(zoneinfo.ZoneInfo(profile.time_zone)):
        return kept.key(KINDS[kind_key], user)


def age_back(kind_key: str, user, hours: int) -> None:
    """Make the kept figures of `kind_key` for `user` `hours` older."""
    key = key_of(kind_key, user)
    figures, generated_at = cache.get(key)
    cache.set(key, (figures, generated_at - timedelta(hours=hours)), kept.KEEP_SECONDS)


def test_kept_figures_show_their_age_in_the_page_and_a_worker_refreshes_old_ones(deals):
    sam = signed_in(deals.sam)
    widget = add_widget("won_lost", actor=deals.sam)
    first = sam.get(widget_url(widget.pk))
    assert won_lost_rows(first) == [[1, 0]]
    assert "data-widget-age" in first.content.decode() and "Computed 0" in first.content.decode()
    # A deal won since: the kept figures are shown (with their age) until refreshed.
    won(deals.sam, "300.00")
    assert won_lost_rows(sam.get(widget_url(widget.pk))) == [[1, 0]]
    # The home page shows them in place: no request of their own.
    page = sam.get("/").content.decode()
    card = page.split(f'id="widget-{widget.pk}"')[1].split('class="col-')[0]
    assert "data-widget-age" in card and "hx-get" not in card
    # An hour later: still shown, and one refresh is queued however often it is asked for.
    age_back("won_lost", deals.sam, 1)
    old = sam.get(widget_url(widget.pk))
    assert won_lost_rows(old) == [[1, 0]] and old.context["refreshing"]
    assert "1\xa0hour" in old.content.decode() and "Refreshing" in old.content.decode()
    sam.get(widget_url(widget.pk))
    sam.get("/")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    # The card asks again while the refresh is queued; when no worker took it in time, it
    # stops asking (and queues nothing itself).
    polled = sam.get(widget_url(widget.pk), {"poll": 1})
    assert polled.context["refreshing"] and 'hx-trigger="every 15s"' in polled.content.decode()
    cache.delete(kept._queued_key(KINDS["won_lost"], deals.sam))
    given_up = sam.get(widget_url(widget.pk), {"poll": 1})
    assert not given_up.context["refreshing"] and "hx-trigger" not in given_up.content.decode()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_queued_tasks()
    fresh = sam.get(widget_url(widget.pk))
    assert won_lost_rows(fresh) == [[2, 0]] and not fresh.context["refreshing"]


def test_a_rights_change_is_never_served_figures_counted_before(deals, admin):
    sam = signed_in(deals.sam)
    widget = add_widget("won_lost", actor=deals.sam)
    assert won_lost_rows(sam.get(widget_url(widget.pk))) == [[1, 0]]
    # Made sales manager: every record, at once.
    save_user(deals.sam, actor=admin, roles=[Role.objects.get(key="sales_manager")], teams=[])
    assert won_lost_rows(sam.get(widget_url(widget.pk))) == [[2, 1]]
    # And back to a rep without a team: only his own deal again, not the manager's figures.
    save_user(deals.sam, actor=admin, roles=[Role.objects.get(key="sales_rep")], teams=[])
    assert won_lost_rows(sam.get(widget_url(widget.pk))) == [[1, 0]]


def test_who_lists_every_record_shares_figures_but_personal_ones_are_never_shared(deals, admin):
    assert key_of("leaderboard", deals.mia) == key_of("leaderboard", admin)
    assert key_of("leaderboard", deals.mia) != key_of("leaderboard", deals.sam)
    assert key_of("pipeline", deals.mia) != key_of("pipeline", admin)
    signed_in(deals.mia).get(widget_url(add_widget("leaderboard", actor=deals.mia).pk))
    assert cache.get(key_of("leaderboard", admin)) is not None
    assert cache.get(key_of("leaderboard", deals.sam)) is None


#: The home page of a rep with the five kept chart widgets besides My day's lists, all kept:
#: session, user with profile, roles, teams (the rep's figures are kept under their teams),
#: dashboards, their widgets, the four lists (the calendar two), whether the rep may see the
#: accounts their opportunities name, the reports they may add. No figure is counted.
PAGE_KEPT = 13


def test_kept_widgets_cost_the_page_no_query(deals, django_assert_num_queries):
    sam = signed_in(deals.sam)
    for key in FIGURES:
        if key not in ("pipeline", "forecast"):
            add_widget(key, actor=deals.sam)
    first = sam.get("/").content.decode()
    urls = re.findall(r'hx-get="([^"]+)" hx-trigger="load"', first)
    assert len(urls) == len(FIGURES)
    for url in urls:
        assert sam.get(url).status_code == 200
    with django_assert_num_queries(PAGE_KEPT):
        page = sam.get("/").content.decode()
    assert 'hx-trigger="load"' not in page and page.count("data-widget-age") == len(FIGURES)


def test_a_saved_reports_stored_result_is_shown_in_the_page(deals):
    sam = signed_in(deals.sam)
    widget = add_widget("report", report=make_report(deals.sam, name="Quellen"), actor=deals.sam)

    def card() -> str:
        page = sam.get("/").content.decode()
        return page.split(f'id="widget-{widget.pk}"')[1].split('class="col-')[0]

    # Nothing stored yet: the card loads after the page (and its fragment stores the result).
    assert 'hx-trigger="load"' in card() and "Quellen" not in card()
    assert "Web Site" in sam.get(widget_url(widget.pk)).content.decode()
    shown = card()
    assert "Quellen" in shown and "Web Site" in shown and "data-report-age" in shown
    assert "hx-get" not in shown
