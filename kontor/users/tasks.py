"""The daily prune of the sign-in audit trail past KONTOR_ACCOUNT_AUDIT_DAYS, as a task the
task workers queue on schedule (registered in the app's ready(); docs/scheduling.md). The
command `kontor prune_account_audit` runs the same prune by hand."""

from django_tasks import task

from kontor.users import audit


@task()
def prune_account_audit() -> int:
    return audit.prune()
