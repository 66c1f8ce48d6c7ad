"""Record.new: a new record built positionally (the API's creates, the import) is the record
keyword construction makes (the guard against hooks it would skip: test_fast_paths.py)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.activities.models import Task
from kontor.core.actions import save_record
from kontor.leads.models import Lead


def _values(record) -> dict:
    """Every field but the fresh id and the times (now when built)."""
    return {
        f.attname: getattr(record, f.attname)
        for f in type(record)._meta.concrete_fields
        if f.name not in ("id", "date_entered", "date_modified")
    }


@pytest.mark.django_db
def test_new_gives_what_keyword_construction_gives(rep):
    values = {
        "last_name": "Weber",
        "email1": "weber@example.org",
        "assigned_user": rep,
        "lead_source": "Web Site",
        "custom": {"budget": "100"},
    }
    built, expected = Lead.new(values), Lead(**values)
    assert _values(built) == _values(expected)
    assert built.assigned_user is rep  # the related record is kept, not only its id
    assert built._state.adding and built.pk and built.pk != expected.pk


@pytest.mark.django_db
def test_defaults_are_fresh_per_record_and_ids_are_taken_as_they_are(rep):
    first, second = (
        Lead.new({"last_name": "A"}),
        Lead.new({"last_name": "B", "assigned_user_id": rep.pk}),
    )
    assert first.custom == {} and first.custom is not second.custom
    assert first.status == Lead(last_name="A").status
    assert second.assigned_user_id == rep.pk
    saved = save_record(second, actor=rep)
    assert Lead.objects.get(pk=saved.pk).assigned_user == rep


@pytest.mark.django_db
def test_a_generic_parent_and_an_unknown_field(rep):
    lead = save_record(Lead(last_name="Parent"), actor=rep)
    task = Task.new(
        {
            "name": "Anrufen",
            "parent_type": ContentType.objects.get_for_model(Lead),
            "parent_id": lead.pk,
        }
    )
    assert task.parent_type.model == "lead" and task.parent_id == lead.pk
    with pytest.raises(TypeError, match="nickname"):
        Lead.new({"last_name": "X", "nickname": "x"})
