"""People, meetings and mail reading shared by the invitations' tests."""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar

from kontor.activities.actions import save_with_invitees
from kontor.activities.models import Meeting
from kontor.core.smtp_testing import body_of
from kontor.core.testing_tools import run_queued_tasks


def tomorrow_at(hour: int):
    day = timezone.localtime() + timedelta(days=1)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def new_meeting(actor, users=(), contacts=(), leads=(), **values):
    meeting = Meeting(
        name=values.pop("name", "Kick-off"),
        date_start=values.pop("date_start", tomorrow_at(10)),
        duration_minutes=values.pop("duration_minutes", 60),
        location=values.pop("location", "Raum Elbe"),
        **values,
    )
    return save_with_invitees(meeting, users, contacts, leads, actor=actor)


def run_jobs(capture) -> None:
    """Run the queued jobs, and the jobs they queue after their commits, until none is left."""
    from django_tasks_db.models import DBTaskResult

    for _round in range(5):
        if not DBTaskResult.objects.ready().exists():
            return
        with capture(execute=True):
            run_queued_tasks()


def calendar_of(mail) -> tuple[str, Calendar]:
    """(method parameter, parsed calendar) of the mail's text/calendar alternative."""
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def event_of(mail):
    return calendar_of(mail)[1].walk("VEVENT")[0]


def to_of(mail) -> str:
    return str(mail["To"])


def by_recipient(mails) -> dict:
    return {to_of(m).split("<")[-1].rstrip(">"): m for m in mails}


__all__ = ["body_of"]
