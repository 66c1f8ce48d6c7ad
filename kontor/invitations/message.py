"""The e-mail of one invitation, update or cancel, for the invitee who receives it.

In the invitee's language and time zone: a text and an HTML body with the answer links, and
the iCalendar of the meeting twice, as the `text/calendar; method=…` alternative that calendar
clients (Outlook, Gmail, Apple Mail, Thunderbird) act on and as an `invite.ics` attachment for
the rest. The VEVENT is the calendar feed's (same UID, so a subscribed feed and an accepted
invitation are one appointment), with the organiser, this attendee and the SEQUENCE added.
Only the receiving attendee is listed: invitees from different companies do not learn each
other's addresses.
"""

from dataclasses import dataclass
from datetime import UTC
from email.utils import formataddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress, vText

from kontor.activities import calendar as feed

#: iCalendar PARTSTAT of each key of meeting_accept_status_dom
PARTSTAT = {
    "accept": "ACCEPTED",
    "decline": "DECLINED",
    "tentative": "TENTATIVE",
    "none": "NEEDS-ACTION",
}


@dataclass
class Recipient:
    """One invitee as the mail addresses them."""

    person: str  # "user:<id>", "contact:<uuid>", "lead:<uuid>"
    name: str
    email: str
    language: str
    time_zone: str
    accept_status: str = "none"


def organiser_of(meeting) -> tuple[str, str]:
    """(name, address) of the meeting's organiser: its assigned user, else Kontor itself."""
    user = meeting.assigned_user
    if user is not None and user.email:
        return user.get_full_name() or user.username, user.email
    return "Kontor", settings.DEFAULT_FROM_EMAIL


def ical(meeting, recipient: Recipient, method: str, sequence: int) -> bytes:
    """The iCalendar object of `method` (REQUEST or CANCEL) for `recipient`."""
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", feed.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = feed.event(meeting, "meeting", now)
    # The feed's description (internal notes) and link (Kontor's page of the meeting) are for
    # users of Kontor, not for people outside it.
    for name in ("STATUS", "DESCRIPTION", "URL"):
        event.pop(name, None)
    if meeting.join_url:
        event.add("url", meeting.join_url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("sequence", sequence)
    if meeting.join_url and not meeting.location:
        event.pop("LOCATION", None)
        event.add("location", vText(meeting.join_url))
    name, address = organiser_of(meeting)
    organiser = vCalAddress(f"mailto:{address}")
    organiser.params["CN"] = vText(name)
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{recipient.email}")
    attendee.params.update(
        {
            "CN": vText(recipient.name),
            "ROLE": "REQ-PARTICIPANT",
            "CUTYPE": "INDIVIDUAL",
            "PARTSTAT": PARTSTAT.get(recipient.accept_status, "NEEDS-ACTION"),
            "RSVP": "TRUE",
        }
    )
    event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical()


def answer_url(token: str) -> str:
    return settings.KONTOR_BASE_URL.rstrip("/") + reverse("invitations:answer", args=[token])


def zone_of(name: str):
    """The time zone `name`, UTC when unknown (the template filters show times in it)."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return UTC


def one_line(text: str) -> str:
    """`text` for a mail header: a line break in a name would make the mail unsendable."""
    return " ".join(str(text).split())


def build(meeting, recipient: Recipient, method: str, sequence: int, *, update: bool, token: str):
    """The EmailMultiAlternatives of one message, rendered in the recipient's language."""
    with translation.override(recipient.language), timezone.override(zone_of(recipient.time_zone)):
        context = {
            "meeting": meeting,
            "recipient": recipient,
            "organiser": organiser_of(meeting)[0],
            "time_zone": recipient.time_zone,
            "cancel": method == "CANCEL",
            "update": update,
            "url": answer_url(token),
        }
        if method == "CANCEL":
            subject = _("Cancelled: %(subject)s")
        elif update:
            subject = _("Updated invitation: %(subject)s")
        else:
            subject = _("Invitation: %(subject)s")
        subject = one_line(subject % {"subject": meeting.name})
        text = render_to_string("invitations/mail/invitation.txt", context)
        html = render_to_string("invitations/mail/invitation.html", context)
    organiser_name, organiser_address = organiser_of(meeting)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((one_line(organiser_name), settings.DEFAULT_FROM_EMAIL)),
        to=[formataddr((one_line(recipient.name), recipient.email))],
        reply_to=[one_line(organiser_address)],
    )
    message.attach_alternative(html, "text/html")
    calendar = ical(meeting, recipient, method, sequence)
    message.attach_alternative(calendar.decode(), f"text/calendar; method={method}")
    message.attach("invite.ics", calendar, "application/ics")
    return message
