"""Three-way merges for a second migration run of users, teams and roles.

`LegacyId.written` holds what the last run wrote. A value SuiteCRM changed since then is taken
over unless Kontor changed it too: then Kontor's edit wins and the field is listed as a
conflict. A value only Kontor changed stays. For sets (members, role holders) the additions
and removals SuiteCRM made since the last run are applied to Kontor's current set.
"""

_MISSING = object()


def merge(current: dict, written: dict, wanted: dict) -> tuple[dict, list[str]]:
    """The values to store and the fields edited on both sides (Kontor's kept).

    `current`: Kontor's values now; `written`: what the last run wrote (empty before the
    first); `wanted`: SuiteCRM's values now. A field the last run did not note counts as
    unchanged in Kontor, so SuiteCRM's value is taken.
    """
    result, conflicts = dict(current), []
    for field, new in wanted.items():
        now = current.get(field)
        base = written.get(field, _MISSING)
        if base is _MISSING:
            base = now
        if new in (base, now):
            continue  # SuiteCRM unchanged (Kontor's value stays) or both agree
        if now == base:
            result[field] = new
        else:
            conflicts.append(field)
    return result, conflicts


def merge_set(current: set, written: list | None, wanted: set) -> set:
    """Kontor's set with SuiteCRM's additions and removals since the last run applied
    (nothing noted of a last run: SuiteCRM's members are added, none removed)."""
    base = set(written) if written is not None else set()
    return (set(current) - (base - wanted)) | (wanted - base)
