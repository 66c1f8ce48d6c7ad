"""Step "users": SuiteCRM users → Kontor users, with their passwords, language and time zone.

Every user who can sign in to SuiteCRM's interface moves (group and portal-only users are
skipped and reported): user name, first and last name, the primary e-mail address, active
(not deleted and status not Inactive, SuiteCRM's own sign-in rule), administrator, language,
and the time zone of the user's `user_preferences`. The password hash moves as it is
(`kontor.suitecrm.hashers`), so users sign in with their old password. Users are written
through `kontor.users.actions` (the administration change log shows the run's actor). A Kontor
user with the same user name is taken over only when the e-mail matches too. A second run
updates what changed in SuiteCRM; a password already changed or upgraded in Kontor stays.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.suitecrm import lookups
from kontor.suitecrm.hashers import ALGORITHM, encode
from kontor.suitecrm.merge import merge
from kontor.suitecrm.models import LegacyId, LegacyPassword
from kontor.suitecrm.phpserial import PhpSerialError, loads_base64
from kontor.suitecrm.source import flag, text
from kontor.suitecrm.steps import step
from kontor.users import actions
from kontor.users.models import TIME_ZONES

TABLE = "users"
_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@step("users", 10, tables=("users", "user_preferences", "email_addresses", "email_addr_bean_rel"))
def run(context):
    if not lookups.actor_administers(context, TABLE):
        return
    source, report = context.source, context.report
    emails = _primary_emails(source)
    preferences = _preferences(context)
    columns = set(source.columns("users"))
    optional = [
        c for c in ("user_hash", "is_group", "portal_only", "external_auth_only") if c in columns
    ]
    if "user_hash" not in columns:
        report.problem(TABLE, "", _("Column users.user_hash missing: no passwords migrated."))
    sql = (
        "SELECT id, user_name, first_name, last_name, status, deleted, is_admin"
        + "".join(f", {c}" for c in optional)
        + " FROM users ORDER BY date_entered, id"
    )
    for row in source.rows(sql):
        suitecrm_id = text(row["id"])
        if flag(row.get("is_group")) or flag(row.get("portal_only")):
            report.count(TABLE, "skipped")
            report.problem(
                TABLE, suitecrm_id, _("Group or portal-only user: not migrated (cannot sign in).")
            )
            continue
        wanted = _wanted(context, row, emails, preferences.get(suitecrm_id, {}))
        if not wanted["username"]:
            report.count(TABLE, "skipped")
            report.problem(TABLE, suitecrm_id, _("User without a user name: not migrated."))
            continue
        try:
            with transaction.atomic():
                outcome = _save(context, suitecrm_id, wanted)
        except ValidationError as error:
            outcome = "skipped"
            report.problem(TABLE, suitecrm_id, " ".join(error.messages))
        report.count(TABLE, outcome)
    lookups.forget(context, "user")


def _wanted(context, row, emails: dict, prefs: dict) -> dict:
    """What the Kontor user of SuiteCRM user `row` should look like."""
    suitecrm_id = text(row["id"])
    email = emails.get(suitecrm_id, "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            context.report.problem(
                TABLE,
                suitecrm_id,
                _("Invalid e-mail address %(email)s left out.") % {"email": email},
            )
            email = ""
    user_hash = text(row.get("user_hash"))
    if flag(row.get("external_auth_only")):
        user_hash = ""
        context.report.problem(
            TABLE, suitecrm_id, _("User signs in externally only: no password migrated.")
        )
    time_zone = text(prefs.get("timezone")) or settings.TIME_ZONE
    if time_zone not in TIME_ZONES:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _("Unknown time zone %(tz)s: %(default)s used.")
            % {"tz": time_zone, "default": settings.TIME_ZONE},
        )
        time_zone = settings.TIME_ZONE
    # SuiteCRM language codes are "en_us", "de_DE", …: Kontor knows the language part.
    language = text(prefs.get("language")).split("_")[0].lower() or settings.LANGUAGE_CODE
    if language not in _LANGUAGES:
        language = settings.LANGUAGE_CODE
    return {
        "username": text(row["user_name"])[:150],
        "first_name": text(row["first_name"])[:150],
        "last_name": text(row["last_name"])[:150],
        "email": email,
        # SuiteCRM lets every status but Inactive sign in (also an empty one).
        "is_active": text(row["status"]) != "Inactive" and not flag(row["deleted"]),
        "is_superuser": flag(row["is_admin"]),
        "password": encode(user_hash) if user_hash else "",
        "user_hash": user_hash,
        "language": language,
        "time_zone": time_zone,
    }


def _save(context, suitecrm_id: str, wanted: dict) -> str:
    User = get_user_model()  # noqa: N806 - a model class
    legacy = LegacyId.objects.filter(kind="user", suitecrm_id=suitecrm_id).first()
    user = User.objects.filter(pk=int(legacy.kontor_id)).first() if legacy else None
    fields = {f: wanted[f] for f in _MERGED}
    if user is None:
        clash = User.objects.filter(username=wanted["username"]).first()
        if clash is not None:
            return _link_existing(context, suitecrm_id, clash, wanted)
        user = User(**{f: wanted[f] for f in _USER_FIELDS})
        actions.save_user(user, actor=context.actor)
        _set_password(user, wanted)
        actions.update_profile(
            user, language=wanted["language"], time_zone=wanted["time_zone"], actor=context.actor
        )
        _remember(suitecrm_id, user, fields)
        return "created"
    profile = actions.profile_of(user)
    current = {f: getattr(user, f) for f in _USER_FIELDS}
    current.update(language=profile.language, time_zone=profile.time_zone)
    merged, conflicts = merge(current, legacy.written, fields)
    if merged["username"] != user.username and (
        User.objects.filter(username=merged["username"]).exclude(pk=user.pk).exists()
    ):
        merged["username"] = user.username
        conflicts.append("username")
    for field in conflicts:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _("%(field)s changed in Kontor and SuiteCRM: Kontor's %(kept)s kept, not %(new)s.")
            % {"field": field, "kept": merged[field], "new": fields[field]},
        )
    # A password the user changed or that Django upgraded on sign-in is Kontor's: kept.
    password_is_suitecrms = not user.has_usable_password() or user.password.startswith(
        ALGORITHM + "$"
    )
    password_changed = password_is_suitecrms and (
        user.password != wanted["password"] if wanted["password"] else user.has_usable_password()
    )
    if legacy.written != fields:
        legacy.written = fields
        legacy.save(update_fields=["written"])
    if merged == current and not password_changed:
        return "unchanged"
    if any(merged[f] != current[f] for f in _USER_FIELDS):
        for field in _USER_FIELDS:
            setattr(user, field, merged[field])
        actions.save_user(user, actor=context.actor, roles=user.roles.all(), teams=user.teams.all())
    if password_changed:
        _set_password(user, wanted)
    if (merged["language"], merged["time_zone"]) != (profile.language, profile.time_zone):
        actions.update_profile(
            user, language=merged["language"], time_zone=merged["time_zone"], actor=context.actor
        )
    return "updated"


def _remember(suitecrm_id: str, user, fields: dict) -> None:
    LegacyId.objects.update_or_create(
        kind="user",
        suitecrm_id=suitecrm_id,
        defaults={"kontor_id": str(user.pk), "written": fields},
    )


_USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_superuser")
#: What a second run merges (kontor.suitecrm.merge): the user's fields and profile
_MERGED = (*_USER_FIELDS, "language", "time_zone")


def _set_password(user, wanted: dict) -> None:
    """The SuiteCRM hash as the user's password, and kept for md5 logins of the legacy API."""
    if wanted["password"]:
        user.password = wanted["password"]
        LegacyPassword.objects.update_or_create(
            user=user, defaults={"suitecrm_hash": wanted["user_hash"]}
        )
    else:
        user.set_unusable_password()
        LegacyPassword.objects.filter(user=user).delete()
    type(user).objects.filter(pk=user.pk).update(password=user.password)


def _link_existing(context, suitecrm_id: str, user, wanted: dict) -> str:
    """A Kontor user already has the user name: the same person only if the e-mail matches."""
    if not wanted["email"] or user.email.lower() != wanted["email"].lower():
        context.report.problem(
            TABLE,
            suitecrm_id,
            _(
                "Kontor already has a user %(username)s with another e-mail address: "
                "not migrated; their records get no owner."
            )
            % {"username": wanted["username"]},
        )
        return "skipped"
    # Noted as written, so that a later run changes only what SuiteCRM changes from now on.
    _remember(suitecrm_id, user, {f: wanted[f] for f in _MERGED})
    context.report.problem(
        TABLE,
        suitecrm_id,
        _("Linked to the existing Kontor user %(username)s (same e-mail); their settings kept.")
        % {"username": user.username},
    )
    return "unchanged"


def _primary_emails(source) -> dict:
    """SuiteCRM user id → the user's primary e-mail address (else the first one linked)."""
    emails = {}
    for row in source.rows(
        "SELECT r.bean_id, a.email_address FROM email_addr_bean_rel r "
        "JOIN email_addresses a ON a.id = r.email_address_id AND a.deleted = 0 "
        "WHERE r.bean_module = 'Users' AND r.deleted = 0 "
        "ORDER BY r.primary_address DESC, r.date_created, r.id"
    ):
        emails.setdefault(text(row["bean_id"]), text(row["email_address"]))
    return emails


def _preferences(context) -> dict:
    """SuiteCRM user id → the user's global preferences (a dict); damaged ones reported."""
    found = {}
    for row in context.source.rows(
        "SELECT assigned_user_id, contents FROM user_preferences "
        "WHERE category = 'global' AND deleted = 0 ORDER BY date_modified"
    ):
        suitecrm_id = text(row["assigned_user_id"])
        try:
            value = loads_base64(row["contents"] or b"")
            if not isinstance(value, dict):
                raise PhpSerialError("not an array")
        except PhpSerialError as error:
            context.report.problem(
                "user_preferences",
                suitecrm_id,
                _("Unreadable preferences (%(error)s): default language and time zone used.")
                % {"error": error},
            )
            continue
        found[suitecrm_id] = value
    return found
