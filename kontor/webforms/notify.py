"""The e-mail the assigned user gets for each submission (Django mail; console by default).

Sent after the transaction commits (docs/architecture.md rule 1), in the assignee's own
language. A mail failure never undoes a submission: it is logged and the visitor still sees
the thanks.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def on_commit(webform, record, *, created: bool) -> None:
    """Schedule the notification about `record` for after the commit."""
    user = record.assigned_user
    if user is None or not user.email:
        return
    transaction.on_commit(lambda: send(webform, record, user, created=created))


def send(webform, record, user, *, created: bool) -> None:
    profile = getattr(user, "profile", None)
    language = getattr(profile, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        kind = record._meta.verbose_name
        if created:
            subject = _("New %(type)s from web form “%(form)s”: %(name)s")
        else:
            subject = _("Web form “%(form)s” submitted again by %(type)s %(name)s")
        subject = subject % {"type": kind, "form": webform.name, "name": str(record)}
        link = _absolute(record.get_absolute_url())
        body = _("%(subject)s\n\nOpen the record: %(link)s") % {"subject": subject, "link": link}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # noqa: BLE001 - a mail server problem must not lose the submission
        log.exception("web form notification to %s failed", user.email)


def _absolute(path: str) -> str:
    base = getattr(settings, "KONTOR_BASE_URL", "").rstrip("/")
    return f"{base}{path}"
