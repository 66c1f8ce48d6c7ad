"""The pipeline board's index (kontor/pipeline): a column's cards by close date, and on
PostgreSQL the figures of every stage by an index-only scan (bench/README.md, "Pipeline
board"). Partial on the records outside the trash, which are all the board reads."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0008_fill_stage_and_forecast"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(("deleted", False)),
                fields=["sales_stage", "date_closed", "id"],
                include=("amount_base", "probability", "assigned_user", "created_by"),
                name="opportunity_board",
            ),
        ),
    ]
