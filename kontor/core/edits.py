"""What a save of a record changed, and whether someone else changed it meanwhile.

For `kontor.core.actions.save_record` (docs/architecture.md, "Concurrent edits"): an update
writes only the fields it changed, counted from the values the record was loaded with or, for
an edit form, the values the form showed (`edit_from`); every other field keeps the stored
value. `rebase` does this under the row lock; a field the edit changed that someone else
changed to another value meanwhile is an `EditConflict` when the form asked for it.
"""

from kontor.core.models import Record


def content_fields(model) -> list:
    """The columns a save compares and an edit form remembers: all but the bookkeeping."""
    return [f for f in model._meta.concrete_fields if f.name not in Record.AUDIT_EXCLUDE]


class VersionMismatch(Exception):
    """The stored record is not the version the caller named (the API's If-Match): nothing
    was written. `version` is the stored one (its `date_modified`)."""

    def __init__(self, version):
        super().__init__(version)
        self.version = version


class EditConflict(Exception):
    """Someone else changed fields this save also changes, to other values, since the values
    the edit started from (`edit_from`): nothing was written.

    `fields` maps each such field (a custom one as "custom.<name>") to its stored value.
    The record is left as the save would have written it (the stored row with this edit's
    changes) and now counts its changes from the stored row, whose `date_modified` it has: a
    form shown again from it carries the other person's changes and the user's.
    """

    def __init__(self, fields: dict):
        super().__init__(sorted(fields))
        self.fields = fields


def edit_from(record: Record, shown: dict, *, refuse_conflicts: bool = True) -> None:
    """Count `record`'s changes from `shown` (attname → value: what an edit form showed, maybe
    long before) instead of from the values it was just loaded with. Its next save then writes
    only what the user changed and, with `refuse_conflicts`, raises EditConflict instead of
    overwriting a field someone else changed to another value since."""
    record._loaded = {**getattr(record, "_loaded", {}), **shown}
    record._refuse_conflicts = refuse_conflicts


def rebase(record: Record, fields: list, baseline: dict, stored: dict, sent: frozenset) -> bool:
    """Keep the fields this save changes and take every other one from the `stored` row (a
    custom value key by key); True when a stored value replaced one the record held.

    A field is changed when its value differs from `baseline` (what the record was loaded or
    shown with), is named in `sent`, or was set on a record that did not load it.
    """
    refuse = getattr(record, "_refuse_conflicts", False)
    record._refuse_conflicts = False
    conflicts: dict = {}
    took = False
    loaded = dict(baseline)
    for f in fields:
        name, held = f.attname, record.__dict__  # __dict__: a deferred field is not loaded
        is_set = name in held
        theirs = stored[name]
        if f.name == "custom" and is_set and isinstance(held[name], dict):
            mine = held[name]
            merged, clashes = _merge_custom(mine, baseline.get(name), theirs, sent)
            conflicts.update(clashes if refuse else {})
            took = took or merged != mine
            setattr(record, name, merged)
            loaded[name] = theirs
            continue
        changed = is_set and (
            f.name in sent or name in sent or name not in baseline or held[name] != baseline[name]
        )
        if changed:
            if refuse and name in baseline and theirs not in (baseline[name], held[name]):
                conflicts[f.name] = theirs
            continue
        if not is_set or held[name] != theirs:
            took = took or is_set
            setattr(record, name, theirs)
        loaded[name] = theirs
    record._loaded = loaded
    if conflicts:
        # Shown again, the form starts from the stored row: the user's changes are changes
        # against it, the other person's are what it shows.
        record._loaded = {**loaded, **{f.attname: stored[f.attname] for f in fields}}
        record.date_modified, record.modified_by_id = (
            stored["date_modified"],
            stored["modified_by_id"],
        )
        raise EditConflict(conflicts)
    return took


_MISSING = object()


def _merge_custom(mine: dict, base, stored, sent: frozenset) -> tuple[dict, dict]:
    """(the stored custom values with the keys this save changed, {"custom.<key>": stored
    value} of those keys someone else changed to another value since `base`)."""
    base = base if isinstance(base, dict) else {}
    stored = stored if isinstance(stored, dict) else {}
    keys = {k for k in set(mine) | set(base) if mine.get(k, _MISSING) != base.get(k, _MISSING)}
    keys |= {k for k in mine if f"custom.{k}" in sent}
    merged, clashes = dict(stored), {}
    for key in keys:
        theirs = stored.get(key, _MISSING)
        if theirs not in (base.get(key, _MISSING), mine.get(key, _MISSING)):
            clashes[f"custom.{key}"] = None if theirs is _MISSING else theirs
        if key in mine:
            merged[key] = mine[key]
        else:
            merged.pop(key, None)
    return merged, clashes
