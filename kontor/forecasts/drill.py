"""The opportunities list address of a forecast figure: exactly the records it adds up.

A figure is a set of (sales stage, forecast category) groups of some users' opportunities
closing in a date range. The list filters by users, the close date's range, stages and
categories, each a set of keys; from the groups in the figure and the other groups of the
same users and range it chooses filters that select the figure's records and no other:
the stages alone when no other group shares them, else stages and categories. When the
list cannot select them (a deactivated stage, an opportunity without a forecast category,
an inactive user, both filters still too wide) the figure gets no address rather than a
wrong one.
"""

import functools
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlencode

from kontor.core import dropdowns

Group = tuple[str, str]  # (sales stage, forecast category)


def _filterable(name: str) -> set[str]:
    # The keys the list's filter accepts: the active values of the dropdown.
    return {option.key for option in dropdowns.options(name)}


def params(figure: Iterable[Group], others: Iterable[Group]) -> list[tuple[str, str]] | None:
    """The stage (and category) filters selecting `figure` and none of `others`, or None."""
    figure = set(figure)
    if not figure:
        return None
    stages = sorted({stage for stage, _category in figure})
    categories = sorted({category for _stage, category in figure})
    if not set(stages) <= _filterable("sales_stage_dom"):
        return None
    others = set(others) - figure
    if not any(stage in stages for stage, _category in others):
        return [("sales_stage", s) for s in stages]
    if "" in categories or not set(categories) <= _filterable("forecast_category_dom"):
        return None
    if any(stage in stages and category in categories for stage, category in others):
        return None
    return [("sales_stage", s) for s in stages] + [("forecast_category", c) for c in categories]


def url(
    list_url: str,
    *,
    user_ids: Iterable[int],
    first: date,
    last: date,
    figure: Iterable[Group],
    others: Iterable[Group],
    active_users: set[int],
) -> str | None:
    """The list address showing the figure's records, or None when the list cannot."""
    users = sorted(set(user_ids))
    if not users or not set(users) <= active_users:
        return None
    found = params(figure, others)
    if found is None:
        return None
    query = [("assigned_user", str(u)) for u in users]
    query += [("date_closed_min", first.isoformat()), ("date_closed_max", last.isoformat())]
    return f"{list_url}?{'&'.join(_pair(name, value) for name, value in query + found)}"


@functools.lru_cache(maxsize=4096)
def _pair(name: str, value: str) -> str:
    # A page of twelve periods builds a thousand addresses from a few dozen distinct pairs.
    return urlencode([(name, value)])
