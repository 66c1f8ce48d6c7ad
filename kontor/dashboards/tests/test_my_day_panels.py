""" "My day" shows only the widgets of record types the user's roles list: a marketer sees no
opportunity panel, an external lead generator (targets only) none at all; in German."""

import pytest

from kontor.users.actions import create_user


def signed_in(client, *roles):
    user = create_user("mona", password="pw-mona-12345!", roles=roles)
    user.profile.language = "de"
    user.profile.save()
    client.force_login(user)
    return client.get("/").content.decode()


@pytest.mark.django_db
def test_a_sales_manager_sees_every_panel(client):
    page = signed_in(client, "sales_manager")
    for panel in ("tasks", "calendar", "leads", "opportunities"):
        assert f'data-kind="{panel}"' in page
    assert "Meine offenen Verkaufschancen" in page and 'id="dashboard-nothing"' not in page


@pytest.mark.django_db
def test_marketing_sees_no_opportunity_panel(client):
    page = signed_in(client, "marketing")
    assert 'data-kind="leads"' in page and "Meine offenen Interessenten" in page
    assert 'data-kind="tasks"' in page and 'data-kind="calendar"' in page
    assert 'data-kind="opportunities"' not in page
    assert "Meine offenen Verkaufschancen" not in page


@pytest.mark.django_db
def test_a_targets_only_role_sees_no_panel_and_is_told_why(client):
    page = signed_in(client, "external_lead_generation")
    for panel in ("tasks", "calendar", "leads", "opportunities"):
        assert f'data-kind="{panel}"' not in page
    assert (
        "Ihre Rollen zeigen keine Aufgaben, Anrufe, Besprechungen, Interessenten oder "
        "Verkaufschancen." in page
    )
