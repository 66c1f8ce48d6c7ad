"""Targets: the standard module tests and the status default."""

import pytest
from django.core.exceptions import ValidationError

from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.core.testing import (
    Invalid,
    RecordModuleTests,
)
from kontor.targets.models import Target
from kontor.targets.tests.factories import TargetFactory


class TestTargetModule(RecordModuleTests):
    module_slug = "targets"
    factory = TargetFactory
    edit = ("account_name", "Ziel Holding AG")
    invalid_cases = [
        Invalid("missing-last-name", {"last_name": None}, "last_name", "This field is required."),
        Invalid(
            "bad-email", {"email1": "tom at ziel.example"}, "email1", "Enter a valid email address."
        ),
        Invalid(
            "too-long-account-name",
            {"account_name": "x" * 151},
            "account_name",
            "Ensure this value has at most 150 characters (it has 151).",
        ),
        Invalid(
            "unknown-status",
            {"status": "Hot"},
            "status",
            "Select a valid choice. Hot is not one of the available choices.",
        ),
        Invalid(
            "converted-by-hand",
            {"status": "Converted"},
            "status",
            "Select a valid choice. Converted is not one of the available choices.",
        ),
        Invalid(
            "impossible-review-date",
            {"date_reviewed": "2025-02-30"},
            "date_reviewed",
            "Enter a valid date.",
        ),
    ]

    def valid_data(self):
        return {
            "first_name": "Tom",
            "last_name": "Ziel",
            "account_name": "Ziel AG",
            "email1": "tom@ziel.example",
            "status": "Contacted",
            "lead_source": "Partner",
            "title": "CTO",
            "date_reviewed": "2025-01-15",
            "lawful_basis": "consent",
        }

    def mass_update_value(self, other_user):
        return "status", "Dead"


def test_a_blank_status_becomes_new(rep):
    target = save_record(Target(last_name="Ohne Status", status=""), actor=rep)
    assert Target.objects.get(pk=target.pk).status == "New"


def test_the_status_filter_shows_only_the_chosen_statuses(rep_client, rep):
    new, contacted, dead = (
        TargetFactory(status=s, actor=rep) for s in ("New", "Contacted", "Dead")
    )
    response = rep_client.get("/targets/", {"status": ["New", "Dead"]})
    assert {row["pk"] for row in response.context["rows"]} == {new.pk, dead.pk}


def test_the_action_refuses_converted_without_a_conversion(rep):
    target = Target.objects.get(pk=TargetFactory(actor=rep).pk)
    logs = ChangeLog.objects.count()
    target.status = "Converted"
    with pytest.raises(ValidationError) as refused:
        save_record(target, actor=rep)
    assert refused.value.message_dict == {
        "status": ["Only converting the target sets the status Converted."]
    }
    assert Target.objects.get(pk=target.pk).status == "New"
    assert ChangeLog.objects.count() == logs
