"""Steps "teams" and "record_teams": SuiteCRM security groups → Kontor teams.

"teams" (after the users) makes a team per live security group, with its description and the
members of `securitygroups_users`; a name Kontor already uses for a team of its own gets a
suffix (reported). A second run applies what changed in SuiteCRM since the last one (name,
description, members joined or left) where Kontor did not change it (kontor.suitecrm.merge).
"record_teams" (after every record) puts the migrated records into the teams of their
`securitygroups_records` rows, the way Kontor's import adds teams (`permissions.join_teams`).
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.core import permissions, registry
from kontor.core.models import ExternalId
from kontor.suitecrm import lookups
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.merge import merge, merge_set
from kontor.suitecrm.models import SOURCE, LegacyId
from kontor.suitecrm.source import text
from kontor.suitecrm.steps import step
from kontor.users import actions
from kontor.users.models import Team

#: SuiteCRM module name → (Kontor record type slug, SuiteCRM table)
RECORD_MODULES = {
    "Accounts": ("accounts", "accounts"),
    "Contacts": ("contacts", "contacts"),
    "Leads": ("leads", "leads"),
    "Prospects": ("targets", "prospects"),
    "Opportunities": ("opportunities", "opportunities"),
    "Calls": ("calls", "calls"),
    "Meetings": ("meetings", "meetings"),
    "Tasks": ("tasks", "tasks"),
    "Notes": ("notes", "notes"),
}
CHUNK = 2000


@step("teams", 20, tables=("securitygroups", "securitygroups_users"))
def run(context):
    if not lookups.actor_administers(context, "securitygroups"):
        return
    source, report = context.source, context.report
    members = defaultdict(list)
    for row in source.rows(
        "SELECT securitygroup_id, user_id FROM securitygroups_users WHERE deleted = 0 "
        "ORDER BY securitygroup_id, user_id"
    ):
        user = lookups.user_for(context, text(row["user_id"]))
        if user is None:
            report.problem(
                "securitygroups_users",
                text(row["user_id"]),
                _("Member %(user)s of group %(group)s not found among the migrated users.")
                % {"user": text(row["user_id"]), "group": text(row["securitygroup_id"])},
            )
            continue
        members[text(row["securitygroup_id"])].append(user)
    for row in source.rows(
        "SELECT id, name, description, deleted FROM securitygroups ORDER BY date_entered, id"
    ):
        suitecrm_id = text(row["id"])
        if row["deleted"]:
            report.count("securitygroups", "skipped")
            continue
        with transaction.atomic():
            outcome = _save(context, suitecrm_id, row, members.get(suitecrm_id, []))
        report.count("securitygroups", outcome)
    lookups.forget(context, "team")


def _save(context, suitecrm_id: str, row, members: list) -> str:
    name = text(row["name"])[:100] or suitecrm_id
    description = text(row["description"])[:2000]
    wanted_members = {u.pk for u in members}
    legacy = LegacyId.objects.filter(kind="team", suitecrm_id=suitecrm_id).first()
    team = Team.objects.filter(pk=int(legacy.kontor_id)).first() if legacy else None
    if team is None:
        team = Team(name=_free_name(context, suitecrm_id, name), description=description)
        actions.save_team(team, actor=context.actor, members=members)
        _remember(suitecrm_id, team, name, description, wanted_members)
        return "created"
    written = legacy.written
    before = (team.name, team.description)
    # The group's name: SuiteCRM's rename is followed unless the team was renamed in Kontor.
    if name != written.get("name", name):
        if team.name == written.get("kontor_name", team.name):
            team.name = _free_name(context, suitecrm_id, name, team)
        else:
            _conflict(context, suitecrm_id, "name", team.name, name)
    merged, conflicts = merge(
        {"description": team.description}, written, {"description": description}
    )
    team.description = merged["description"]
    for field in conflicts:
        _conflict(context, suitecrm_id, field, team.description, description)
    current = set(team.members.filter(is_active=True).values_list("pk", flat=True))
    keep = merge_set(current, written.get("members"), wanted_members)
    _remember(suitecrm_id, team, name, description, wanted_members)
    if (team.name, team.description) == before and keep == current:
        return "unchanged"
    actions.save_team(
        team, actor=context.actor, members=list(get_user_model().objects.filter(pk__in=keep))
    )
    return "updated"


def _remember(suitecrm_id, team, name, description, members) -> None:
    """Note what this run wrote, for the merge of the next (kontor.suitecrm.merge)."""
    LegacyId.objects.update_or_create(
        kind="team",
        suitecrm_id=suitecrm_id,
        defaults={
            "kontor_id": str(team.pk),
            "written": {
                "name": name,
                "kontor_name": team.name,
                "description": description,
                "members": sorted(members),
            },
        },
    )


def _conflict(context, suitecrm_id, field, kept, new) -> None:
    context.report.problem(
        "securitygroups",
        suitecrm_id,
        _("%(field)s changed in Kontor and SuiteCRM: Kontor's %(kept)s kept, not %(new)s.")
        % {"field": field, "kept": kept, "new": new},
    )


def _free_name(context, suitecrm_id: str, name: str, team=None) -> str:
    """`name`, or with a suffix when another Kontor team has it already (reported)."""
    candidate, n = name, 1
    others = Team.objects.exclude(pk=team.pk) if team is not None else Team.objects
    while others.filter(name=candidate).exists():
        suffix = " (SuiteCRM)" if n == 1 else f" (SuiteCRM {n})"
        candidate, n = name[: 100 - len(suffix)] + suffix, n + 1
    if candidate != name:
        context.report.problem(
            "securitygroups",
            suitecrm_id,
            _("Kontor has a team %(name)s already: the group became %(new)s.")
            % {"name": name, "new": candidate},
        )
    return candidate


@step("record_teams", 150, tables=("securitygroups_records",), delta=True)
def record_teams(context):
    """`securitygroups_records` → the teams of the migrated records."""
    source, report = context.source, context.report
    wanted = defaultdict(set)  # (slug, SuiteCRM record id) → Kontor team ids
    where, params = context.delta()
    for row in source.rows(
        "SELECT id, securitygroup_id, record_id, module FROM securitygroups_records "
        f"WHERE deleted = 0{where} ORDER BY module, record_id",
        params,
    ):
        module, record_id = text(row["module"]), text(row["record_id"])
        if module not in RECORD_MODULES:
            report.count("securitygroups_records", "skipped")
            report.problem(
                "securitygroups_records",
                text(row["id"]),
                _("Module %(module)s is not migrated: its group row is left out.")
                % {"module": module},
            )
            continue
        team = lookups.team_for(context, text(row["securitygroup_id"]))
        if team is None:
            report.count("securitygroups_records", "skipped")
            report.problem(
                "securitygroups_records",
                text(row["id"]),
                _("Security group %(group)s not found among the migrated teams.")
                % {"group": text(row["securitygroup_id"])},
            )
            continue
        wanted[(module, record_id)].add(team.pk)
    by_module = defaultdict(dict)
    for (module, record_id), teams in wanted.items():
        by_module[module][record_id] = teams
    for module, rows in by_module.items():
        slug, table = RECORD_MODULES[module]
        _join(context, registry.get(slug).model, table, rows)


def _join(context, model, table: str, rows: dict) -> None:
    """Add the records of one module to their teams, in chunks; count per membership."""
    report = context.report
    items = list(rows.items())
    for start in range(0, len(items), CHUNK):
        chunk = dict(items[start : start + CHUNK])
        found = _kontor_ids(model, table, list(chunk))
        through = model.teams.through
        column = f"{model._meta.model_name}_id"
        have = set(
            through.objects.filter(**{f"{column}__in": list(found.values())}).values_list(
                column, "team_id"
            )
        )
        new = []
        for record_id, team_ids in chunk.items():
            pk = found.get(record_id)
            if pk is None:
                report.count("securitygroups_records", "skipped", len(team_ids))
                report.problem(
                    "securitygroups_records",
                    record_id,
                    _("%(module)s record %(id)s not found in Kontor: its teams are left out.")
                    % {"module": table, "id": record_id},
                )
                continue
            missing = sorted(t for t in team_ids if (pk, t) not in have)
            report.count("securitygroups_records", "unchanged", len(team_ids) - len(missing))
            report.count("securitygroups_records", "created", len(missing))
            new += permissions.team_rows(model, [pk], missing)
        with transaction.atomic():
            through.objects.bulk_create(new, ignore_conflicts=True, batch_size=CHUNK)


def _kontor_ids(model, table: str, suitecrm_ids: list) -> dict:
    """SuiteCRM record id → Kontor id, for the records that exist in Kontor (also in trash)."""
    linked = dict(
        ExternalId.objects.filter(
            source=SOURCE,
            record_type__app_label=model._meta.app_label,
            record_type__model=model._meta.model_name,
            external_id__in=suitecrm_ids,
        ).values_list("external_id", "record_id")
    )
    guessed = {i: kontor_id(table, i) for i in suitecrm_ids if i not in linked}
    existing = set(
        model.with_deleted.filter(pk__in=list(guessed.values())).values_list("pk", flat=True)
    )
    linked.update({i: pk for i, pk in guessed.items() if pk in existing})
    return linked
