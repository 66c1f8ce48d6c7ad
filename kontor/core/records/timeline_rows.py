"""The rows of a record page's timeline card (records/_timeline.html) as HTML, built in Python
for whoever opens the page: a card shows up to two hundred events, and the template's tags per
event cost more CPU than the rest of the fragment's Python (docs/performance.md rule 6).

A row is one f-string of escaped pieces: the same HTML format_html() would write, without its
per-argument checks, which cost more than the escaping itself at two hundred rows.
"""

from html import escape

from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _text(value) -> str:
    """`value` escaped as the template shows a variable (localized, in the reader's zone)."""
    if isinstance(value, str):  # most pieces: text as typed, or HTML built by the timeline
        return value if isinstance(value, SafeData) else escape(value)
    if hasattr(value, "tzinfo") and hasattr(value, "hour") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return conditional_escape(localize(value))


def _or_dash(value) -> str:
    return _text(value) if value else "—"


def row(event, *, history: bool = True) -> SafeString:
    """One `<li>` of the card: the event's tag, text and status; in the history its field
    changes and where the change came from; when and by whom."""
    tag = (
        '<a class="badge rounded-pill text-bg-light border text-decoration-none fw-normal" '
        f'href="{escape(event.owner_url)}" title="{_text(event.owner)}">{_text(event.tag)}</a> '
        if event.tag
        else ""
    )
    status = (
        f' <span class="badge text-bg-secondary fw-normal">{escape(event.status)}</span>'
        if event.status
        else ""
    )
    changes = ""
    if history:
        changes = "".join(
            f'{"<br>" if n or event.text else ""}<span class="fw-semibold">'
            f"{_text(change['label'])}:</span> <del>{_or_dash(change['old'])}</del> → "
            f"{_or_dash(change['new'])}"
            for n, change in enumerate(event.changes)
        )
    actor = _text(event.actor)
    meta = actor and f" · {actor}"
    if history and event.origin_url:
        meta += (
            f" · {escape(pgettext('made by', 'via'))} "
            f'<a href="{escape(event.origin_url)}">{_text(event.origin)}</a>'
        )
    elif history and event.origin:
        meta += " · " + _("via %(origin)s") % {"origin": _text(event.origin)}
    return mark_safe(  # noqa: S308 - every piece escaped above
        f'<li class="list-group-item d-flex gap-2" data-kind="{escape(event.kind)}">'
        f'<i class="bi bi-{escape(event.icon)} text-body-secondary" aria-hidden="true"></i>\n'
        '      <div class="flex-grow-1 text-break">\n'
        f"        {tag}{_text(event.text)}{status}\n"
        f"        {changes}\n"
        '        <div class="text-body-secondary">'
        f'<time datetime="{escape(event.at.isoformat())}">{escape(event.shown_at())}</time>'
        f"{meta}</div>\n"
        "      </div></li>"
    )
