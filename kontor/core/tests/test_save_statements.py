"""What a save of a loaded record sends (kontor.core.actions.save_record): no check of a link
it did not change, and no savepoint for a save that may be refused; a refused save writes
nothing and leaves the caller's transaction usable."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.core.actions import save_record
from kontor.core.edits import EditConflict, VersionMismatch, edit_from
from kontor.core.testing_tools import log_of
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory


@pytest.fixture
def lead(rep):
    return Lead.objects.get(pk=LeadFactory(actor=rep, title="Einkauf").pk)


def test_a_save_keeping_its_owner_does_not_look_the_owner_up(lead, rep):
    lead.title = "Vertrieb"
    edit_from(lead, {"title": "Einkauf"})  # may be refused: no savepoint either
    with CaptureQueriesContext(connection) as captured:
        save_record(lead, actor=rep)
    sqls = [q["sql"] for q in captured.captured_queries]
    assert not [s for s in sqls if "auth_user" in s or "SAVEPOINT" in s], sqls
    assert Lead.objects.get(pk=lead.pk).title == "Vertrieb"


def test_a_link_changed_to_a_missing_user_is_still_refused(lead, rep):
    lead.assigned_user_id = rep.pk + 1000
    with pytest.raises(ValidationError) as refused:
        save_record(lead, actor=rep)
    assert "assigned_user" in refused.value.message_dict
    assert Lead.objects.get(pk=lead.pk).assigned_user_id == rep.pk


def test_a_refused_version_writes_nothing_and_the_transaction_goes_on(lead, rep):
    shown = lead.date_modified
    other = Lead.objects.get(pk=lead.pk)
    other.title = "Einkauf Süd"
    save_record(other, actor=rep)
    lead.title = "Vertrieb"
    with pytest.raises(VersionMismatch):
        save_record(lead, actor=rep, if_version=shown)
    stored = Lead.objects.get(pk=lead.pk)  # the test's transaction is still usable
    assert stored.title == "Einkauf Süd"
    assert [entry[1:] for entry in log_of(lead, "update")] == [("title", "Einkauf", "Einkauf Süd")]


def test_a_conflict_writes_nothing_and_the_transaction_goes_on(lead, rep):
    other = Lead.objects.get(pk=lead.pk)
    other.title = "Einkauf Süd"
    save_record(other, actor=rep)
    lead.title = "Vertrieb"
    edit_from(lead, {"title": "Einkauf"})
    with pytest.raises(EditConflict):
        save_record(lead, actor=rep)
    assert Lead.objects.get(pk=lead.pk).title == "Einkauf Süd"
    assert len(log_of(lead, "update")) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_save_that_is_its_own_transaction_rolls_back_and_writes_nothing(rep):
    lead = Lead.objects.get(pk=LeadFactory(actor=rep, title="Einkauf").pk)
    shown = lead.date_modified
    other = Lead.objects.get(pk=lead.pk)
    other.title = "Einkauf Süd"
    save_record(other, actor=rep)
    lead.title = "Vertrieb"
    assert not connection.in_atomic_block
    with pytest.raises(VersionMismatch):
        save_record(lead, actor=rep, if_version=shown)
    assert not connection.in_atomic_block
    assert Lead.objects.get(pk=lead.pk).title == "Einkauf Süd"
    assert len(log_of(lead, "update")) == 1
