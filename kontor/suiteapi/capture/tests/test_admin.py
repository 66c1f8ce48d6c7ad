"""Administration → SuiteCRM web-to-lead: administrators switch the capture per record type,
in the administration change log; others see nothing and change nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kontor.core.admin_log import AdminChange
from kontor.suiteapi.capture.actions import KEYS, capture_form, set_capture
from kontor.webforms.models import WebForm

pytestmark = pytest.mark.django_db
PAGE = "/admin/suitecrm/web-to-lead/"


def test_off_by_default_and_switched_on_from_the_page(admin_client, admin):
    assert reverse("suiteapi-capture-admin") == PAGE
    assert PAGE in admin_client.get("/admin/").content.decode()
    page = admin_client.get(PAGE).content.decode()
    assert "index.php?entryPoint=WebToPersonCapture" in page and "Switch on" in page
    assert capture_form("leads") is None and capture_form("targets") is None

    response = admin_client.post(PAGE, {"module": "leads", "on": "1"})
    assert response.status_code == 302
    webform = capture_form("leads")
    assert (webform.key, webform.module, webform.assigned_user) == (KEYS["leads"], "leads", admin)
    assert {"last_name", "email1", "first_name"} <= {s["name"] for s in webform.fields}
    assert capture_form("targets") is None
    entry = AdminChange.objects.get(area="suitecrm_capture")
    assert entry.actor == admin and entry.detail == {"module": "leads", "active": True}
    assert "SuiteCRM web-to-lead capture switched on" in admin_client.get(PAGE).content.decode()

    admin_client.post(PAGE, {"module": "leads", "on": "0"})
    assert capture_form("leads") is None and WebForm.objects.count() == 1
    assert AdminChange.objects.filter(area="suitecrm_capture").count() == 2


def test_switching_to_the_state_it_has_writes_nothing(admin):
    assert set_capture("leads", False, actor=admin) is None
    set_capture("leads", True, actor=admin)
    before = AdminChange.objects.count()
    set_capture("leads", True, actor=admin)
    assert AdminChange.objects.count() == before


def test_the_page_speaks_german(admin_client, admin):
    admin.profile.language = "de"
    admin.profile.save()
    admin_client.cookies["django_language"] = "de"
    page = admin_client.get(PAGE, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Einschalten" in page and "Erlaubte Weiterleitungs-Hosts" in page


def test_others_do_not_see_the_page_and_switch_nothing(rep_client, rep):
    assert rep_client.get(PAGE).status_code == 404
    assert rep_client.post(PAGE, {"module": "leads", "on": "1"}).status_code == 404
    with pytest.raises(PermissionDenied):
        set_capture("leads", True, actor=rep)
    assert not WebForm.objects.exists() and not AdminChange.objects.exists()
