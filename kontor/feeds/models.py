"""A user's calendar feed: a secret address calendar apps subscribe to.

Only a hash of the secret is stored, so a database leak reveals no feed addresses; the address
is shown once when it is made. Revoking deletes the row; making a new one replaces it.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"calendar feed of {self.user}"
