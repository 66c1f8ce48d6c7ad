"""What the invitations sent, per meeting and per invitee: the meeting's iCalendar SEQUENCE and
the version of it each invitee was last sent. Read only by `kontor.invitations.actions`, which
compares them with the meeting as saved to decide who gets a request, an update or a cancel.
"""

from django.db import models


class InvitationState(models.Model):
    """A meeting's iCalendar version: `sequence` is the newest message's SEQUENCE,
    `content_sequence` the one at the last change of what a calendar shows (start, duration,
    place, subject)."""

    meeting = models.OneToOneField(
        "activities.Meeting", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    sequence = models.PositiveIntegerField(default=0)
    content_sequence = models.PositiveIntegerField(default=0)
    #: A digest of the fields an update is sent for, as last sent.
    fingerprint = models.CharField(max_length=64)
    cancelled = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.meeting_id} #{self.sequence}"


class SentInvitation(models.Model):
    """The last message one invitee of a meeting was sent: its method and SEQUENCE, and whom it
    addressed how (a removed invitee's cancel goes to the address, in the language, of the
    request)."""

    class Method(models.TextChoices):
        REQUEST = "REQUEST"
        CANCEL = "CANCEL"

    meeting = models.ForeignKey("activities.Meeting", on_delete=models.CASCADE, related_name="+")
    #: "user:<id>", "contact:<uuid>" or "lead:<uuid>": the invitee, not their invitee row
    #: (removed and added again, they are the same person).
    person = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    email = models.CharField(max_length=320)
    language = models.CharField(max_length=8)
    time_zone = models.CharField(max_length=64)
    method = models.CharField(max_length=8, choices=Method.choices)
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="sentinvitation_person")
        ]

    def __str__(self):
        return f"{self.method} #{self.sequence} to {self.person}"
