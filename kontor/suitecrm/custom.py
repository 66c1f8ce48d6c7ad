"""Names of SuiteCRM's Studio fields in Kontor, shared by the custom fields and audit steps.

A Studio field `bonitaet_c` becomes the Kontor custom field `bonitaet`; a name Kontor reserves
for the record type (a built-in field such as `status`, a Python keyword) keeps its `_c`.
"""

from kontor.core import config


def kontor_name(model, suitecrm_name: str) -> str:
    """The Kontor custom field name of SuiteCRM's Studio field `suitecrm_name` on `model`."""
    name = suitecrm_name.lower()
    short = name[: -len("_c")] if name.endswith("_c") else name
    if not short or short in config.reserved_names(model):
        return name[:50]
    return short[:50]
