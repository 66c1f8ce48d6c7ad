"""Targets for tests, created through save_record."""

import factory

from kontor.core.testing import RecordFactory
from kontor.targets.models import Target


class TargetFactory(RecordFactory):
    class Meta:
        model = Target

    first_name = "Tom"
    last_name = factory.Sequence(lambda n: f"Ziel{n:04d}")
    account_name = "Ziel AG"
    email1 = factory.Sequence(lambda n: f"tom{n:04d}@target.example")
    status = "New"
    lead_source = "Web Site"
