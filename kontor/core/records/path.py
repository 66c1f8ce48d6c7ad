"""The path at the top of a record's page: the steps of its `path_field` (a lead's lifecycle
stage, an opportunity's sales stage) as buttons, for the salesperson moving a record on.

A click POSTs the step to `StageView` (fragments.py), which changes the field through the action
(`save_record`): the same validation as the edit form (required fields, the module's rules
such as B2B's account, the probability that follows the sales stage), the version the page
showed (someone else's save in between refuses the click), the change log and the webhooks.
A refusal changes nothing and says why. With HTMX the record's part of the page is swapped in
place; without JavaScript the form posts and the page is shown again.
"""

from kontor.core import dropdowns, permissions


def steps(module, record, user=None) -> dict | None:
    """The path of `record`: {"field", "label", "steps", "terminal", "version", "can_move"};
    None when the module has no path. Each step: {"key", "label", "current", "done",
    "entered"}; inactive options show only while the record stands on one."""
    name = module.path_field
    if not name:
        return None
    field = module.model._meta.get_field(name)
    current = getattr(record, name)
    entered = module.path_entered(record)
    options = [
        o
        for o in dropdowns.options(field.dropdown, include_inactive=True)
        if o.active or o.key == current
    ]
    keys = [o.key for o in options if o.key not in module.path_terminal]
    position = keys.index(current) if current in keys else len(keys)
    main, terminal = [], []
    for o in options:
        step = {
            "key": o.key,
            "label": o.label,
            "current": o.key == current,
            "entered": entered.get(o.key),
        }
        if o.key in module.path_terminal:
            terminal.append({**step, "won": o.key == module.path_terminal[0]})
        else:
            step["done"] = keys.index(o.key) < position
            main.append(step)
    return {
        "field": name,
        "label": field.verbose_name,
        "steps": main,
        "terminal": terminal,
        "version": record.date_modified.isoformat() if record.date_modified else "",
        "can_move": user is not None and permissions.allows(user, "edit", record),
    }
