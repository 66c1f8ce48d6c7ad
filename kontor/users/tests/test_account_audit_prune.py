"""The account audit trail is kept KONTOR_ACCOUNT_AUDIT_DAYS and then removed by
`kontor prune_account_audit` (kontor.users.audit.prune), batch by batch."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from kontor.users import audit
from kontor.users.account_models import AccountEvent

pytestmark = pytest.mark.django_db
Kind = AccountEvent.Kind


def entries(*ages_in_days):
    now = timezone.now()
    return [
        AccountEvent.objects.create(
            kind=Kind.SIGN_IN_FAILED, username=f"u{i}", at=now - timedelta(days=age)
        ).pk
        for i, age in enumerate(ages_in_days)
    ]


def test_entries_older_than_the_retention_go_and_the_rest_stay(settings, monkeypatch):
    settings.KONTOR_ACCOUNT_AUDIT_DAYS = 30
    monkeypatch.setattr(audit, "PRUNE_BATCH", 2)  # several batches
    old = entries(400, 31, 45, 90, 30.5)
    kept = entries(29, 1, 0)
    assert audit.prune() == len(old)
    assert sorted(AccountEvent.objects.values_list("pk", flat=True)) == sorted(kept)


def test_zero_days_keeps_everything(settings):
    settings.KONTOR_ACCOUNT_AUDIT_DAYS = 0
    pks = entries(5000, 1)
    assert audit.prune() == 0
    assert sorted(AccountEvent.objects.values_list("pk", flat=True)) == sorted(pks)


def test_the_command_takes_its_days_and_says_how_many_in_german(settings):
    settings.KONTOR_ACCOUNT_AUDIT_DAYS = 400
    entries(100, 10)
    out = StringIO()
    with override("de"):
        call_command("prune_account_audit", "--days", "50", stdout=out)
    assert "Entfernte Einträge des Anmeldeprotokolls: 1" in out.getvalue()
    assert list(AccountEvent.objects.values_list("username", flat=True)) == ["u1"]
