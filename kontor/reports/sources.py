"""Saved views of a list as the start of a report's filters, for the report builder.

A user who has saved "Hot leads from the web" as a view of the leads list starts a report from
it instead of setting the same filters again. The view's filters and search are **copied**
into the report: the report keeps them when the view is changed or deleted, and a report
shared with a team never depends on a view some of its viewers cannot see. Only views the user
sees (kontor.savedviews) of the report's record type are offered and taken; any other id is
refused with a message on the field "view" and nothing is filled in.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kontor import savedviews
from kontor.reports import engine, spec

#: The builder's parameter naming the view to start from.
PARAM = "report-view"


def choices(user, module) -> list[tuple[int, str]]:
    """(id, name) of the views of `module` that `user` sees, in the order of the list's tabs;
    one query."""
    if module is None:
        return []
    return [(view.pk, view.name) for view in savedviews.views_for(user, module)]


def filters_of(module, view_id, user) -> tuple[str, str]:
    """(the report filters, the view's name) of the saved view `view_id`: its filters and
    search as a report stores them (`engine.normalise`; its sort and any parameter the list no
    longer reads are left out). ValidationError on "view" when `user` does not see such a view
    or it is a view of another record type than `module`'s."""
    view = savedviews.find(user, view_id)
    if view is None:
        raise ValidationError(
            {"view": [_("This saved view does not exist or is not shared with you.")]}
        )
    if view.module != module.slug:
        other = spec.module_for(view.module)
        raise ValidationError(
            {
                "view": [
                    _("“%(view)s” is a saved view of %(other)s, not of %(chosen)s.")
                    % {
                        "view": view.name,
                        "other": other.verbose_name_plural if other else view.module,
                        "chosen": module.verbose_name_plural,
                    }
                ]
            }
        )
    return engine.normalise(module, savedviews.apply(view)), view.name
