"""The daily purge of the SuiteCRM APIs' expired V8 tokens and v4_1 sessions, as a task the
task workers queue on schedule (registered in the app's ready(); docs/scheduling.md). The
command `kontor purge_suiteapi_sessions` runs the same purge by hand."""

from django_tasks import task

from kontor.suiteapi.purge import purge


@task()
def purge_sessions() -> dict:
    tokens, sessions = purge()
    return {"tokens": tokens, "sessions": sessions}
