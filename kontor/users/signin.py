"""Sign-in throttling: failed attempts slow down the one who fails, never lock out the owner.

Failures count per (user name, client address) pair: after `KONTOR_SIGNIN_MAX_FAILURES` (5)
of them, each further attempt of that pair must wait 2^(failures - 5) seconds after the last
failure (1, 2, 4 … seconds), at most `KONTOR_SIGNIN_LOCK_SECONDS` (15 minutes). Attempts
refused during a wait are not counted and do not check the password. The same user name from
another address is not slowed down at all, so an attacker who knows someone's user name
cannot keep them out. A looser limit per address (`KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS`,
any user names together) slows down one address that tries many names, with the same growing
waits. A successful sign-in forgets its pair's failures. IPv6 addresses count per /64, the
smallest network one subscriber usually gets.

Counters live in Django's cache (Redis in a deployment, so every app server sees the same
counts): the count by `add`/`incr` (atomic), the time of the last failure beside it. A pair is
forgotten after a day without failures, an address after an hour. Counters that reached their
limit are listed in a small index, so the administration can show them and clear them
(`throttles`, `clear`; the page is kontor/users/throttle_views.py).

Requests in flight at the same time have all passed the check before any of them failed, so
past the free attempts the check also claims the attempt (`claim`, an atomic `cache.add` per
attempt number): one attempt per wait checks a password however many requests arrive
together. (The free attempts are not claimed, see `claim`: a burst sent to a fresh pair checks
as many passwords as it has requests, once; all of them count, so the pair waits the longest
right after.) The sign-in page (SignInForm), the SuiteCRM V8 token endpoint and the v4_1
`login` call `is_locked` (which claims) right before checking a password and `record_failure`
after a wrong one; `wait_seconds` only reads.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

PREFIX = "kontor:signin:"
INDEX = f"{PREFIX}index"
#: At most this many throttles are listed (an attack from many addresses cannot grow the
#: index without end; the throttles themselves work whether listed or not).
INDEX_SIZE = 1000
PAIR_MEMORY = 24 * 3600
ADDRESS_MEMORY = 3600
#: How long a claimed attempt is held: longer than any password check takes.
CLAIM_SECONDS = 10


@dataclass(frozen=True)
class Throttle:
    """One counter of failures: of a user name from an address, or of an address
    (`username` empty). `wait` is how many seconds its next attempt must still wait."""

    key: str
    username: str
    address: str
    failures: int
    last: datetime
    wait: int = field(default=0, compare=False)


@dataclass(frozen=True)
class _Counter:
    key: str
    username: str
    address: str
    free: int
    memory: int


def client_address(request) -> str:
    """The address failures count for: REMOTE_ADDR, an IPv6 address as its /64 network."""
    raw = (request.META.get("REMOTE_ADDR") or "-") if request is not None else "-"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(getattr(address, "ipv4_mapped", None) or address)


def _counters(request, username: str) -> tuple[_Counter, _Counter]:
    name = (username or "").strip().lower()
    # The key holds a digest: user names may hold spaces or be long, which some caches refuse.
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    address = client_address(request)
    return (
        _Counter(
            f"pair:{digest}:{address}",
            name[:150],
            address,
            settings.KONTOR_SIGNIN_MAX_FAILURES,
            PAIR_MEMORY,
        ),
        _Counter(
            f"addr:{address}",
            "",
            address,
            settings.KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS,
            ADDRESS_MEMORY,
        ),
    )


def _count_key(key: str) -> str:
    return f"{PREFIX}{key}:n"


def _last_key(key: str) -> str:
    return f"{PREFIX}{key}:at"


def delay(failures: int, free: int) -> int:
    """Seconds an attempt waits after the last of `failures` when `free` are allowed."""
    if failures < free:
        return 0
    return min(settings.KONTOR_SIGNIN_LOCK_SECONDS, 2 ** min(failures - free, 30))


def _wait(failures: int, last: float | None, free: int, now: float) -> int:
    if not failures or last is None:
        return 0
    return max(0, math.ceil(last + delay(failures, free) - now))


def _try_key(key: str, number: int) -> str:
    return f"{PREFIX}{key}:try:{number}"


def _stored(counters) -> dict:
    return cache.get_many([k for c in counters for k in (_count_key(c.key), _last_key(c.key))])


def wait_seconds(request, username: str, *, now: float | None = None) -> int:
    """How many seconds a sign-in of `username` from this request's address must still wait
    (0: it may try now). Reads only."""
    now = time.time() if now is None else now
    counters = _counters(request, username)
    stored = _stored(counters)
    return max(
        _wait(stored.get(_count_key(c.key)) or 0, stored.get(_last_key(c.key)), c.free, now)
        for c in counters
    )


def claim(request, username: str, *, now: float | None = None) -> int:
    """Like `wait_seconds`, and when there is no wait, claim this attempt: 0 means the caller
    may check the password now. Past the free attempts, only one request per wait gets the
    next attempt number; the others are told to wait (at least a second)."""
    now = time.time() if now is None else now
    counters = _counters(request, username)
    stored = _stored(counters)
    failures = [stored.get(_count_key(c.key)) or 0 for c in counters]
    wait = max(
        _wait(n, stored.get(_last_key(c.key)), c.free, now)
        for c, n in zip(counters, failures, strict=True)
    )
    if wait:
        return wait
    for counter, count in zip(counters, failures, strict=True):
        # Only past the free attempts: a successful sign-in through the SuiteCRM APIs gives
        # no claim back, so claims before would refuse an integration's quick logins.
        if count >= counter.free and not cache.add(_try_key(counter.key, count), 1, CLAIM_SECONDS):
            # Another request checks a password right now: its claim ends with its answer.
            return min(CLAIM_SECONDS, max(1, delay(count, counter.free)))
    return 0


def is_locked(request, username: str) -> bool:
    """Whether a sign-in of `username` from this address must wait before trying again;
    when not, the attempt is claimed (`claim`): call it right before checking the password."""
    return claim(request, username) > 0


def record_failure(request, username: str) -> None:
    """Count one wrong password (or unknown name) for the pair and the address."""
    now = time.time()
    for counter in _counters(request, username):
        count_failure(counter, now)


def count_failure(counter, now: float) -> None:
    """Count one failure of `counter` at `now` (also the two-factor step's wrong codes)."""
    count_key = _count_key(counter.key)
    if cache.add(count_key, 1, counter.memory):
        failures = 1
    else:
        try:
            failures = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.add(count_key, 1, counter.memory)
            failures = 1
        cache.touch(count_key, counter.memory)  # forgotten only after quiet time
    cache.set(_last_key(counter.key), now, counter.memory)
    if failures >= counter.free:
        _list(counter)


def record_success(request, username: str) -> None:
    """Forget the failures of the pair that has just signed in (not those of the address),
    and give back the attempts it claimed, so the next sign-in from the address need not
    wait for the claim to run out."""
    pair, address = _counters(request, username)
    counts = cache.get_many([_count_key(pair.key), _count_key(address.key)])
    claims = [_try_key(c.key, counts.get(_count_key(c.key)) or 0) for c in (pair, address)]
    cache.delete_many([_count_key(pair.key), _last_key(pair.key), *claims])


def throttled_message(seconds: int) -> str:
    """The translated answer to an attempt that must wait `seconds`."""
    return ngettext(
        "Too many attempts, try again in %(seconds)d second.",
        "Too many attempts, try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def _list(counter: _Counter) -> None:
    """Put `counter` on the index of throttles (a lost concurrent update is put back by the
    pair's next failure; the throttle works either way)."""
    index = cache.get(INDEX) or {}
    if counter.key in index:
        return
    index[counter.key] = (counter.username, counter.address, counter.free)
    if len(index) > INDEX_SIZE:
        alive = cache.get_many([_count_key(k) for k in index])
        index = {k: v for k, v in index.items() if _count_key(k) in alive}
        index = dict(list(index.items())[-INDEX_SIZE:])
    cache.set(INDEX, index, PAIR_MEMORY)


def throttles(*, now: float | None = None) -> list[Throttle]:
    """Every counter at or past its limit, the longest wait first."""
    now = time.time() if now is None else now
    index = cache.get(INDEX) or {}
    keys = [k for key in index for k in (_count_key(key), _last_key(key))]
    stored = cache.get_many(keys)
    found = []
    for key, (username, address, free) in index.items():
        failures, last = stored.get(_count_key(key)) or 0, stored.get(_last_key(key))
        if failures >= free and last is not None:
            found.append(
                Throttle(
                    key,
                    username,
                    address,
                    failures,
                    datetime.fromtimestamp(last, UTC),
                    _wait(failures, last, free, now),
                )
            )
    return sorted(found, key=lambda t: (-t.wait, -t.failures, t.address, t.username))


def clear(key: str) -> Throttle | None:
    """Forget the counter `key` of the index (its user name, address, or both may try again
    at once); the throttle that was cleared, or None when there is none of that key."""
    current = next((t for t in throttles() if t.key == key), None)
    if current is None:
        return None
    cache.delete_many([_count_key(key), _last_key(key)])
    index = cache.get(INDEX) or {}
    if index.pop(key, None) is not None:
        cache.set(INDEX, index, PAIR_MEMORY)
    return current


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing to check a password while its pair or address waits."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        wait = claim(self.request, username)
        if wait:
            raise ValidationError(throttled_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(self.request, username)
            raise
        record_success(self.request, username)
        return cleaned
