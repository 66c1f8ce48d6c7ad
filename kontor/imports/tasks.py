"""Background tasks of the import (django-tasks: the db_worker of `make run` runs them)."""

from django_tasks import task


@task()
def run_import_task(batch_id: str) -> None:
    from kontor.imports.actions import run_import

    run_import(batch_id)


@task()
def undo_import_task(batch_id: str, actor_id: int) -> None:
    from kontor.imports.undo import run_undo

    run_undo(batch_id, actor_id)
