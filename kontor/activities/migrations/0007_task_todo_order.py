"""Tasks get `todo_order`, the tasks list's default order in one indexed column (open first,
soonest due first; then finished ones), filled here for the tasks already stored."""

from django.db import migrations, models

CLOSED = ("Completed", "Deferred")


def todo_order_of(status, due) -> str:
    """As Task.todo_order_of when this migration was written (migrations keep their code)."""
    if due is None:
        return "1~" if status in CLOSED else "0~"
    seconds = max(0, int(due.timestamp()))
    return f"1{10**11 - seconds:011d}" if status in CLOSED else f"0{seconds:011d}"


def fill(apps, schema_editor):
    Task = apps.get_model("activities", "Task")
    batch = []
    rows = Task.objects.only("pk", "status", "date_due").iterator(chunk_size=2000)
    for task in rows:
        task.todo_order = todo_order_of(task.status, task.date_due)
        batch.append(task)
        if len(batch) == 2000:
            Task.objects.bulk_update(batch, ["todo_order"])
            batch = []
    Task.objects.bulk_update(batch, ["todo_order"])


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_call_invitee_answers"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="todo_order",
            field=models.CharField(default="2", editable=False, max_length=12),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["todo_order", "id"], name="task_todo_order_sort"),
        ),
    ]
