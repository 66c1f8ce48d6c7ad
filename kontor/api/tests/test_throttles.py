"""Rate limits: a sliding window per user from two counters, 429 with Retry-After."""

import pytest

from kontor.api import throttles
from kontor.api.tests.conftest import token_client
from kontor.users.actions import create_user


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.django_db
def test_the_window_slides_and_the_answer_says_when_to_retry(rep, settings, monkeypatch):
    settings.KONTOR_API_RATE = "4/minute"
    clock = Clock(6_000_000.0 + 30)  # halfway through a minute
    monkeypatch.setattr(throttles.time, "time", clock)
    api = token_client(rep)
    assert [api.get("/api/v1/leads/").status_code for _ in range(5)] == [200] * 4 + [429]
    refused = api.get("/api/v1/leads/")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    # the period's four weigh until the next period is 1/4 through: 30 + 15 seconds
    assert refused.headers["Retry-After"] == "45"
    clock.now += 40  # next period, 1/6 through: 4 * 5/6 = 3.3 still counts, no room
    assert api.get("/api/v1/leads/").status_code == 429
    clock.now += 6  # 4 * 0.73 = 2.9: room for one, then full again
    assert [api.get("/api/v1/leads/").status_code for _ in range(2)] == [200, 429]
    clock.now += 120  # two periods on: nothing counts any more
    assert [api.get("/api/v1/leads/").status_code for _ in range(4)] == [200] * 4


@pytest.mark.django_db
def test_each_user_has_a_count_of_their_own(rep, settings):
    settings.KONTOR_API_RATE = "2/minute"
    other = token_client(create_user("olga", password="pw-olga-123!", roles=["sales_manager"]))
    api = token_client(rep)
    assert [api.get("/api/v1/leads/").status_code for _ in range(3)] == [200, 200, 429]
    assert other.get("/api/v1/leads/").status_code == 200
    settings.KONTOR_API_RATE = None  # no limit
    assert api.get("/api/v1/leads/").status_code == 200
