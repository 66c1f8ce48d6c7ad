"""Background tasks of the import (django-tasks: `kontor worker` runs them)."""

from django_tasks import task


@task()
def run_import_task(batch_id: str) -> None:
    """Import a queued batch: on PostgreSQL a CSV file is cut into parts, one task each, which
    several workers import side by side (`kontor.imports.parallel`); otherwise here, chunk
    after chunk."""
    from kontor.imports import parallel
    from kontor.imports.actions import run_import
    from kontor.imports.models import ImportBatch

    batch = ImportBatch.objects.get(pk=batch_id)
    if parallel.uses_parts() and parallel.can_split(batch):
        parts = parallel.start(batch_id)
        if parts is not None:
            for part_id in parts:
                run_import_part_task.enqueue(batch_id, part_id)
            return
    run_import(batch_id)


@task()
def run_import_part_task(batch_id: str, part_id: int) -> None:
    from kontor.imports.parallel import run_part

    run_part(batch_id, part_id)


@task()
def undo_import_task(batch_id: str, actor_id: int) -> None:
    from kontor.imports.undo import run_undo

    run_undo(batch_id, actor_id)
