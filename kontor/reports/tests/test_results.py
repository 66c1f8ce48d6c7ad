"""A viewer's stored result is shown again only while they have the rights it was counted
with: after a role is taken away, the figures are counted again, never shown from before."""

import pytest
from django.contrib.auth import get_user_model

from kontor.reports import results
from kontor.reports.models import ReportResult
from kontor.reports.tests.conftest import make_report
from kontor.users.actions import create_user
from kontor.users.models import Role
from kontor.users.sharing import Share

pytestmark = pytest.mark.django_db


def counts(shown) -> dict:
    return {row.labels[0]: row.values[0] for row in shown.result.rows}


def fresh(user):
    """The user as the next request loads them (grants are remembered per user object)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_result_counted_with_wider_rights_is_not_shown_after_they_shrink(rep, leads):
    chief = create_user("chef", password="pw-chef-123!", roles=["sales_manager"])
    report = make_report(rep, share=Share.EVERYONE)
    assert counts(results.latest(report, fresh(chief))) == {"Cold Call": 3, "Web Site": 3}
    assert results.stored(report, fresh(chief)) is not None

    chief.roles.set([Role.objects.get(key="sales_rep")])
    shown = results.latest(report, fresh(chief))
    assert counts(shown) == {}  # a rep without records or team: nothing to count
    assert ReportResult.objects.filter(report=report, user=chief).count() == 1
    assert results.stored(report, fresh(chief)).data["rows"] == []
