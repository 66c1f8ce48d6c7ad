"""The pipeline board's figures index (kontor/pipeline/figures.py): count, count with a base
amount and sum of base amounts per stage and probability, read from the index alone on
PostgreSQL and SQLite (key columns, no included ones). Partial on the records outside the
trash, which are all the board reads."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0010_board_index_without_included_columns"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                condition=models.Q(("deleted", False)),
                fields=["sales_stage", "probability", "amount_base"],
                name="opportunity_figures",
            ),
        ),
    ]
