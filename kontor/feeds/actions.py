"""Make and revoke a user's calendar feed address (the only writers of CalendarFeed)."""

import secrets

from django.db import transaction

from kontor.feeds.models import CalendarFeed, token_hash


@transaction.atomic
def renew_feed(*, actor) -> str:
    """A new secret for `actor`'s feed (the old address stops working); returns the secret."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token_hash": token_hash(token), "last_used_at": None}
    )
    return token


@transaction.atomic
def revoke_feed(*, actor) -> bool:
    """Stop `actor`'s feed address; True when there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
    return bool(deleted)


def feed_user(token: str):
    """The active user whose feed secret is `token`, or None."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user
