"""Users under their SuiteCRM ids: the id a migrated user had in SuiteCRM (kept by the
migration as `LegacyId` of kind "user"), else Kontor's primary key as text."""

from django.contrib.auth import get_user_model

from kontor.suitecrm.models import LegacyId


def suitecrm_user_id(user) -> str:
    legacy = LegacyId.objects.filter(kind="user", kontor_id=str(user.pk))
    return legacy.values_list("suitecrm_id", flat=True).first() or str(user.pk)


def user_with_id(suitecrm_id: str):
    """The active user of a SuiteCRM user id, or None."""
    legacy = LegacyId.objects.filter(kind="user", suitecrm_id=suitecrm_id)
    pk = legacy.values_list("kontor_id", flat=True).first() or suitecrm_id
    if not str(pk).isdigit():
        return None
    return get_user_model().objects.filter(pk=int(pk), is_active=True).first()
