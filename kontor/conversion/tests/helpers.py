"""What the tests of convert_lead and convert_target share: activities to create, a history of
activities to hand over and the check of where it went, and `snapshot()`: the row count of
every Kontor table (trash and link tables included), the change log and the stored values of
the converted record, so that "nothing changed" means nothing at all."""

from datetime import timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kontor.activities.actions import activities_of, invited, save_with_invitees
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.activities.tests.factories import CallFactory, MeetingFactory, NoteFactory, TaskFactory
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead

START = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
NEW_ACTIVITY = {
    "call": {"name": "Erstgespräch", "date_start": START, "duration_minutes": 15},
    "meeting": {"name": "Demo", "date_start": START, "duration_minutes": 60, "location": "Köln"},
    "task": {"name": "Feature-Recherche", "date_due": START, "priority": "High"},
}
HISTORY = (Call, Meeting, Task, Note)


def counts(*labels) -> dict[str, int]:
    """Row counts (trash included) of the `labels` tables, or of every Kontor table."""
    models = [apps.get_model(label) for label in labels] or [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("kontor.")
        for model in config.get_models(include_auto_created=True)
    ]
    return {model._meta.label: model._base_manager.count() for model in models}


def snapshot(*records) -> dict:
    """Row counts of every Kontor table and the stored values of `records`."""
    stored = [
        {f.attname: getattr(fresh, f.attname) for f in type(r)._meta.concrete_fields}
        for r in records
        for fresh in [type(r).with_deleted.get(pk=r.pk)]
    ]
    return {"counts": counts(), "stored": stored}


def fresh(record):
    return type(record).with_deleted.get(pk=record.pk)


def convert_log(record) -> list[tuple[str, str]]:
    return list(
        ChangeLog.objects.filter(record_id=record.pk, action="convert").values_list(
            "old_value", "new_value"
        )
    )


def on(record) -> dict:
    return {"parent_type": ContentType.objects.get_for_model(record), "parent_id": record.pk}


def give_history(record, actor) -> list:
    """A call (Ada and the lead invited), a meeting (the lead invited), a task and a note."""
    call = CallFactory.build(**on(record))
    save_with_invitees(
        call, [actor], leads=[record] if isinstance(record, Lead) else [], actor=actor
    )
    meeting = MeetingFactory.build(**on(record))
    save_with_invitees(meeting, [actor], actor=actor)
    return [
        call,
        meeting,
        TaskFactory(actor=actor, contact=None, **on(record)),
        NoteFactory(actor=actor, contact=None, **on(record)),
    ]


def assert_handed_over(history, source, target, mode: str, handed: int | None = None) -> None:
    if handed is not None:
        assert handed == (0 if mode == "leave" else len(history))
    names = [a.name for a in history]
    on_source = {a.name: a for a in activities_of(source)}
    on_target = {a.name: a for a in activities_of(target)}
    assert sorted(on_source) == ([] if mode == "move" else sorted(names))
    assert [n for n in names if n in on_target] == ([] if mode == "leave" else names)
    if mode == "copy":  # copies are new records with the invitees of the originals
        for activity in history:
            copy = on_target[activity.name]
            assert copy.pk != activity.pk and on_source[activity.name].pk == activity.pk
            if isinstance(activity, Call | Meeting):
                assert invited(copy) == invited(activity)
