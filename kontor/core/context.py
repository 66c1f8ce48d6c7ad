"""Where a change comes from: the request or background job, for the change log (rule 4)."""

import contextvars
import uuid
from contextlib import contextmanager

_origin: contextvars.ContextVar[str] = contextvars.ContextVar("kontor_origin", default="")


def current_origin() -> str:
    return _origin.get()


@contextmanager
def origin(label: str | None = None):
    """Run a block as one origin, e.g. `with origin("job:import-42"):`."""
    token = _origin.set(label or f"req:{uuid.uuid4().hex[:16]}")
    try:
        yield _origin.get()
    finally:
        _origin.reset(token)
