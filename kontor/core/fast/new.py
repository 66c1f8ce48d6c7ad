"""A new record built positionally (a fast path of kontor.core.fast, behind `Record.new`).

For the API's creates and the import, which build a record of sixty fields per request or row:
positional construction takes half the time of keyword construction (17 instead of 34 µs for a
lead, bench/README.md "REST API"). The model's `__init__` gets the values in field order, so
one that overrides it to take keywords would be passed by (kontor.core.fast.skipped_hooks);
with the fast paths off the record is built by keyword, `model(**values)`.
"""

from kontor.core.fast import on


def new_record(model, values: dict):
    """A new, unsaved `model` of `values` (by field name or attname; a related record or its
    id); other fields get their defaults. An unknown name raises TypeError, as keyword
    construction does."""
    if not on():
        return model(**values)
    fields = model.__dict__.get("_new_fields")
    if fields is None:
        fields = model._new_fields = [
            (
                f.attname,
                f.name if f.name != f.attname else None,
                f.default if f.has_default() and callable(f.default) else f.get_default(),
            )
            for f in model._meta.concrete_fields
        ]
    args, related, used = [], [], 0
    for attname, name, default in fields:
        if attname in values:
            args.append(values[attname])
            used += 1
        elif name is not None and name in values:
            value = values[name]
            args.append(getattr(value, "pk", value))
            if value is not None and hasattr(value, "pk"):
                related.append((name, value))
            used += 1
        else:
            args.append(default() if callable(default) else default)
    if used != len(values):
        known = {n for field in fields for n in field[:2] if n}
        raise TypeError(
            f"{model.__name__}.new() got unknown fields: {', '.join(sorted(set(values) - known))}"
        )
    record = model(*args)
    for name, value in related:  # keeps the related record, as keyword construction does
        setattr(record, name, value)
    return record
