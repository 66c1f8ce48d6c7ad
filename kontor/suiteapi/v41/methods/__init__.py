"""The v4_1 methods, registered by name when imported (calls.METHODS)."""

from kontor.suiteapi.v41.methods import (  # noqa: F401
    attachments,
    auth,
    meta,
    read,
    relations,
    write,
)
