"""Form bodies (application/x-www-form-urlencoded, multipart/form-data) of V8 PATCH and DELETE
calls are read as SuiteCRM reads them, although Django parses a form only for POST; and failed
bearer tokens are counted per client address (429 after Kontor's limit for callers who are not
signed in)."""

from urllib.parse import urlencode

import pytest
from django.test.client import MULTIPART_CONTENT, encode_multipart

from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def _bearer(as_user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {as_user.token}"}


def test_patch_with_a_form_body_updates_the_record(client, as_rep, rep):
    lead = LeadFactory(first_name="Ada", last_name="Alt", actor=rep)
    body = urlencode(
        {
            "data[type]": "Leads",
            "data[id]": str(lead.pk),
            "data[attributes][last_name]": "Neu",
        }
    )
    response = client.patch("/Api/V8/module", body, content_type=FORM, **_bearer(as_rep))
    assert response.status_code == 201, response.content
    assert response.json()["data"]["attributes"]["last_name"] == "Neu"
    lead.refresh_from_db()
    assert (lead.first_name, lead.last_name) == ("Ada", "Neu")
    assert ChangeLog.objects.get(record_id=lead.pk, field="last_name").origin == (
        "suiteapi:v8:mobile-app"
    )


def test_patch_with_a_multipart_body_updates_the_record(client, as_rep, rep):
    lead = LeadFactory(last_name="Alt", actor=rep)
    fields = {"data[type]": "Leads", "data[id]": str(lead.pk), "data[attributes][title]": "Dr"}
    response = client.patch(
        "/Api/V8/module",
        encode_multipart("BoUnDaRy", fields),
        content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
        **_bearer(as_rep),
    )
    assert response.status_code == 201, response.content
    lead.refresh_from_db()
    assert (lead.last_name, lead.title) == ("Alt", "Dr")


def test_a_form_patch_without_data_is_refused_and_changes_nothing(client, as_rep, rep):
    lead = LeadFactory(last_name="Alt", actor=rep)
    body = urlencode({"data[type]": "Leads", "data[id]": str(lead.pk), "extra": "1"})
    response = client.patch("/Api/V8/module", body, content_type=FORM, **_bearer(as_rep))
    assert response.status_code == 400
    assert response.json()["errors"]["detail"] == (
        'The option "extra" does not exist. Defined options are: "data".'
    )
    lead.refresh_from_db()
    assert lead.last_name == "Alt"
    assert not ChangeLog.objects.filter(record_id=lead.pk, action="update").exists()


def test_delete_reads_its_form_body(client, as_rep, rep):
    lead = LeadFactory(actor=rep)
    path = f"/Api/V8/module/Leads/{lead.pk}"
    # an option the route does not define is refused, as SuiteCRM refuses it: nothing deleted
    response = client.delete(path, "force=1", content_type=FORM, **_bearer(as_rep))
    assert response.status_code == 400
    assert response.json()["errors"]["detail"] == (
        'The option "force" does not exist. Defined options are: "id", "moduleName".'
    )
    assert not Lead.with_deleted.get(pk=lead.pk).deleted
    # the route's own options in the body are accepted
    body = urlencode({"id": str(lead.pk), "moduleName": "Leads"})
    response = client.delete(path, body, content_type=FORM, **_bearer(as_rep))
    assert response.status_code == 200
    assert Lead.with_deleted.get(pk=lead.pk).deleted


def test_bad_tokens_from_one_address_get_429_after_the_limit(client, as_rep, rep, settings):
    settings.KONTOR_API_ANON_RATE = "3/minute"
    lead = LeadFactory(last_name="Alt", actor=rep)
    bad = {"HTTP_AUTHORIZATION": "Bearer not-a-token", "REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        response = client.get("/Api/V8/module/Leads", **bad)
        assert response.status_code == 401
    response = client.get("/Api/V8/module/Leads", **bad)
    assert response.status_code == 429
    assert response.json()["errors"]["detail"] == "Too many requests"
    assert int(response["Retry-After"]) >= 1
    # a write with a bad token is refused too, and changes nothing
    body = {"data": {"type": "Leads", "id": str(lead.pk), "attributes": {"last_name": "X"}}}
    response = client.patch("/Api/V8/module", body, content_type="application/vnd.api+json", **bad)
    assert response.status_code == 429
    lead.refresh_from_db()
    assert lead.last_name == "Alt"
    # another address is still told why, and a valid token from the same address still works
    other = {**bad, "REMOTE_ADDR": "203.0.113.8"}
    assert client.get("/Api/V8/module/Leads", **other).status_code == 401
    valid = {**_bearer(as_rep), "REMOTE_ADDR": "203.0.113.7"}
    assert client.get("/Api/V8/module/Leads", **valid).status_code == 200


def test_a_body_over_the_upload_limit_is_a_413_and_creates_nothing(client, as_rep, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    document = {
        "data": {"type": "Leads", "attributes": {"last_name": "Big", "description": "x" * 2000}}
    }
    response = client.post(
        "/Api/V8/module", document, content_type="application/json", **_bearer(as_rep)
    )
    assert response.status_code == 413
    assert response.json()["errors"]["detail"] == "The submission is too large."
    assert not Lead.objects.filter(last_name="Big").exists()
