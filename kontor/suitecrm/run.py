"""One migration run from SuiteCRM: open the source, run the steps, keep the report.

For `kontor migrate-suitecrm` and the tests. A real run writes chunk by chunk (each step's
chunks are transactions of their own, so a killed run leaves whole chunks and a new run goes on
from there); a dry run does the same work inside one transaction that is rolled back at the
end, so its report counts what a real run would do and nothing is written.
"""

import logging

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core.context import origin
from kontor.core.models import ChangeLog, ExternalId
from kontor.suitecrm.models import MigrationRun
from kontor.suitecrm.report import Report
from kontor.suitecrm.source import Source
from kontor.suitecrm.steps import Context, steps

logger = logging.getLogger(__name__)


class _DryRunRollback(Exception):
    """Raised at the end of a dry run to roll back everything it did."""


def migrate(
    url: str,
    *,
    actor,
    dry_run: bool = False,
    modules: list[str] | None = None,
    uploads: str | None = None,
    progress=None,
) -> Report:
    """Migrate the SuiteCRM database at `url` into Kontor; returns the report."""
    report = Report()
    source = Source.open(url)
    try:
        context = Context(source, report, actor, dry_run=dry_run, uploads=uploads)
        selected = [s for s in steps() if not modules or s.name in modules]
        if dry_run:
            try:
                with transaction.atomic(), origin("suitecrm:dry-run"):
                    _run_steps(selected, context, progress)
                    raise _DryRunRollback
            except _DryRunRollback:
                pass
        else:
            run = MigrationRun.objects.create(source=source.name)
            # The change log and the external ids name the run: "suitecrm:<run id>".
            with origin(f"suitecrm:{run.pk}"):
                _run_steps(selected, context, progress)
            run.finished_at = timezone.now()
            run.report = report.as_dict()
            run.save(update_fields=["finished_at", "report"])
    finally:
        source.close()
    return report


def _run_steps(selected, context: Context, progress) -> None:
    for step in selected:
        missing = [t for t in step.tables if not context.source.has(t)]
        if missing:
            for table in missing:
                context.report.problem(
                    table,
                    "",
                    _("Table missing in SuiteCRM; step %(step)s skipped.") % {"step": step.name},
                )
            continue
        if progress:
            _start(progress, step, context)
        try:
            if context.dry_run:
                # A savepoint: on PostgreSQL a failed statement would end the dry run's
                # transaction for every later step.
                with transaction.atomic():
                    step.run(context)
            else:
                step.run(context)
        except Exception as error:  # a bug or an unforeseen value: reported, never a traceback
            logger.exception("SuiteCRM migration step %s failed", step.name)
            context.report.fail(
                step.name,
                _("Step %(step)s stopped: %(error)s. Its finished chunks are kept.")
                % {"step": step.name, "error": error},
            )
        finally:
            _analyze(context)
            if progress:
                context.report.listener = None
                timing = progress.finish()
                if timing is not None:
                    context.report.timings.append(timing)


def _analyze(context: Context) -> None:
    """Give PostgreSQL statistics of what the step wrote before the next step reads it.

    A bulk load outruns autovacuum (or runs where it is off): without statistics the later
    steps' lookups of thousands of ids in the change log were planned as nested loops over the
    whole table (19 s a chunk at 200,000 rows instead of 8 ms). SQLite plans without them.
    """
    written = context.shared.pop("written_tables", set())
    if connection.vendor != "postgresql":
        return
    tables = sorted(written | {ChangeLog._meta.db_table, ExternalId._meta.db_table})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _start(progress, step, context: Context) -> None:
    """Start `progress` (`kontor.suitecrm.progress.Progress`) on `step`: its total is the row
    count of the step's first table; the report's counts tick it."""
    table = step.tables[0] if step.tables else ""
    total = context.source.scalar(f"SELECT COUNT(*) FROM `{table}`") if table else 0
    progress.start(step.name, table, int(total or 0))
    context.report.listener = progress.tick
