"""The words of a notification, in the language active when it is shown or mailed: the bell's
list, the API, the e-mail and the digest all word it here."""

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kontor.notifications.models import Kind


def actor_name(actor) -> str:
    if actor is None:
        return _("Someone")
    return actor.get_full_name() or actor.username


def when_text(when) -> str:
    return formats.date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT") if when else ""


def message(n) -> str:
    """One line saying what happened (`n` a Notification, saved or not)."""
    values = {"subject": n.subject, "actor": actor_name(n.actor), "when": when_text(n.when)}
    if n.kind == Kind.ASSIGNED:
        return _("%(actor)s assigned “%(subject)s” to you") % values
    if n.kind == Kind.INVITED:
        return _("%(actor)s invited you to “%(subject)s”") % values
    if n.kind == Kind.REMINDER:
        return _("Reminder: “%(subject)s” at %(when)s") % values
    if n.kind == Kind.OVERDUE:
        return _("Task overdue: “%(subject)s” was due %(when)s") % values
    if n.kind == Kind.MENTION:
        return _("%(actor)s mentioned you in “%(subject)s”") % values
    if n.detail == "migration":
        return _("The SuiteCRM migration from %(subject)s finished") % values
    if n.detail == "failed":
        return _("The import of %(subject)s stopped with an error") % values
    return _("The import of %(subject)s finished") % values


def icon(kind: str) -> str:
    """A Bootstrap icon name per kind."""
    return {
        Kind.ASSIGNED: "person-check",
        Kind.INVITED: "calendar-plus",
        Kind.REMINDER: "alarm",
        Kind.OVERDUE: "exclamation-circle",
        Kind.FINISHED: "box-arrow-in-down",
        Kind.MENTION: "at",
    }.get(kind, "bell")


def absolute(url: str) -> str:
    """A path of this site as the address a mail links to."""
    return settings.KONTOR_BASE_URL.rstrip("/") + url if url.startswith("/") else url
