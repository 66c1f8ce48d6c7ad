"""The rows of a record page's timeline card (records/_timeline.html) as HTML, built in Python
for whoever opens the page: a card shows up to two hundred events, and the template's tags per
event cost more CPU than the rest of the fragment's Python (docs/performance.md rule 6)."""

from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _text(value) -> str:
    """`value` escaped as the template shows a variable (localized, in the reader's zone)."""
    if hasattr(value, "tzinfo") and hasattr(value, "hour") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return conditional_escape(localize(value))


def _or_dash(value) -> str:
    return _text(value) if value else "—"


def row(event, *, history: bool = True) -> SafeString:
    """One `<li>` of the card: the event's tag, text and status; in the history its field
    changes and where the change came from; when and by whom."""
    tag = (
        format_html(
            '<a class="badge rounded-pill text-bg-light border text-decoration-none fw-normal" '
            'href="{}" title="{}">{}</a> ',
            event.owner_url,
            _text(event.owner),
            _text(event.tag),
        )
        if event.tag
        else ""
    )
    status = (
        format_html(' <span class="badge text-bg-secondary fw-normal">{}</span>', event.status)
        if event.status
        else ""
    )
    changes = ""
    if history:
        changes = "".join(
            format_html(
                '{}<span class="fw-semibold">{}:</span> <del>{}</del> → {}',
                mark_safe("<br>" if n or event.text else ""),  # noqa: S308 - a constant
                _text(change["label"]),
                _or_dash(change["old"]),
                _or_dash(change["new"]),
            )
            for n, change in enumerate(event.changes)
        )
    meta = _text(event.actor) and f" · {_text(event.actor)}"
    if history and event.origin_url:
        meta += format_html(
            ' · {} <a href="{}">{}</a>',
            pgettext("made by", "via"),
            event.origin_url,
            _text(event.origin),
        )
    elif history and event.origin:
        meta += " · " + _("via %(origin)s") % {"origin": _text(event.origin)}
    return format_html(
        '<li class="list-group-item d-flex gap-2" data-kind="{}">'
        '<i class="bi bi-{} text-body-secondary" aria-hidden="true"></i>\n'
        '      <div class="flex-grow-1 text-break">\n'
        "        {}{}{}\n"
        "        {}\n"
        '        <div class="text-body-secondary"><time datetime="{}">{}</time>{}</div>\n'
        "      </div></li>",
        event.kind,
        event.icon,
        tag,
        _text(event.text),
        status,
        mark_safe(changes),  # noqa: S308 - built by format_html above
        event.at.isoformat(),
        event.shown_at(),
        mark_safe(meta),  # noqa: S308 - escaped above
    )
