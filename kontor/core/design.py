"""Kontor's status colours: the tone of each status value, for badges on lists, record pages
and My Day (docs/ui.md).

Sales stages, lead and target statuses, lifecycle stages and the statuses of tasks, calls and
meetings each have a tone (neutral, info, progress, warning, success, danger); app.css gives
each tone a colour pair that reads in the light and the dark theme. The lists are keyed by the
dropdown list's name and SuiteCRM's keys (which never change), so an admin's relabelling keeps
the colour. A value not listed here (an admin's own key) gets the neutral tone.
"""

from django.utils.text import slugify

#: Tone of each key, per dropdown list. Keep each list ordered as its dropdown.
TONES: dict[str, dict[str, str]] = {
    "sales_stage_dom": {
        "Prospecting": "neutral",
        "Qualification": "info",
        "Needs Analysis": "info",
        "Value Proposition": "progress",
        "Id. Decision Makers": "progress",
        "Perception Analysis": "progress",
        "Proposal/Price Quote": "warning",
        "Negotiation/Review": "warning",
        "Closed Won": "success",
        "Closed Lost": "danger",
    },
    "lead_status_dom": {
        "New": "info",
        "Assigned": "progress",
        "In Process": "warning",
        "Converted": "success",
        "Recycled": "neutral",
        "Dead": "danger",
    },
    "target_status_dom": {
        "New": "info",
        "Contacted": "progress",
        "Converted": "success",
        "Dead": "danger",
    },
    "lead_stage": {"ML": "info", "MQL": "progress", "SQL": "success"},
    "task_status_dom": {
        "Not Started": "neutral",
        "In Progress": "progress",
        "Completed": "success",
        "Pending Input": "warning",
        "Deferred": "neutral",
    },
    "task_priority_dom": {"High": "danger", "Medium": "warning", "Low": "neutral"},
    "call_status_dom": {"Planned": "progress", "Held": "success", "Not Held": "danger"},
    "meeting_status_dom": {"Planned": "progress", "Held": "success", "Not Held": "danger"},
    "meeting_accept_status_dom": {
        "accept": "success",
        "decline": "danger",
        "tentative": "warning",
        "none": "neutral",
    },
}

#: Short names templates may use instead of the dropdown list's name.
ALIASES = {
    "sales_stage": "sales_stage_dom",
    "lead_status": "lead_status_dom",
    "target_status": "target_status_dom",
    "lifecycle_stage": "lead_stage",
    "task_status": "task_status_dom",
    "task_priority": "task_priority_dom",
    "call_status": "call_status_dom",
    "meeting_status": "meeting_status_dom",
    "accept_status": "meeting_accept_status_dom",
}


def has_badge(dropdown: str) -> bool:
    """Whether values of the dropdown list `dropdown` are shown as coloured badges."""
    return ALIASES.get(dropdown, dropdown) in TONES


def badge_class(value, dropdown: str) -> str:
    """The classes of a badge for the key `value` of the dropdown list `dropdown`:
    "badge kt-badge tone-success stage-closed-won". "" for an empty value."""
    if value is None or value == "":
        return ""
    name = ALIASES.get(dropdown, dropdown)
    tone = TONES.get(name, {}).get(str(value), "neutral")
    return f"badge kt-badge tone-{tone} stage-{slugify(str(value)) or 'other'}"
