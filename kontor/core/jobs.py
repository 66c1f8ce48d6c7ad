"""Background jobs that carry the id of the request that queued them into their log lines.

For operators reading logs: a job queued while a request (or another job) runs is stored with
that request's id, and the job's log lines carry it (`kontor.core.logs`). Every task gets this
without a line of its own: the task backend of kontor/settings.py, `kontor.core.jobs.
DatabaseBackend` (django-tasks' database backend), makes each `@task` a `TracedTask`, which
adds the id to the stored keyword arguments on `enqueue()` and takes it out again when the
worker calls the task. With another backend (RQ) tasks run the same, without the id.
"""

from django_tasks.base import Task
from django_tasks_db import DatabaseBackend as _DatabaseBackend

from kontor.core.logs import current_request_id, log_context

#: The stored keyword argument that carries the id; a task never sees it.
REQUEST_ID_KWARG = "_kontor_request_id"


def _with_request_id(kwargs: dict) -> dict:
    request_id = current_request_id()
    return {**kwargs, REQUEST_ID_KWARG: request_id} if request_id else kwargs


class TracedTask(Task):
    """A django-tasks Task that remembers the queuing request's id and logs under it."""

    __slots__ = ()

    def enqueue(self, *args, **kwargs):
        return super().enqueue(*args, **_with_request_id(kwargs))

    async def aenqueue(self, *args, **kwargs):
        return await super().aenqueue(*args, **_with_request_id(kwargs))

    def call(self, *args, **kwargs):
        request_id = kwargs.pop(REQUEST_ID_KWARG, "")
        with log_context(request_id=request_id, task=self.module_path):
            return super().call(*args, **kwargs)

    async def acall(self, *args, **kwargs):
        request_id = kwargs.pop(REQUEST_ID_KWARG, "")
        with log_context(request_id=request_id, task=self.module_path):
            return await super().acall(*args, **kwargs)


class DatabaseBackend(_DatabaseBackend):
    """django-tasks' database backend, whose tasks are TracedTasks."""

    task_class = TracedTask
