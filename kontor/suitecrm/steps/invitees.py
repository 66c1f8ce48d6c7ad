"""Invitees of calls and meetings from SuiteCRM's join tables, for `kontor migrate-suitecrm`.

`calls_users`, `calls_contacts`, `calls_leads` and the `meetings_*` tables (live rows only: a
deleted row is an invitation taken back) become Kontor's invitees with their answer
(`accept_status`: accept, decline, tentative, none — the keys of `meeting_accept_status_dom`,
which SuiteCRM uses for calls too). An invitee or activity that was
not migrated is reported per join row. A second run adds only what is missing, updates
changed answers and removes the invitations SuiteCRM took back, except on an activity edited
in Kontor since the last run: Kontor's invitees and answers stay, a difference is listed as a
conflict.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from kontor.activities.models import Call, Meeting, MeetingInvitee
from kontor.contacts.models import Contact
from kontor.core.actions import log_event
from kontor.leads.models import Lead
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.lookups import user_for
from kontor.suitecrm.source import text, when
from kontor.suitecrm.steps import Context, step
from kontor.suitecrm.writer import edited_in_kontor

CHUNK = 2000
ANSWERS = ("accept", "decline", "tentative", "none")

#: (join table, activity column, activity table, Kontor activity model, invitee kind)
JOINS = tuple(
    (f"{table}_{kind}s", f"{table[:-1]}_id", table, model, kind)
    for table, model in (("calls", Call), ("meetings", Meeting))
    for kind in ("user", "contact", "lead")
)
#: invitee kind → (SuiteCRM table, Kontor model) of the records invited
RECORDS = {"contact": ("contacts", Contact), "lead": ("leads", Lead)}


@step("invitees", 140, tables=tuple(join[0] for join in JOINS), delta=True)
def run(context: Context) -> None:
    for join in JOINS:
        migrate_join(context, *join)
        withdraw(context, *join)


def migrate_join(context: Context, table, activity_column, activity_table, model, kind) -> None:
    """Migrate one join table's live rows, chunk by chunk (one transaction each)."""
    source = context.source
    other_column = f"{kind}_id"
    where, params = context.delta()
    sql = (
        f"SELECT id, `{activity_column}` AS activity, `{other_column}` AS other, accept_status"
        f" FROM `{table}` WHERE deleted = 0{where} ORDER BY `{activity_column}`, id"
    )
    chunk: list[dict] = []
    for row in source.rows(sql, params):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _chunk(context, chunk, table, activity_table, model, kind)
            chunk = []
    if chunk:
        _chunk(context, chunk, table, activity_table, model, kind)


def _chunk(context, rows, table, activity_table, model, kind) -> int:
    """Write one chunk; returns how many call answers (other than "none") it had to leave."""
    report = context.report
    pairs = {}  # (activity pk, invitee pk) → (answer, join row id), first live row wins
    wanted_activities = {kontor_id(activity_table, text(r["activity"])) for r in rows}
    activities = set(
        model.with_deleted.filter(pk__in=wanted_activities).values_list("pk", flat=True)
    )
    invitees = _invitees(context, kind, {text(r["other"]) for r in rows})
    for row in rows:
        activity = kontor_id(activity_table, text(row["activity"]))
        other = text(row["other"])
        if activity not in activities:
            report.problem(
                table,
                row["id"],
                _("%(type)s %(id)s was not migrated; its invitee is left out.")
                % {"type": model._meta.verbose_name, "id": text(row["activity"])},
            )
            continue
        if invitees.get(other) is None:
            report.problem(
                table,
                row["id"],
                _("Invitee %(id)s was not migrated; left out.") % {"id": other or "-"},
            )
            continue
        answer = text(row["accept_status"]) or "none"
        if answer not in ANSWERS:
            report.problem(
                table, row["id"], _("Unknown answer %(key)s; kept as no answer.") % {"key": answer}
            )
            answer = "none"
        pairs.setdefault((activity, invitees[other]), (answer, row["id"]))
    with transaction.atomic():
        # Invitees and answers of an activity edited in Kontor since the last run stay as
        # Kontor has them; a difference is listed as a conflict, as the writer does for fields.
        edited = edited_in_kontor(model, dict.fromkeys(activity for activity, _o in pairs))
        outcome = _write_invitees(model, kind, pairs, edited)
    for pair in outcome.pop("conflicts"):
        report.problem(
            table,
            pairs[pair][1],
            _("Changed in SuiteCRM and in Kontor since the last run; Kontor's edit kept."),
        )
    for name, n in outcome.items():
        report.count(table, name, n)


def _invitees(context, kind, suitecrm_ids) -> dict:
    """SuiteCRM id → Kontor pk of the invited users/contacts/leads that exist in Kontor."""
    if kind == "user":
        found = {}
        for suitecrm_id in suitecrm_ids:
            user = user_for(context, suitecrm_id) if suitecrm_id else None
            found[suitecrm_id] = getattr(user, "pk", user)
        return found
    table, model = RECORDS[kind]
    by_pk = {kontor_id(table, i): i for i in suitecrm_ids if i}
    present = model.with_deleted.filter(pk__in=by_pk).values_list("pk", flat=True)
    return {by_pk[pk]: pk for pk in present}


def invitee_rows(model, kind: str):
    """(invitee model, its rows of `kind`, its activity column) of calls or meetings."""
    if model is Meeting:
        return (
            MeetingInvitee,
            MeetingInvitee.objects.filter(**{f"{kind}__isnull": False}),
            "meeting_id",
        )
    through = getattr(Call, f"{kind}s").through
    return through, through.objects.all(), "call_id"


def _write_invitees(model, kind, pairs: dict, edited) -> dict:
    """Add the missing invitees of calls or meetings and update changed answers; the counts
    and the pairs left alone because the activity was edited in Kontor."""
    row_model, rows, owner = invitee_rows(model, kind)
    other_column = f"{kind}_id"
    existing = {
        (getattr(r, owner), getattr(r, other_column)): r
        for r in rows.filter(**{f"{owner}__in": {a for a, _o in pairs}})
    }
    new, changed, conflicts = [], [], []
    for (activity, other), (answer, _row) in pairs.items():
        invitee = existing.get((activity, other))
        if invitee is not None and invitee.accept_status == answer:
            continue
        if activity in edited:
            conflicts.append((activity, other))
        elif invitee is None:
            new.append(row_model(**{owner: activity, other_column: other, "accept_status": answer}))
        else:
            invitee.accept_status = answer
            changed.append(invitee)
    row_model.objects.bulk_create(new)
    row_model.objects.bulk_update(changed, ["accept_status"])
    return {
        "created": len(new),
        "updated": len(changed),
        "skipped": len(conflicts),
        "unchanged": len(pairs) - len(new) - len(changed) - len(conflicts),
        "conflicts": conflicts,
    }


def withdraw(context: Context, table, activity_column, activity_table, model, kind) -> None:
    """Invitations SuiteCRM took back since the last run (only deleted join rows left for the
    pair) leave Kontor too, logged on the activity; an activity edited in Kontor since the last
    run keeps its invitee, and a withdrawal after that edit is listed as a conflict."""
    other_column = f"{kind}_id"
    where, params = context.delta("d.date_modified >= %s")
    sql = (
        f"SELECT d.id, d.`{activity_column}` AS activity, d.`{other_column}` AS other,"
        f" d.date_modified FROM `{table}` d WHERE d.deleted = 1 AND NOT EXISTS (SELECT 1"
        f" FROM `{table}` l WHERE l.deleted = 0 AND l.`{activity_column}` = d.`{activity_column}`"
        f" AND l.`{other_column}` = d.`{other_column}`){where} ORDER BY d.`{activity_column}`, d.id"
    )
    chunk: list[dict] = []
    for row in context.source.rows(sql, params):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _withdraw_chunk(context, chunk, table, activity_table, model, kind)
            chunk = []
    if chunk:
        _withdraw_chunk(context, chunk, table, activity_table, model, kind)


def _withdraw_chunk(context, rows, table, activity_table, model, kind) -> None:
    invitees = _invitees(context, kind, {text(r["other"]) for r in rows})
    taken_back = {}  # (activity pk, invitee pk) → join row
    for row in rows:
        if invitees.get(text(row["other"])) is not None:
            activity = kontor_id(activity_table, text(row["activity"]))
            taken_back.setdefault((activity, invitees[text(row["other"])]), row)
    if not taken_back:
        return
    fk = f"{kind}_id"
    _row_model, invited, owner = invitee_rows(model, kind)
    activities = {a for a, _o in taken_back}
    with transaction.atomic():
        before: dict = {}
        for activity, other in invited.filter(**{f"{owner}__in": activities}).values_list(
            owner, fk
        ):
            before.setdefault(activity, set()).add(other)
        present = {pair for pair in taken_back if pair[1] in before.get(pair[0], ())}
        edited = edited_in_kontor(model, dict.fromkeys(a for a, _o in present))
        for pair in sorted(p for p in present if p[0] in edited):
            modified = when(taken_back[pair]["date_modified"])
            if context.changed_since_last_run(modified):
                context.report.problem(
                    table,
                    taken_back[pair]["id"],
                    _("Changed in SuiteCRM and in Kontor since the last run; Kontor's edit kept."),
                )
                context.report.count(table, "skipped")
        gone = {pair for pair in present if pair[0] not in edited}
        for activity in {a for a, _o in gone}:
            others = {o for a, o in gone if a == activity}
            invited.filter(**{owner: activity, f"{fk}__in": others}).delete()
            log_event(
                model.with_deleted.get(pk=activity),
                "update",
                actor=context.actor,
                field=f"{kind}s",
                old=sorted(str(o) for o in before[activity]),
                new=sorted(str(o) for o in before[activity] - others),
            )
        context.report.count(table, "updated", len(gone))
