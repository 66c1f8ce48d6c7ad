"""The funnel's background work: a rebuild of every journey, run by `kontor worker`."""

from django_tasks import task

from kontor.funnel import maintain


@task()
def rebuild_funnel_task() -> int:
    """Rebuild the funnel's journeys (`kontor rebuild_funnel --queue`); returns their number."""
    count, _seconds = maintain.rebuild_timed()
    return count
