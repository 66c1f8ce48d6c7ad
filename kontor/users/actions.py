"""Writes to users, their profiles, teams and roles: set-up, own settings, administration."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import permissions
from kontor.core.admin_log import log_admin_change
from kontor.users import presets, two_factor_actions
from kontor.users.models import Profile, Role, Team


def profile_of(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def create_user(
    username: str,
    *,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    is_superuser: bool = False,
    roles=(),
    teams=(),
):
    """Create a user with a profile, roles (instances or preset keys) and teams, as the
    installation itself does: set-up (the first administrator, before anyone can act), demo
    data and tests. An admin creates users with `save_user`, which logs who did it."""
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    Profile.objects.create(user=user, language=language)
    user.roles.set([Role.objects.get(key=r) if isinstance(r, str) else r for r in roles])
    user.teams.set(teams)
    return user


def _check_own_or_admin(user, actor) -> None:
    """A user changes their own settings; an admin may change anyone's."""
    if actor is None or (actor.pk != user.pk and not permissions.is_admin(actor)):
        raise PermissionDenied


@transaction.atomic
def update_profile(user, *, language: str, time_zone: str, actor) -> Profile:
    """Set the language and time zone of `user` (their own settings, or an admin's set-up)."""
    _check_own_or_admin(user, actor)
    profile = profile_of(user)
    profile.language, profile.time_zone = language, time_zone
    profile.save(update_fields=["language", "time_zone"])
    return profile


@transaction.atomic
def save_list_columns(user, slug: str, columns: list[str], *, actor) -> Profile:
    """Remember the list columns `user` chose for module `slug` (empty: back to default)."""
    _check_own_or_admin(user, actor)
    profile = Profile.objects.select_for_update().get(pk=profile_of(user).pk)
    prefs = dict(profile.preferences)
    prefs.setdefault("columns", {})[slug] = columns
    profile.preferences = prefs
    profile.save(update_fields=["preferences"])
    return profile


# --- Administration: users, teams, roles (admins only; the views check is_admin) ----------


def _log(actor, target: str, summary: str, detail: dict | None = None) -> None:
    """Access changes go into the administration change log, next to configuration changes."""
    log_admin_change(actor=actor, area="access", target=target, summary=summary, detail=detail)


def _active_admins(excluding=None):
    """Active users with admin rights, optionally ignoring one user (for "would remain")."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(roles__is_admin=True))
        .distinct()
    )
    return users.exclude(pk=excluding.pk) if excluding is not None else users


def _refuse_lockout(user, *, admin_after: bool, active_after: bool) -> None:
    """Refuse a change that would leave the installation without an active administrator."""
    was_admin = user.pk and _active_admins().filter(pk=user.pk).exists()
    if was_admin and not (admin_after and active_after) and not _active_admins(user).exists():
        raise ValidationError(
            _("This is the last active administrator; make someone else an administrator first.")
        )


@transaction.atomic
def save_user(user, *, actor, roles=(), teams=(), password: str = ""):
    """Create or change a user (fields already set on `user`) with roles, teams, password.

    `user.is_superuser` is the built-in administrator flag; roles marked administrator count
    too. The last active administrator can be neither deactivated nor demoted.
    """
    roles, teams = list(roles), list(teams)
    if user.pk:
        _refuse_lockout(
            user,
            active_after=user.is_active,
            admin_after=user.is_superuser or any(r.is_admin for r in roles),
        )
    if password:
        validate_password(password, user)
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.is_staff = user.is_superuser
    created = not user.pk
    user.save()
    Profile.objects.get_or_create(user=user)
    user.roles.set(roles)
    user.teams.set(teams)
    permissions.forget(user)
    if not created and any(r.requires_two_factor for r in roles):
        two_factor_actions.sign_out_unprotected([user])
    _log(
        actor,
        user.username,
        gettext_noop("User created") if created else gettext_noop("User changed"),
        {
            "active": user.is_active,
            "administrator": user.is_superuser,
            "roles": sorted(r.name for r in roles),
            "teams": sorted(t.name for t in teams),
            "password_set": bool(password),
        },
    )
    return user


@transaction.atomic
def save_team(team: Team, *, actor, members=()) -> Team:
    """Create or change a team and its members."""
    team.full_clean()
    team.save()
    # The form offers active users only: deactivated members stay members.
    kept = list(team.members.filter(is_active=False)) if team.pk else []
    team.members.set([*members, *kept])
    _log(
        actor,
        team.name,
        gettext_noop("Team saved"),
        {"members": sorted(u.username for u in [*members, *kept])},
    )
    return team


@transaction.atomic
def delete_team(team: Team, *, actor) -> None:
    """Remove a team; its records stay and lose only this membership."""
    Team.objects.filter(pk=team.pk).delete()
    _log(actor, team.name, gettext_noop("Team deleted"))


def clean_grants(grants: dict) -> dict:
    """Grants limited to known modules, actions and scopes; switches are All or None."""
    from kontor.core import registry

    slugs = {m.slug for m in registry.modules()}
    cleaned = {}
    for slug, actions in grants.items():
        if slug not in slugs:
            raise ValidationError(_("Unknown record type %(slug)s.") % {"slug": slug})
        row = {}
        for action, scope in actions.items():
            allowed = ("none", "all") if action in presets.SWITCH_ACTIONS else permissions.SCOPES
            if action not in permissions.ACTIONS or scope not in allowed:
                raise ValidationError(
                    _("Invalid grant %(action)s = %(scope)s.") % {"action": action, "scope": scope}
                )
            row[action] = scope
        cleaned[slug] = row
    return cleaned


@transaction.atomic
def save_role(role: Role, *, actor, grants: dict, users=()) -> Role:
    """Create or change a role: its grants matrix and the users who have it."""
    users = list(users)
    before = dict(Role.objects.get(pk=role.pk).grants) if role.pk else {}
    role.grants = clean_grants(grants)
    if role.pk:
        stored = Role.objects.select_for_update().get(pk=role.pk)
        if stored.is_admin:
            holders = set(stored.users.values_list("pk", flat=True))
            kept = {u.pk for u in users} if role.is_admin else set()
            if holders - kept and not _active_admins().exclude(pk__in=holders - kept).exists():
                raise ValidationError(_("This change would leave no active administrator."))
    role.full_clean()
    role.save()
    # The form offers active users only: deactivated holders keep the role.
    kept = list(role.users.filter(is_active=False))
    role.users.set([*users, *kept])
    if role.requires_two_factor:
        two_factor_actions.sign_out_unprotected(users)
    changed = {
        f"{slug}.{action}": f"{before.get(slug, {}).get(action, 'none')} → {scope}"
        for slug, row in role.grants.items()
        for action, scope in row.items()
        if before.get(slug, {}).get(action, "none") != scope
    }
    _log(
        actor,
        role.name,
        gettext_noop("Role saved"),
        {
            "administrator": role.is_admin,
            "requires_two_factor": role.requires_two_factor,
            "grants_changed": changed,
            "users": sorted(u.username for u in [*users, *kept]),
        },
    )
    return role


@transaction.atomic
def delete_role(role: Role, *, actor) -> None:
    """Remove a role; the Administrator preset and the last admin's role are kept."""
    if role.key == "administrator":
        raise ValidationError(_("The Administrator role cannot be deleted."))
    if role.is_admin:
        holders = list(role.users.values_list("pk", flat=True))
        if holders and not _active_admins().exclude(pk__in=holders).exists():
            raise ValidationError(_("This change would leave no active administrator."))
    Role.objects.filter(pk=role.pk).delete()
    _log(actor, role.name, gettext_noop("Role deleted"))


def clear_signin_throttle(key: str, *, actor) -> bool:
    """Let the user name and address of throttle `key` sign in again at once, as the admin
    `actor`, logged in the administration change log; False (nothing changed) when no
    throttle of that key is current."""
    from kontor.users import signin

    current = next((t for t in signin.throttles() if t.key == key), None)
    if current is None:
        return False
    target = f"{current.username} @ {current.address}" if current.username else current.address
    with transaction.atomic():
        log_admin_change(
            actor=actor,
            area="signin",
            target=target,
            summary=gettext_noop("Sign-in throttle cleared"),
            detail={"failures": current.failures, "wait": current.wait},
        )
        # Cleared last: when the cache refuses, the log entry is rolled back with it.
        signin.clear(key)
    return True
