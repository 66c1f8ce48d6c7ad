"""`manage.py demo`: the demo CRM is complete, valid, logged, reproducible and built only once."""

from datetime import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, MeetingInvitee, Note, Task
from kontor.contacts.models import Contact
from kontor.core import dropdowns
from kontor.core.models import ChangeLog
from kontor.demo.build import build_demo
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity, OpportunityContact
from kontor.targets.models import Target

pytestmark = pytest.mark.django_db

#: Records the demo leaves alive, per model (the modules' demo factories).
COUNTS = {
    Account: 40,
    Contact: 120,
    Target: 60,
    Lead: 120,
    Opportunity: 50,
    Call: 70,
    Meeting: 40,
    Task: 70,
    Note: 50,
}
#: Records created on top of COUNTS and moved to the trash.
TRASHED = {Target: 1, Lead: 1}


@pytest.fixture
def demo():
    """The demo database as `make run` creates it."""
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    return out.getvalue()


def created_total() -> int:
    return sum(model.with_deleted.count() for model in COUNTS)


def assert_team_and_counts(output: str) -> None:
    users = get_user_model().objects.select_related("profile")
    admin = users.get(username="admin")
    assert "admin / admin" in output
    assert admin.check_password("admin") and admin.is_superuser and admin.first_name == "Ada"
    assert users.count() == 6
    assert {u.profile.language for u in users} == {"de", "en"}
    for model, count in COUNTS.items():
        assert model.objects.count() == count, model.__name__
        assert model.with_deleted.filter(deleted=True).count() == TRASHED.get(model, 0)


def assert_valid_with_dropdown_keys() -> None:
    for model in COUNTS:
        for record in model.with_deleted.all():
            record.full_clean()
    lead_keys = {o.key for o in dropdowns.options("lead_status_dom")}
    assert set(Lead.with_deleted.values_list("status", flat=True)) == lead_keys - {"Converted"}
    assert set(Lead.objects.values_list("lifecycle_stage", flat=True)) == {"ML", "MQL", "SQL"}
    target_keys = {o.key for o in dropdowns.options("target_status_dom")}
    assert set(Target.with_deleted.values_list("status", flat=True)) <= target_keys - {"Converted"}
    stages = {o.key for o in dropdowns.options("sales_stage_dom")}
    assert set(Opportunity.objects.values_list("sales_stage", flat=True)) == stages
    assert not Opportunity.objects.filter(account__isnull=True).exists()
    assert (
        OpportunityContact.objects.filter(contact_role="Primary Decision Maker").count()
        == (COUNTS[Opportunity])
    )


def test_demo_builds_the_team_and_valid_records_once(demo):
    assert_team_and_counts(demo)
    assert_valid_with_dropdown_keys()
    records, log = created_total(), ChangeLog.objects.count()
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (created_total(), ChangeLog.objects.count()) == (records, log)


def test_demo_has_history_trash_and_a_full_my_day(demo, client):
    log = ChangeLog.objects.all()
    assert log.filter(action="create").count() == created_total()
    assert log.filter(action="delete").count() == sum(TRASHED.values())
    assert log.filter(action="update", field="lifecycle_stage", new_value="SQL").exists()
    assert log.filter(action="update", field="sales_stage", new_value="Closed Won").exists()
    assert log.filter(action="update", field="status", new_value="Completed").exists()
    assert not log.filter(actor__isnull=True).exists()
    assert set(log.values_list("origin", flat=True)) == {"job:demo"}
    admin = get_user_model().objects.get(username="admin")
    assert MeetingInvitee.objects.filter(user=admin).exists()
    client.force_login(admin)
    assert client.get("/").status_code == 200
    for name, widget in (
        ("tasks", "tasks"),
        ("calls", "calendar"),
        ("meetings", "calendar"),
        ("leads", "leads"),
        ("opportunities", "opportunities"),
    ):
        response = client.get(f"/dashboards/widgets/{widget}/")
        assert len(response.context[name]) > 0, name


def fingerprint() -> list:
    """What a demo visitor sees first: lead and deal names, amounts, stages and owners."""
    leads = Lead.with_deleted.order_by("last_name", "first_name", "deleted").values_list(
        "first_name",
        "last_name",
        "email1",
        "phone_work",
        "status",
        "lifecycle_stage",
        "assigned_user__username",
    )
    deals = Opportunity.objects.order_by("name", "amount").values_list(
        "name", "amount", "sales_stage", "date_closed", "assigned_user__username"
    )
    return [*leads, *deals]


def test_same_seed_and_time_build_the_same_demo():
    now = timezone.make_aware(datetime(2025, 3, 12, 9, 30))
    with transaction.atomic():
        build_demo(seed=7, now=now)
        first = fingerprint()
        transaction.set_rollback(True)
    build_demo(seed=7, now=now)
    assert fingerprint() == first
