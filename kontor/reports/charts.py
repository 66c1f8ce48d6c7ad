"""The chart of a result, as the data Chart.js draws (the page's table says the same for
screen readers and keyboards; the chart is decoration).

The chart shows the first figure. With two group fields, the first gives the axis and the
second the series (a pie joins both into one label).
"""

from decimal import Decimal


def _number(value):
    if value is None:
        return 0
    return float(value) if isinstance(value, Decimal) else value


def data(result, chart: str) -> dict | None:
    """{"type", "labels", "datasets": [{"label", "data"}]} or None for a table-only report."""
    if chart == "table" or not result.rows or not result.figures:
        return None
    figure = result.figures[0]["label"]
    whole = not result.figures[0]["decimals"]  # counts: no ticks between whole numbers
    if len(result.columns) == 1 or chart == "pie":
        return {
            "type": chart,
            "labels": [" / ".join(r.labels) for r in result.rows],
            "datasets": [{"label": figure, "data": [_number(r.values[0]) for r in result.rows]}],
            "whole": whole,
        }
    axis = list(dict.fromkeys(r.labels[0] for r in result.rows))
    series = list(dict.fromkeys(r.labels[1] for r in result.rows))
    values = {(r.labels[0], r.labels[1]): _number(r.values[0]) for r in result.rows}
    return {
        "type": chart,
        "labels": axis,
        "datasets": [
            {"label": name, "data": [values.get((x, name), 0) for x in axis]} for name in series
        ],
        "stacked": chart == "bar",
        "whole": whole,
    }
