"""Existing opportunities get the time they entered their stage (the last stage change in the
change log, else their creation) and the forecast category their stage names."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

def forward(apps, schema_editor):
    DropdownValue = apps.get_model("core", "DropdownValue")
    Opportunity = apps.get_model("opportunities", "Opportunity")
    ChangeLog = apps.get_model("core", "ChangeLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    categories = {
        v.key: v.extra["forecast_category"]
        for v in DropdownValue.objects.filter(dropdown__name="sales_stage_dom")
        if "forecast_category" in v.extra
    }
    for stage, category in categories.items():
        Opportunity.objects.filter(sales_stage=stage, forecast_category="").update(
            forecast_category=category
        )
    content_type = ContentType.objects.filter(app_label="opportunities", model="opportunity")
    last_change = (
        ChangeLog.objects.filter(
            record_type__in=content_type, record_id=OuterRef("pk"), field="sales_stage"
        )
        .order_by("-at")
        .values("at")[:1]
    )
    Opportunity.objects.filter(stage_entered__isnull=True).update(
        stage_entered=Coalesce(Subquery(last_change), "date_entered")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0007_stage_forecast_base_amount"),
        ("core", "0007_forecast_categories"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
