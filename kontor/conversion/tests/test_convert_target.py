"""convert_target (docs/domain.md §5): the lead it creates, the hand-over of the target's
activities, and its refusals, which compare `snapshot()` before and after.
"""

import pytest
from django.core.exceptions import ValidationError

from kontor.conversion import mapping
from kontor.conversion.actions import ConversionRefused, convert_target
from kontor.conversion.tests.helpers import (
    assert_handed_over,
    convert_log,
    counts,
    fresh,
    give_history,
    snapshot,
)
from kontor.core.actions import delete_records
from kontor.targets.tests.factories import TargetFactory


@pytest.mark.parametrize("mode", ["move", "copy", "leave"])
def test_convert_target(admin, rep, mode):
    target = TargetFactory(
        actor=admin,
        salutation="Mr.",
        first_name="Jörg",
        last_name="Kühn",
        title="CFO",
        phone_mobile="0171 7654321",
        primary_address_city="Essen",
        account_name="Kühn KG",
        campaign_name="Messe",
        lawful_basis="contract",
        description="Von der Messe",
        lead_source="Conference",
    )
    history = give_history(target, admin)
    before = counts("leads.Lead")

    lead = fresh(convert_target(target, actor=rep, activities=mode))

    copied = mapping.person_fields() + ["account_name", "description"]
    assert {k: getattr(lead, k) for k in copied} == {k: getattr(target, k) for k in copied}
    assert (lead.lead_source, lead.status, lead.lifecycle_stage) == ("Conference", "New", "ML")
    assert (lead.assigned_user, lead.created_by, lead.phone_mobile_e164) == (
        admin,
        rep,
        "+491717654321",
    )
    assert (lead.target, fresh(target).lead, fresh(target).status) == (
        fresh(target),
        lead,
        "Converted",
    )
    assert_handed_over(history, target, lead, mode)
    assert counts("leads.Lead")["leads.Lead"] == before["leads.Lead"] + 1
    assert convert_log(target) == [("", f"leads:{lead.pk}")]
    assert convert_log(lead) == [(f"targets:{target.pk}", "")]


def test_convert_target_takes_the_users_changes_and_keeps_a_blank_source(rep):
    target = TargetFactory(actor=rep, lead_source="")
    lead = convert_target(target, actor=rep, data={"lifecycle_stage": "MQL", "title": "Dr."})
    assert (lead.lead_source, lead.title, lead.lifecycle_stage, lead.status) == (
        "",
        "Dr.",
        "ML",
        "New",
    )


def test_converting_a_target_twice_is_refused_with_the_existing_lead(rep):
    target = TargetFactory(actor=rep)
    lead = convert_target(target, actor=rep)
    before = snapshot(target, lead)
    for stale in (target, fresh(target)):
        with pytest.raises(ConversionRefused) as error:
            convert_target(stale, actor=rep)
        assert error.value.existing == lead and "already converted" in error.value.message
    assert snapshot(target, lead) == before


@pytest.mark.parametrize(
    ("data", "activities", "key"),
    [
        ({"last_name": ""}, "move", "lead-last_name"),
        ({"email1": "tom@"}, "move", "lead-email1"),
        ({}, "steal", "activities"),
    ],
)
def test_invalid_target_conversions_change_nothing(rep, data, activities, key):
    target = TargetFactory(actor=rep)
    give_history(target, rep)
    before = snapshot(target)
    with pytest.raises(ValidationError) as error:
        convert_target(target, actor=rep, data=data, activities=activities)
    assert key in error.value.message_dict
    assert snapshot(target) == before


def test_a_deleted_target_is_refused(rep):
    target = TargetFactory(actor=rep)
    delete_records([target], actor=rep)
    before = snapshot(target)
    with pytest.raises(ConversionRefused):
        convert_target(target, actor=rep)
    assert snapshot(target) == before
