"""Writing quotas: one action for a page of changed cells, all or nothing, logged."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core.admin_log import log_admin_change
from kontor.forecasts import access
from kontor.forecasts.models import Quota
from kontor.forecasts.periods import Period

#: What the amount column holds: 16 digits before the decimal point.
LIMIT = Decimal("1e16")


def cell_name(user_id: int, period: Period) -> str:
    """The name of a quota's input on the Quotas page and the key of its errors."""
    return f"q-{user_id}-{period.key}"


def check_quotas(changes: dict[tuple[int, Period], Decimal | None], *, actor) -> dict:
    """The errors `save_quotas` would refuse `changes` with, by cell name (reads only)."""
    return _checked(changes, actor)[0]


def _checked(changes, actor) -> tuple[dict, dict]:
    if not access.can_keep(actor):
        raise PermissionDenied
    keepable = {u.pk: u for u in access.keepable(actor).filter(pk__in={u for u, _p in changes})}
    errors = {}
    for (user_id, period), amount in changes.items():
        name = cell_name(user_id, period)
        if user_id not in keepable:
            errors[name] = [_("You do not keep the quotas of this user.")]
        elif amount is not None and amount < 0:
            errors[name] = [_("A quota cannot be negative.")]
        elif amount is not None and abs(amount) >= LIMIT:
            errors[name] = [_("Enter a smaller amount.")]
    return errors, keepable


def save_quotas(changes: dict[tuple[int, Period], Decimal | None], *, actor) -> int:
    """Set each (user id, period) to its amount in the base currency (None: no quota).

    Refused as a whole (nothing changed) when `actor` may keep no quotas (PermissionDenied),
    or with the errors of every bad cell: a negative or too large amount, a user whose
    quotas `actor` does not keep. Returns how many quotas changed; one entry of the
    administration change log lists them with their old and new amounts.
    """
    errors, keepable = _checked(changes, actor)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {
            (q.user_id, q.period_kind, q.period_start): q
            for q in Quota.objects.select_for_update().filter(
                user_id__in=keepable,
                period_start__in={p.start for _u, p in changes},
            )
        }
        log, now = [], timezone.now()
        for (user_id, period), amount in sorted(changes.items(), key=lambda c: (c[0][0], c[0][1])):
            quota = existing.get((user_id, period.kind, period.start))
            old = quota.amount if quota else None
            if amount is not None:
                amount = amount.quantize(Decimal("0.01"))
            if old == amount:
                continue
            if amount is None:
                quota.delete()
            elif quota is None:
                Quota.objects.create(
                    user_id=user_id,
                    period_kind=period.kind,
                    period_start=period.start,
                    amount=amount,
                    modified_by=actor,
                    date_modified=now,
                )
            else:
                quota.amount, quota.modified_by, quota.date_modified = amount, actor, now
                quota.save(update_fields=["amount", "modified_by", "date_modified"])
            log.append(
                {
                    "user": keepable[user_id].username,
                    "period": period.key,
                    "old": None if old is None else str(old),
                    "new": None if amount is None else str(amount),
                }
            )
        if log:
            log_admin_change(
                actor=actor,
                area="quota",
                target=", ".join(sorted({entry["user"] for entry in log})),
                summary=gettext_noop("Quotas changed"),
                detail={"changes": log},
            )
    return len(log)
