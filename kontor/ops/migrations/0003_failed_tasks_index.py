from django.db import migrations


class Migration(migrations.Migration):
    # The failed tasks, counted by /metrics (kontor.ops.metrics) without reading the finished
    # ones (the backend indexes only READY tasks). Plain SQL: the table belongs to another app,
    # and both databases take the same partial index.
    dependencies = [
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("ops", "0002_worker_beat"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX kontor_tasks_failed_idx ON django_tasks_database_dbtaskresult "
            "(backend_name) WHERE status = 'FAILED'",
            "DROP INDEX kontor_tasks_failed_idx",
        ),
    ]
