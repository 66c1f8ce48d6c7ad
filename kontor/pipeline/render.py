"""The board's cards as HTML, rendered in Python: a board shows up to 20 cards in each of
eight or more columns, and a template include per card cost most of the page's time
(docs/performance.md rule 6; bench/README.md, "Pipeline board"). The translated texts and
URL prefixes are made once per request, each card is one escaped f-string.
"""

import html
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.pipeline.templatetags.pipeline import money


def _text(value) -> str:
    """`value` escaped for HTML as Django's `escape` does, without its lazy-string wrapper and
    safe-string copy: a board escapes about ten texts per card."""
    return html.escape(str(value))


@dataclass(frozen=True)
class Texts:
    """What every card of one request says, translated once."""

    prefix: str
    close: str
    owner: str
    days: str
    move: str
    move_label: str
    empty: str
    loading: str
    can_edit: bool

    @classmethod
    def make(cls, can_edit: bool) -> "Texts":
        return cls(
            prefix=reverse("opportunities:list"),
            close=escape(_("Expected close date")),
            owner=escape(_("Assigned to")),
            days=escape(_("Days in this stage")),
            move=escape(_("Move to …")),
            move_label=_("Move %(name)s to another stage"),
            empty=escape(_("No opportunities")),
            loading=escape(_("Loading more …")),
            can_edit=can_edit,
        )


def card(record, texts: Texts) -> str:
    """One card (a record from `board.cards`, decorated by `board.decorate`, which made its
    texts: the close date, days in stage, amount and account)."""
    pk, name = record.pk, _text(record.name)
    amount = _text(record.amount_text)
    label = f"{name}, {amount}" if amount else name
    account = (
        f'<div class="board-card-account text-truncate">{_text(record.account_text)}</div>'
        if record.account_text
        else ""
    )
    meta = [
        f'<span title="{texts.close}"><i class="bi bi-calendar-event" aria-hidden="true"></i> '
        f"{record.date_text}</span>"
    ]
    if record.owner_text:
        meta.append(
            f'<span title="{texts.owner}"><i class="bi bi-person" aria-hidden="true"></i> '
            f"{_text(record.owner_text)}</span>"
        )
    if record.days_text:
        meta.append(
            f'<span title="{texts.days}"><i class="bi bi-hourglass-split" aria-hidden="true">'
            f"</i> {_text(record.days_text)}</span>"
        )
    move = ""
    if texts.can_edit:
        aria = _text(texts.move_label % {"name": record.name})
        move = (
            f'<button type="button" class="btn btn-sm btn-link board-card-move p-0" '
            f'data-move-open aria-haspopup="dialog" aria-label="{aria}">'
            f'<i class="bi bi-arrow-left-right" aria-hidden="true"></i> {texts.move}</button>'
        )
    return (
        f'<li class="board-card" tabindex="0" data-id="{pk}" '
        f'data-version="{_text(record.version)}" data-stage="{_text(record.sales_stage)}" '
        f'data-order="{_text(record.after)}" '
        f'data-move="{texts.prefix}board/{pk}/move/" aria-label="{label}">'
        f'<a class="board-card-name" href="{texts.prefix}{pk}/">{name}</a>{account}'
        f'<div class="board-card-amount">{amount}</div>'
        f'<div class="board-card-meta">{"".join(meta)}</div>{move}</li>'
    )


def cards(records, texts: Texts, *, more: bool, stage: str, query: str) -> SafeString:
    """A column's cards, and the "more" row that loads the next ones when scrolled into view
    (keyset after the last card, with the board's filters `query`)."""
    parts = [card(record, texts) for record in records]
    if not records and not more:
        parts.append(f'<li class="board-empty small text-body-secondary">{texts.empty}</li>')
    if more:
        params = {"stage": stage}
        if records:
            params["after"] = records[-1].after
        url = f"{texts.prefix}board/column/?{urlencode(params)}" + (f"&{query}" if query else "")
        parts.append(
            f'<li class="board-more small text-body-secondary" hx-get="{escape(url)}" '
            f'hx-trigger="revealed" hx-swap="outerHTML"><span class="spinner-border '
            f'spinner-border-sm" aria-hidden="true"></span> {texts.loading}</li>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def header(stage, shown) -> SafeString:
    """A column's header: the stage's name, its number of opportunities, amount and weighted
    amount in the shown currency ("–" without a rate) and how many have no exchange rate. For
    the board and a move's answer, which re-renders the headers of both columns."""
    amount = money(shown.amount, shown.currency) or "–"
    weighted = money(shown.weighted, shown.currency) or "–"
    missing = ""
    if shown.without_rate:
        text = ngettext(
            "%(n)s without exchange rate", "%(n)s without exchange rate", shown.without_rate
        ) % {"n": shown.without_rate}
        missing = (
            '\n<div class="small text-warning-emphasis board-without-rate" '
            'data-figure="without-rate"><i class="bi bi-exclamation-triangle" '
            f'aria-hidden="true"></i> {escape(text)}</div>'
        )
    return mark_safe(  # noqa: S308 - every value is escaped
        '<div class="d-flex align-items-baseline gap-2"><h2 class="h6 mb-0 '
        f'board-column-title">{escape(stage.label)}</h2><span class="badge rounded-pill '
        f'text-bg-light border" title="{escape(_("Opportunities"))}">'
        f"{escape(localize(shown.count))}</span></div>\n"
        '<dl class="board-figures small mb-0">\n'
        f'  <dt>{escape(_("Amount"))}</dt><dd data-figure="amount">{escape(amount)}</dd>\n'
        f'  <dt>{escape(_("Weighted"))}</dt><dd data-figure="weighted">{escape(weighted)}</dd>\n'
        f"</dl>{missing}"
    )
