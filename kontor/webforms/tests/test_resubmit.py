"""A person who fixes an error on the web form and resends it at once is not taken for a bot:
the fill time counts for the first submission only (for the visitors of a hosted form)."""

import re

import pytest
from django.test import Client, override_settings

from kontor.leads.models import Lead
from kontor.webforms.tests.factories import make_webform, rendered_token, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    return Client(enforce_csrf_checks=True)


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_a_missing_consent_fixed_and_resent_at_once_is_accepted(visitor, rep):
    webform = make_webform(rep)
    with override_settings(KONTOR_WEBFORM_MIN_SECONDS=0):  # a person took their time
        first = submit(visitor, webform, rendered_token(visitor, webform), consent="")
    assert first.status_code == 400 and not Lead.objects.exists()
    with override_settings(KONTOR_WEBFORM_MIN_SECONDS=60):  # and resends within a minute
        again = submit(visitor, webform, token_of(first))
    assert again.status_code == 200, again.content.decode()
    assert "very fast" not in again.content.decode()
    assert Lead.objects.get().last_name == "Berg"


@override_settings(KONTOR_WEBFORM_MIN_SECONDS=60)
def test_a_too_fast_submission_does_not_earn_a_fast_second_one(visitor, rep):
    webform = make_webform(rep)
    first = submit(visitor, webform, rendered_token(visitor, webform))
    assert first.status_code == 400 and "very fast" in first.content.decode()
    again = submit(visitor, webform, token_of(first))
    assert again.status_code == 400 and "very fast" in again.content.decode()
    assert not Lead.objects.exists()
