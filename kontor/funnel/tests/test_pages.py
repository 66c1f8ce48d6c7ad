"""The funnel page, its drill-down and its API: what they show, to whom, in how many queries."""

import pytest
from django.urls import reverse

from kontor.api.actions import create_token
from kontor.funnel.models import Journey
from kontor.funnel.tests.helpers import at, lead
from kontor.users.actions import create_user, update_profile

pytestmark = pytest.mark.django_db

Q1 = "start=2025-01-01&end=2025-03-31"


def test_page_shows_each_stage_with_its_drill_link(journeys, rep_client):
    html = rep_client.get(f"/funnel/?{Q1}").content.decode()
    assert 'id="funnel-stages"' in html and 'id="funnel-chart"' in html
    assert 'data-stage="sql"' in html and "66.7 %" in html
    assert "/funnel/records/?from=2025-01-01&amp;to=2025-03-31&amp;stage=won" in html
    # The chart's table alternative: one row per cohort month.
    assert '<th scope="row">January 2025</th>' in html
    assert '<th scope="row">February 2025</th>' in html and "March 2025" not in html


def test_page_query_count_is_pinned(journeys, rep_client, django_assert_num_queries):
    # session, user, roles, the filters' users and teams, counts, durations
    with django_assert_num_queries(7):
        assert rep_client.get(f"/funnel/?{Q1}").status_code == 200
    # The same figures again come from the cache until a journey changes.
    with django_assert_num_queries(5):
        assert rep_client.get(f"/funnel/?{Q1}").status_code == 200


def test_a_changed_journey_is_counted_at_once(
    journeys, rep, rep_client, django_capture_on_commit_callbacks
):
    assert ">1</a>" in rep_client.get(f"/funnel/?{Q1}&lead_source=Email").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        lead(rep, at(3, 2), lead_source="Email")
    html = rep_client.get(f"/funnel/?{Q1}&lead_source=Email").content.decode()
    assert ">2</a>" in html


def test_drill_lists_the_journeys_of_a_count(journeys, rep_client, django_assert_num_queries):
    url = "/funnel/records/?from=2025-01-01&to=2025-03-31&stage=sql"
    rep_client.get(url)
    with django_assert_num_queries(6):
        html = rep_client.get(url).content.decode()
    assert html.count("<tr data-journey") == 2
    assert f"/leads/{journeys['direct'].pk}/" in html and f"/leads/{journeys['lead'].pk}/" in html
    assert f"/targets/{journeys['target'].pk}/" in html
    assert f"/leads/{journeys['hot'].pk}/" not in html
    month = rep_client.get(url + "&month=2025-02").content.decode()
    assert (
        f"/leads/{journeys['direct'].pk}/" in month
        and f"/leads/{journeys['lead'].pk}/" not in month
    )


def test_drill_pages_by_keyset(journeys, rep_client, monkeypatch):
    monkeypatch.setattr("kontor.funnel.views.PAGE", 2)
    first = rep_client.get(f"/funnel/records/?{Q1}&stage=mql").content.decode()
    assert first.count("<tr data-journey") == 2 and 'rel="next"' in first
    following = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = rep_client.get(f"/funnel/records/{following.replace('&amp;', '&')}").content.decode()
    assert second.count("<tr data-journey") == 1 and 'rel="next"' not in second
    assert f"/targets/{journeys['target'].pk}/" in second


def test_a_user_who_may_list_no_leads_or_targets_gets_404(client, journeys):
    nobody = create_user("nina", password="pw-nina-123!", roles=[])
    client.force_login(nobody)
    assert client.get("/funnel/").status_code == 404
    assert client.get("/funnel/records/").status_code == 404


def test_bad_filters_show_an_error_not_a_500(rep_client):
    html = rep_client.get("/funnel/?start=2025-03-01&end=2025-01-01").content.decode()
    assert "The end date must not be before the start date." in html


@pytest.mark.parametrize(
    "query", ["to=9999-12-31", "from=0001-01-01", "from=2025-01-01&to=3000-01-01"]
)
def test_dates_beyond_the_years_offered_are_an_error_not_a_500(rep_client, rep, client, query):
    page = rep_client.get(f"/funnel/?{query}")
    assert page.status_code == 200
    assert "Enter a date from 1900 to 2999." in page.content.decode()
    assert rep_client.get(f"/funnel/records/?{query}").status_code == 200
    key = create_token(rep, name="BI", actor=rep)[1]
    api = client.get(f"/api/v1/analytics/funnel/?{query}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 400


def test_the_drill_down_of_the_calendars_last_month_is_empty_not_a_500(journeys, rep_client):
    page = rep_client.get("/funnel/records/?stage=lead&month=9999-12")
    assert page.status_code == 200


def test_the_drill_down_names_lead_sources_in_the_users_language(journeys, rep, rep_client):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    html = rep_client.get("/funnel/records/?from=2025-01-01&to=2025-03-31&stage=lead").content
    assert "Webseite" in html.decode() and ">Web Site<" not in html.decode()


def test_api_answers_the_figures_with_a_token(journeys, rep, client):
    key = create_token(rep, name="BI", actor=rep)[1]
    response = client.get(
        "/api/v1/analytics/funnel/?from=2025-01-01&to=2025-03-31",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["journeys"] == 3
    stages = {s["stage"]: s for s in body["stages"]}
    assert stages["won"]["reached"] == 1 and stages["won"]["median_seconds"] == 28 * 86400
    assert stages["sql"]["rate_from_previous"] == pytest.approx(2 / 3)
    assert [m["month"] for m in body["trend"]] == ["2025-01", "2025-02"]
    assert reverse("funnel:api") == "/api/v1/analytics/funnel/"


def test_api_refuses_bad_filters_with_a_structured_400(rep, client):
    key = create_token(rep, name="BI", actor=rep)[1]
    response = client.get(
        "/api/v1/analytics/funnel/?from=2025-03-01&to=2025-01-01&owner=x",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"to", "owner"}


def test_api_without_a_token_is_refused(client, journeys):
    assert client.get("/api/v1/analytics/funnel/").status_code in (401, 403)


def test_api_is_in_the_schema(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    assert "/api/v1/analytics/funnel/" in schema["paths"]


def test_the_leads_list_links_to_the_funnel(rep_client):
    assert 'id="leads-funnel-link"' in rep_client.get("/leads/").content.decode()
    assert Journey.objects.count() == 0


def test_times_read_in_hours_under_a_day_and_in_days_above():
    from django.utils import translation

    from kontor.funnel.views import duration

    assert (duration(None), duration(5400), duration(3 * 86400)) == ("–", "1.5 h", "3.0 d")
    with translation.override("de"):
        assert (duration(5400), duration(36 * 3600)) == ("1,5 Std.", "1,5 Tg.")
