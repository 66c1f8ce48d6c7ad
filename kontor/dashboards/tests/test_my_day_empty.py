"""My Day's empty panels name the next step: a button to create what the panel would list."""

from kontor.users.actions import update_profile


def test_empty_panels_offer_to_create_the_first_record(rep_client, rep):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    html = rep_client.get("/").content.decode()
    assert html.count("kt-empty-icon") == 4
    for url, label in (
        ("/tasks/new/", "Aufgabe erstellen"),
        ("/meetings/new/", "Besprechung planen"),
        ("/leads/new/", "Interessent erstellen"),
        ("/opportunities/new/", "Verkaufschance erstellen"),
    ):
        assert f'href="{url}"' in html and label in html
