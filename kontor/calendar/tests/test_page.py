"""The calendar page: in the navigation, in German, with the choice of users in the address."""

import json

import pytest

pytestmark = pytest.mark.django_db


def options(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="calendar-options" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_the_page_in_german_with_the_legend_and_the_navigation_entry(client, people):
    people.bea.profile.language = "de"
    people.bea.profile.save()
    client.force_login(people.bea)
    response = client.get("/calendar/", {"teams": str(people.nord.pk), "view": "dayGridMonth"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kalender" in html and 'data-nav-page="calendar"' in html
    assert "Neuer Termin" in html and "Zeiten in Europe/Berlin" in html
    assert f'data-user="{people.bea.pk}"' in html and f'data-user="{people.tom.pk}"' in html
    found = options(response)
    assert found["locale"] == "de" and found["view"] == "dayGridMonth"
    assert found["query"] == f"teams={people.nord.pk}&users={people.bea.pk},{people.tom.pk}"


def test_a_reader_gets_no_create_dialog(client, people):
    client.force_login(people.lena)
    response = client.get("/calendar/")
    assert response.status_code == 200
    assert options(response)["create"] == ""
    assert 'id="calendar-dialog"' not in response.content.decode()
