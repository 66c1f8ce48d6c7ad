"""Leads for tests, created through save_record."""

from decimal import Decimal

import factory

from kontor.core.testing import RecordFactory
from kontor.leads.models import Lead


class LeadFactory(RecordFactory):
    class Meta:
        model = Lead

    first_name = "Lena"
    last_name = factory.Sequence(lambda n: f"Lead{n:04d}")
    account_name = "Interessent GmbH"
    email1 = factory.Sequence(lambda n: f"lena{n:04d}@lead.example")
    status = "New"
    lifecycle_stage = "ML"
    lead_source = "Web Site"
    opportunity_amount = Decimal("2500.00")
