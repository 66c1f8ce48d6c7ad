"""My Day's empty widgets name the next step: a button to create what the widget would list,
only for those who may create it."""

from kontor.users.actions import create_user, update_profile


def fragments(client) -> str:
    return "".join(
        client.get(f"/dashboards/widgets/{kind}/").content.decode()
        for kind in ("tasks", "calendar", "leads", "opportunities")
    )


def test_empty_panels_offer_to_create_the_first_record(rep_client, rep):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    html = fragments(rep_client)
    assert html.count("kt-empty-icon") == 4
    for url, label in (
        ("/tasks/new/", "Aufgabe erstellen"),
        ("/meetings/new/", "Besprechung planen"),
        ("/leads/new/", "Interessent erstellen"),
        ("/opportunities/new/", "Verkaufschance erstellen"),
    ):
        assert f'href="{url}"' in html and label in html


def test_empty_panels_offer_no_step_the_user_may_not_take(client, db):
    marketer = create_user("mona", password="pw-mona-12345!", roles=["marketing"])
    client.force_login(marketer)
    leads = client.get("/dashboards/widgets/leads/").content.decode()
    assert 'href="/leads/new/"' in leads
    # Marketing lists no opportunities: their widget is not there at all.
    assert client.get("/dashboards/widgets/opportunities/").status_code == 404
