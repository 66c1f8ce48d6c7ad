"""The calendar in German: a sales manager clicks a free slot of the week view, creates a
meeting in the dialog (an empty subject is refused there in German first), sees it, drags it to
another day and time and stretches it longer; the database follows each step. Screenshots of
the week and month views."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from kontor.activities.models import Meeting
from kontor.activities.tests.factories import CallFactory
from kontor.users.actions import update_profile

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = "/calendar/?view=timeGridWeek&date=2026-12-09"


def at(day, hour, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=BERLIN)


def slot(page, day: str, time: str) -> tuple[float, float]:
    """The middle of the week view's slot at `time` on `day` (a point on the page)."""
    column = page.locator(f'.fc-timegrid-col[data-date="{day}"]').bounding_box()
    row = page.locator(f'.fc-timegrid-slot-lane[data-time="{time}"]').bounding_box()
    return column["x"] + column["width"] / 2, row["y"] + row["height"] / 2


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press, move in steps as a person does, release."""
    (x, y), (to_x, to_y) = start, end
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x + (to_x - x) * step / 15, y + (to_y - y) * step / 15)
        page.wait_for_timeout(20)
    page.mouse.up()


def stored(page, name: str, until) -> Meeting:
    """The meeting once `until(meeting)` holds (the browser's post may still be on its way)."""
    for _ in range(50):
        meeting = Meeting.objects.filter(name=name).first()
        if meeting is not None and until(meeting):
            return meeting
        page.wait_for_timeout(100)
    return Meeting.objects.get(name=name)


@pytest.fixture
def berliner(user):
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    CallFactory(name="Rückruf Nordwind", date_start=at(8, 9), duration_minutes=30, actor=user)
    return user


def test_click_create_drag_and_resize_a_meeting(signed_in, berliner, screenshot):
    page = signed_in
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(WEEK)
    expect(page.get_by_role("heading", name="Kalender")).to_be_visible()
    expect(page.locator(".fc-event", has_text="Rückruf Nordwind")).to_be_visible()
    expect(page.locator(".fc-col-header-cell").first).to_contain_text("Mo.")
    screenshot(page, "calendar-week-de")

    page.mouse.click(*slot(page, "2026-12-09", "10:00:00"))
    dialog = page.locator("#calendar-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Beginn")).to_have_value("2026-12-09T10:00")
    dialog.get_by_role("button", name="Speichern").click()
    expect(dialog.locator("#error-name")).to_have_text("Dieses Feld ist zwingend erforderlich.")
    assert not Meeting.objects.exists()
    dialog.get_by_label("Betreff").fill("Kundentermin")
    dialog.get_by_role("button", name="Speichern").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".modal-backdrop")).to_have_count(0)
    event = page.locator(".fc-event", has_text="Kundentermin")
    expect(event).to_be_visible()
    meeting = stored(page, "Kundentermin", lambda m: True)
    assert (meeting.date_start, meeting.duration_minutes) == (at(9, 10), 30)

    box = event.bounding_box()
    grab = (box["x"] + box["width"] / 2, box["y"] + 6)
    target = slot(page, "2026-12-10", "14:00:00")
    with page.expect_response(lambda r: "/move/" in r.url) as answer:
        drag(page, grab, (target[0], target[1] - 4))
    assert answer.value.status == 200, answer.value.text()
    moved = stored(page, "Kundentermin", lambda m: m.date_start != at(9, 10))
    assert moved.date_start == at(10, 14)
    assert moved.duration_minutes == 30
    expect(page.locator('.fc-timegrid-col[data-date="2026-12-10"] .fc-event')).to_contain_text(
        "Kundentermin"
    )

    event = page.locator(".fc-event", has_text="Kundentermin")
    event.hover()
    handle = event.locator(".fc-event-resizer-end")
    hbox = handle.bounding_box()
    start = (hbox["x"] + hbox["width"] / 2, hbox["y"] + hbox["height"] / 2)
    lower = slot(page, "2026-12-10", "15:00:00")
    with page.expect_response(lambda r: "/move/" in r.url) as answer:
        drag(page, start, (start[0], lower[1]))
    assert answer.value.status == 200, answer.value.text()
    resized = stored(page, "Kundentermin", lambda m: m.duration_minutes != 30)
    assert resized.date_start == at(10, 14)
    assert resized.duration_minutes == 90
    expect(page.locator("#calendar-message")).to_be_hidden()

    page.get_by_role("button", name="Monat").click()
    expect(page.locator(".fc-dayGridMonth-view")).to_be_visible()
    expect(page.locator(".fc-event", has_text="Kundentermin")).to_be_visible()
    assert "view=dayGridMonth" in page.url
    screenshot(page, "calendar-month-de")
