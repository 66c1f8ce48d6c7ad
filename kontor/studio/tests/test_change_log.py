"""The change-log page shows every administrative action of core's log, not only Studio's."""

import pytest
from django.urls import reverse

from kontor.api.actions import create_token
from kontor.core.admin_log import AdminChange, log_admin_change

pytestmark = pytest.mark.django_db


def test_the_page_lists_entries_of_every_area_newest_first(admin_client, admin, rep):
    log_admin_change(actor=admin, area="dropdown", target="lead_source_dom", summary="Value added")
    create_token(rep, name="Kasse", actor=rep)
    page = admin_client.get(reverse("studio:changes")).content.decode()
    assert page.index("rolf: Kasse") < page.index("lead_source_dom")
    assert "API token created" in page and "<td>API token</td>" in page  # the area, translated


def test_secrets_are_refused_by_the_log_itself(admin):
    with pytest.raises(ValueError):
        log_admin_change(
            actor=admin, area="webhook", target="x", summary="y", detail={"secret": "s3"}
        )
    assert not AdminChange.objects.exists()


def test_an_entry_is_stored_untranslated_and_read_in_each_readers_language(client, admin, rep):
    from django.utils import translation

    from kontor.users.actions import update_profile

    with translation.override("de"):  # a German-speaking admin creates the token
        create_token(rep, name="Kasse", actor=admin)
    assert AdminChange.objects.get().summary == "API token created"
    client.force_login(admin)
    assert "<td>API token created" in client.get(reverse("studio:changes")).content.decode()
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    german = client.get(reverse("studio:changes")).content.decode()
    assert "<td>API-Token erstellt" in german and "API token created" not in german
