"""Arranging a dashboard: each change is one action that writes the user's dashboard (the
defaults first, on the first change) and survives a reload; someone else's widget or dashboard
is not found, and nothing changes."""

import pytest
from django.core.exceptions import ValidationError

from kontor.dashboards import actions, queries
from kontor.dashboards.models import Dashboard, Widget
from kontor.dashboards.widgets import DEFAULTS

pytestmark = pytest.mark.django_db


def arrangement(user) -> list[tuple[str, str]]:
    dashboard = queries.own(user)
    return [(w.kind, w.size) for w in dashboard.widgets.order_by("position")]


def kinds(user) -> list[str]:
    return [kind for kind, _size in arrangement(user)]


def refs(client) -> list[str]:
    html = client.get("/").content.decode()
    import re

    return re.findall(r'data-widget="([^"]+)" data-kind', html)


def test_a_new_user_has_no_row_and_the_first_change_stores_the_defaults(sales, client):
    client.force_login(sales.sam)
    assert refs(client) == list(DEFAULTS)
    assert not Dashboard.objects.exists()
    response = client.post("/dashboards/widgets/calendar/move/", {"direction": "up"})
    assert response.status_code == 302 and response.url == "/"
    assert kinds(sales.sam) == ["calendar", "tasks", *DEFAULTS[2:]]
    assert refs(client) == [str(w.pk) for w in queries.own(sales.sam).widgets.all()]


def test_add_remove_move_resize_round_trips(sales, client):
    client.force_login(sales.sam)
    client.post("/dashboards/widgets/add/", {"kind": "leaderboard", "size": "large"})
    assert arrangement(sales.sam)[-1] == ("leaderboard", "large")
    board = queries.own(sales.sam).widgets.get(kind="leaderboard")
    client.post(f"/dashboards/widgets/{board.pk}/move/", {"direction": "up"})
    assert kinds(sales.sam)[-2:] == ["leaderboard", "forecast"]
    client.post(f"/dashboards/widgets/{board.pk}/size/", {"size": "small"})
    assert ("leaderboard", "small") in arrangement(sales.sam)
    tasks = queries.own(sales.sam).widgets.get(kind="tasks")
    client.post(f"/dashboards/widgets/{tasks.pk}/remove/")
    assert "tasks" not in kinds(sales.sam)
    order = [str(w.pk) for w in queries.own(sales.sam).widgets.all()][::-1]
    response = client.post("/dashboards/widgets/order/", {"widget": order}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert [str(w.pk) for w in queries.own(sales.sam).widgets.all()] == order
    assert refs(client) == order
    positions = list(queries.own(sales.sam).widgets.values_list("position", flat=True))
    assert positions == list(range(len(order)))


def test_bad_input_is_refused_with_a_message_and_nothing_changes(sales):
    actions.add_widget("tasks", actor=sales.sam)
    before = arrangement(sales.sam)
    with pytest.raises(ValidationError) as error:
        actions.add_widget("nonsense", actor=sales.sam)
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.resize_widget("tasks", "huge", actor=sales.sam)
    with pytest.raises(ValidationError):
        actions.add_widget("report", actor=sales.sam)
    assert arrangement(sales.sam) == before


def test_a_forged_widget_or_dashboard_of_another_user_is_not_found(sales, client):
    actions.add_widget("leaderboard", actor=sales.tom)
    theirs = queries.own(sales.tom)
    widget = theirs.widgets.get(kind="leaderboard")
    before = arrangement(sales.tom)
    client.force_login(sales.sam)
    for url, data in (
        (f"/dashboards/widgets/{widget.pk}/remove/", {}),
        (f"/dashboards/widgets/{widget.pk}/size/", {"size": "large"}),
        (f"/dashboards/widgets/{widget.pk}/move/", {"direction": "up"}),
        ("/dashboards/widgets/tasks/remove/", {"dashboard": theirs.pk}),
        ("/dashboards/widgets/add/", {"kind": "funnel", "dashboard": theirs.pk}),
        ("/dashboards/widgets/order/", {"widget": [widget.pk], "dashboard": theirs.pk}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert client.get(f"/dashboards/widgets/{widget.pk}/").status_code == 404
    assert client.get(f"/dashboards/{theirs.pk}/").status_code == 404
    assert arrangement(sales.tom) == before
    # Sam's own dashboard was written by none of it either.
    assert (
        queries.own(sales.sam) is None
        or Widget.objects.filter(dashboard__owner=sales.sam, kind="funnel").count() == 0
    )


def test_changes_need_a_post(sales, client):
    client.force_login(sales.sam)
    assert client.get("/dashboards/widgets/tasks/remove/").status_code == 405
    assert not Dashboard.objects.exists()
