"""Calls, meetings, tasks and notes for tests. Times are whole minutes, as the forms send them.

Pass `parent=<record>` to hang an activity off a record.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.testing import RecordFactory


def this_minute():
    return timezone.now().replace(second=0, microsecond=0)


class CallFactory(RecordFactory):
    class Meta:
        model = Call

    name = factory.Sequence(lambda n: f"Call {n:04d}")
    direction = "Outbound"
    status = "Planned"
    date_start = factory.LazyFunction(this_minute)
    duration_minutes = 15


class MeetingFactory(RecordFactory):
    class Meta:
        model = Meeting

    name = factory.Sequence(lambda n: f"Meeting {n:04d}")
    status = "Planned"
    location = "Berlin"
    date_start = factory.LazyFunction(this_minute)
    duration_minutes = 60


class TaskFactory(RecordFactory):
    class Meta:
        model = Task

    name = factory.Sequence(lambda n: f"Task {n:04d}")
    status = "Not Started"
    priority = "Medium"
    date_due = factory.LazyFunction(lambda: this_minute() + timedelta(days=2))
    contact = factory.SubFactory(ContactFactory)


class NoteFactory(RecordFactory):
    class Meta:
        model = Note

    name = factory.Sequence(lambda n: f"Note {n:04d}")
    description = "Talked about the roll-out."
    contact = factory.SubFactory(ContactFactory)
