"""Team dashboards: a sales manager shares a copy of their dashboard with a team they belong
to; its members (and administrators) see it as a tab beside their own, read-only, each with
the figures they may see; nobody else sees it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kontor.dashboards import actions, queries
from kontor.dashboards.models import Dashboard
from kontor.dashboards.tests.conftest import widget_url, won

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(sales):
    actions.add_widget("leaderboard", actor=sales.mia)
    return actions.share_with_team(sales.nord, name="Nord-Vertrieb", actor=sales.mia)


def test_the_team_dashboard_copies_the_managers_widgets(sales, shared):
    assert [w.kind for w in shared.widgets.all()] == [
        w.kind for w in queries.own(sales.mia).widgets.all()
    ]


def test_members_see_it_as_a_read_only_tab_and_others_not_at_all(sales, shared, client, admin):
    client.force_login(sales.sam)
    home = client.get("/").content.decode()
    assert "Nord-Vertrieb" in home and f"/dashboards/{shared.pk}/" in home
    page = client.get(f"/dashboards/{shared.pk}/").content.decode()
    assert 'data-kind="leaderboard"' in page
    assert "/remove/" not in page and "Add widget" not in page
    board = shared.widgets.get(kind="leaderboard")
    assert client.get(widget_url(board.pk, shared)).status_code == 200
    before = [(w.kind, w.size, w.position) for w in shared.widgets.all()]
    response = client.post(f"/dashboards/widgets/{board.pk}/remove/", {"dashboard": shared.pk})
    assert response.status_code == 404
    assert client.post(f"/dashboards/{shared.pk}/delete/").status_code == 302
    assert [(w.kind, w.size, w.position) for w in shared.widgets.all()] == before
    client.force_login(sales.tom)
    assert "Nord-Vertrieb" not in client.get("/").content.decode()
    assert client.get(f"/dashboards/{shared.pk}/").status_code == 404
    assert client.get(widget_url(board.pk, shared)).status_code == 404
    client.force_login(admin)
    assert client.get(f"/dashboards/{shared.pk}/").status_code == 200


def test_each_member_sees_their_own_figures_on_it(sales, shared, client):
    won(sales.sam, "1000.00")
    won(sales.tom, "5000.00")  # team Süd: not Sam's to see
    board = shared.widgets.get(kind="leaderboard")
    client.force_login(sales.sam)
    seen = client.get(widget_url(board.pk, shared)).content.decode()
    assert "Sam Muster" in seen and "Tom Muster" not in seen
    client.force_login(sales.mia)  # a manager sees every record
    seen = client.get(widget_url(board.pk, shared)).content.decode()
    assert "Sam Muster" in seen and "Tom Muster" in seen


def test_only_managers_share_and_only_with_their_teams(sales):
    with pytest.raises(PermissionDenied):
        actions.share_with_team(sales.nord, name="Mine", actor=sales.sam)
    with pytest.raises(ValidationError) as error:
        actions.share_with_team(sales.sued, name="Süd", actor=sales.mia)
    assert "team" in error.value.message_dict
    assert not Dashboard.objects.filter(team__isnull=False).exists()


def test_the_manager_changes_and_stops_sharing_it(sales, shared, client):
    client.force_login(sales.mia)
    board = shared.widgets.get(kind="leaderboard")
    client.post(f"/dashboards/widgets/{board.pk}/size/", {"size": "large", "dashboard": shared.pk})
    board.refresh_from_db()
    assert board.size == "large"
    response = client.post(f"/dashboards/{shared.pk}/delete/")
    assert response.url == "/" and not Dashboard.objects.filter(pk=shared.pk).exists()
