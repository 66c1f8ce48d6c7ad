"""QuickCheck: it may pass a value only if Django's `clean_fields` accepts it, and it must
pass the plain values bulk writers see most (else it saves nothing)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.activities.models import Call
from kontor.core.fast.checks import QuickCheck
from kontor.leads.models import Lead

NOW = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=12),
    st.text(min_size=95, max_size=260),
    st.sampled_from(["", " ", "New", "Assigned", "ML", "Web Site", "nope", "New\x00", "Held"]),
    st.sampled_from(["+49 30 1234567", "030 1234567", "abc", "12", "+1 212 555 0100"]),
    st.datetimes(timezones=st.just(datetime.UTC)),
    st.dates(),
)
LEAD_FIELDS = [
    "last_name",
    "first_name",
    "status",
    "lifecycle_stage",
    "lead_source",
    "phone_work",
    "description",
    "account_name",
    "converted",
    "converted_at",
    "birthdate",
    "website",
    "email1",
    "opportunity_amount",
]


def _django_accepts(record, names) -> bool:
    exclude = [f.name for f in type(record)._meta.concrete_fields if f.name not in names]
    try:
        record.clean_fields(exclude=exclude)
    except ValidationError:
        return False
    return True


@pytest.mark.django_db
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(LEAD_FIELDS), VALUES, min_size=1, max_size=4))
def test_passes_only_what_django_accepts(values):
    lead = Lead.new({"last_name": "Weber"})
    for name, value in values.items():
        setattr(lead, name, value)
    names = frozenset(values)
    if QuickCheck(Lead).passes(lead, names):
        assert _django_accepts(lead, names), values


@pytest.mark.django_db
def test_plain_values_pass_without_django():
    lead = Lead.new(
        {
            "last_name": "Müller",
            "first_name": "",
            "status": "Assigned",
            "lead_source": "Web Site",
            "phone_work": "+49 30 1234567",
            "converted": False,
            "converted_at": NOW,
            "birthdate": datetime.date(1980, 5, 1),
        }
    )
    names = frozenset(
        ["last_name", "first_name", "status", "lead_source", "phone_work", "converted"]
        + ["converted_at", "birthdate"]
    )
    assert QuickCheck(Lead).passes(lead, names)
    call = Call.new({"name": "Rückruf", "status": "Planned", "date_start": NOW})
    assert QuickCheck(Call).passes(call, frozenset(["name", "status", "date_start"]))


@pytest.mark.django_db
def test_other_fields_are_cleaned_as_clean_fields_cleans_them():
    lead = Lead.new(
        {"last_name": "Weber", "email1": " Weber@Example.ORG ", "opportunity_amount": 12}
    )
    assert QuickCheck(Lead).passes(lead, frozenset(["email1", "opportunity_amount"]))
    assert lead.email1 == "weber@example.org"
    assert lead.opportunity_amount == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("status", "Nonsense"),
        ("last_name", "x" * 500),
        ("last_name", ""),
        ("phone_work", "call me"),
        ("description", "a\x00b"),
        ("converted_at", "2026-12-07"),
        ("opportunity_amount", "zwölf"),
        ("email1", "weber@"),
        ("website", "not a website"),
    ],
)
def test_doubtful_values_are_left_to_django(name, value):
    lead = Lead.new({"last_name": "Weber"})
    setattr(lead, name, value)
    assert not QuickCheck(Lead).passes(lead, frozenset([name]))
