"""One migration run from SuiteCRM: open the source, run the steps, keep the report.

For `kontor migrate-suitecrm` and the tests. A real run writes chunk by chunk (each step's
chunks are transactions of their own, so a killed run leaves whole chunks and a new run goes on
from there); a dry run does the same work inside one transaction that is rolled back at the
end, so its report counts what a real run would do and nothing is written.
"""

import logging
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core.context import origin
from kontor.core.models import ChangeLog, ExternalId
from kontor.currencies import rates
from kontor.suitecrm.delta import windows
from kontor.suitecrm.models import MigrationRun
from kontor.suitecrm.report import Report
from kontor.suitecrm.source import Source
from kontor.suitecrm.steps import Context, steps

logger = logging.getLogger(__name__)

#: Rows a step must write before its tables are analyzed again (see `_analyze`)
ANALYZE_AFTER = 5000


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
    since=None,
    full: bool = False,
) -> Report:
    """Migrate the SuiteCRM database at `url` into Kontor; returns the report.

    By default a step reads only what SuiteCRM changed since the last run that finished it;
    `since` (an aware datetime) names the time instead, `full` reads everything."""
    report = Report()
    source = Source.open(url)
    try:
        context = Context(source, report, actor, dry_run=dry_run, uploads=uploads)
        selected = [s for s in steps() if not modules or s.name in modules]
        found = windows(source.name, [s.name for s in selected], since=since, full=full)
        _note_windows(report, selected, found)
        if dry_run:
            try:
                with transaction.atomic(), origin("suitecrm:dry-run"):
                    _run_steps(selected, context, progress, found)
                    raise _DryRunRollback
            except _DryRunRollback:
                # Tables cached while the dry run's writes were visible (the currencies step's
                # base and rates) would outlive its rollback: forgotten here and shared-wide.
                rates.invalidate()
        else:
            run = MigrationRun.objects.create(source=source.name, source_clock=source.clock)
            # The change log and the external ids name the run: "suitecrm:<run id>".
            with origin(f"suitecrm:{run.pk}"), _commits_without_waiting():
                _run_steps(selected, context, progress, found, run)
            run.finished_at = timezone.now()
            run.report = report.as_dict()
            run.save(update_fields=["finished_at", "report"])
    finally:
        source.close()
    return report


@contextmanager
def _commits_without_waiting():
    """PostgreSQL: the run's chunk commits do not wait for the disk (20 ms each here, several
    hundred a run). A server crash may lose the last moments of commits, but only whole ones
    and in order (the write-ahead log is one sequence): a step's watermark is never kept
    without the chunks before it, and the next run writes what was lost again."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    except BaseException:
        _reset_synchronous_commit(quietly=True)
        raise
    _reset_synchronous_commit()


def _reset_synchronous_commit(*, quietly: bool = False) -> None:
    """Commits wait for the disk again. `quietly` (the run failed): a reset that fails too
    (a broken connection, an aborted transaction) must not replace the run's error, so the
    connection is closed instead, and the setting goes with it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    except DatabaseError:
        if not quietly:
            raise
        logger.warning("RESET synchronous_commit failed after a failed run; connection closed")
        connection.close()


def _note_windows(report: Report, selected, found: dict) -> None:
    """The report's first lines: which steps read only what changed, and since when."""
    since = sorted({found[s.name].since for s in selected if s.delta and found[s.name].since})
    full = [s.name for s in selected if s.delta and found[s.name].since is None]
    for moment in since:
        names = [s.name for s in selected if s.delta and found[s.name].since == moment]
        report.note(
            _("Only what SuiteCRM changed since %(time)s UTC: %(steps)s.")
            % {"time": f"{moment:%Y-%m-%d %H:%M}", "steps": ", ".join(names)}
        )
    if since and full:
        report.note(
            _("Read in full (no earlier run finished them): %(steps)s.")
            % {"steps": ", ".join(full)}
        )


def _run_steps(selected, context: Context, progress, found: dict, run=None) -> None:
    for step in selected:
        context.window = found[step.name]
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
        written = context.report.written()
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
        else:
            if run is not None:
                # Saved at once: a run killed later still lets the next one start from here.
                run.watermarks[step.name] = context.source.clock.isoformat()
                run.save(update_fields=["watermarks"])
        finally:
            _analyze(context, context.report.written() - written)
            if progress:
                context.report.listener = None
                timing = progress.finish()
                if timing is not None:
                    context.report.timings.append(timing)


def _analyze(context: Context, rows: int) -> None:
    """Give PostgreSQL statistics of what the step wrote (`rows` created or updated) before
    the next step reads it.

    A bulk load outruns autovacuum (or runs where it is off): without statistics the later
    steps' lookups of thousands of ids in the change log were planned as nested loops over the
    whole table (19 s a chunk at 200,000 rows instead of 8 ms). SQLite plans without them. A
    step that wrote fewer than `ANALYZE_AFTER` rows (a delta run) leaves the statistics as they
    were: they still describe the tables, and ANALYZE of a large change log takes seconds.
    """
    written = context.shared.pop("written_tables", set())
    if connection.vendor != "postgresql" or rows < ANALYZE_AFTER:
        return
    tables = sorted(written | {ChangeLog._meta.db_table, ExternalId._meta.db_table})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _start(progress, step, context: Context) -> None:
    """Start `progress` (`kontor.suitecrm.progress.Progress`) on `step`: its total is the row
    count of the step's first table; the report's counts tick it."""
    table = step.tables[0] if step.tables else ""
    where, params = context.delta() if step.delta else ("", [])
    sql = f"SELECT COUNT(*) FROM `{table}` WHERE 1 = 1{where}"
    total = context.source.scalar(sql, params) if table else 0
    progress.start(step.name, table, int(total or 0))
    context.report.listener = progress.tick
