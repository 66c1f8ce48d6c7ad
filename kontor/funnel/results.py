"""The funnel's figures, kept in the shared cache until the journeys change.

Counting a year of journeys at a million leads takes the database most of a second (every
journey of the cohort is read); the same figures asked again come from Django's cache (Redis in
a deployment). Every refresh that changed a journey, and every rebuild, gives the journeys a new
version, which every process sees on its next request; an entry also expires after
`CACHE_SECONDS`, so a role or team change of a user shows within minutes at the latest.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.utils.translation import get_language

from kontor.core import permissions
from kontor.funnel import figures
from kontor.leads.models import Lead
from kontor.targets.models import Target

VERSION_KEY = "kontor:funnel:version"
CACHE_SECONDS = 300


def changed() -> None:
    """The journeys changed: cached figures are no longer current."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _reach(user) -> str:
    """Whose figures these are: everyone's for a user who lists all leads and targets, else
    this user's (their own and their teams' journeys)."""
    scopes = (permissions.scope(user, "list", Lead), permissions.scope(user, "list", Target))
    return "all" if scopes == ("all", "all") else f"user:{user.pk}:{scopes}"


def funnel(user, cohort: figures.Cohort) -> figures.Funnel:
    """`figures.funnel(user, cohort)`, from the cache when the journeys have not changed."""
    # The version is read before the figures: a change in between leaves them under the old one.
    version = _version()
    # The stages' labels are in the user's language, the months in their time zone.
    what = repr((_reach(user), cohort, get_language(), str(cohort.bounds()[0].tzinfo))).encode()
    key = f"kontor:funnel:{version}:{hashlib.sha256(what).hexdigest()}"
    result = cache.get(key)
    if result is None:
        result = figures.funnel(user, cohort)
        cache.set(key, result, CACHE_SECONDS)
    return result
