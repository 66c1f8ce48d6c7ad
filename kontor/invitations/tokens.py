"""The signed token of an invitation's answer links: which meeting, which invitee, and the
language the mail spoke. Public, so signed (django.core.signing, a salt of its own: no other
signed value of Kontor is accepted here) and valid only until the meeting's end.
"""

from django.core import signing
from django.utils import timezone

SALT = "kontor.invitations.answer"


class Invalid(Exception):
    """A forged, damaged or expired token; `expired` tells the two apart for the page."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make(meeting, person: str, language: str) -> str:
    return signing.dumps({"m": str(meeting.pk), "p": person, "l": language}, salt=SALT)


def read(token: str) -> dict:
    """{"m": meeting id, "p": person key, "l": language}, or Invalid."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise Invalid() from error
    if not isinstance(data, dict) or not {"m", "p", "l"} <= data.keys():
        raise Invalid()
    return data


def check_open(meeting) -> None:
    """Invalid(expired) once the meeting has ended: its links answer nothing any more."""
    if meeting.date_end <= timezone.now():
        raise Invalid(expired=True)
