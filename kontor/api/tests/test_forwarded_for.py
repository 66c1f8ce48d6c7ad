"""The rate limits' client address: a caller cannot choose it by sending X-Forwarded-For;
only with KONTOR_NUM_PROXIES (REST_FRAMEWORK["NUM_PROXIES"]) set does the address the trusted
proxy appended count."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_forged_forwarded_for_does_not_dodge_the_anonymous_limit(settings):
    settings.KONTOR_API_ANON_RATE = "3/minute"
    caller = APIClient()
    statuses = [
        caller.get("/api/v1/leads/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert statuses[3] == 429


def test_behind_one_trusted_proxy_the_appended_address_counts(settings):
    settings.KONTOR_API_ANON_RATE = "2/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    caller = APIClient()

    def get(chain: str) -> int:
        return caller.get("/api/v1/leads/", HTTP_X_FORWARDED_FOR=chain).status_code

    first = [get("10.0.0.9, 198.51.100.1") for _ in range(3)]
    # the same client behind the proxy, whatever it puts in front; another client counts apart
    assert first[2] == 429 and get("1.2.3.4, 198.51.100.1") == 429
    assert get("10.0.0.9, 198.51.100.2") != 429
