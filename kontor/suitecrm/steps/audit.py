"""SuiteCRM's audit history (`<table>_audit`) into Kontor's change log, for
`kontor migrate-suitecrm`.

Every audit row of a migrated record becomes a change-log row ("update") of that record with
SuiteCRM's time (`date_created`) and author (`created_by`), the field by Kontor's name (core
fields share SuiteCRM's names; a Studio field `x_c` is `custom.<its Kontor name>`) and both
values as the change log stores them (`kontor.core.actions.as_text`: keys, ids, ISO dates), so
a record's timeline — and the journey timeline of a contact with its leads and targets — shows
what happened in SuiteCRM at the time it happened. It runs last, once every record exists.

The history is the past, not a change made now: no events (webhooks) are sent. A second run
adds only the audit rows not yet in the change log: a row is known by its record, field, time
and values among the rows the migration wrote (several equal rows counted as such). Audit
tables of modules Kontor does not have are reported once each.
"""

import datetime
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.models import Contact
from kontor.core.actions import as_text
from kontor.core.context import current_origin
from kontor.core.models import ChangeLog
from kontor.imports.engine import one_array
from kontor.imports.sql import insert_rows
from kontor.imports.writer import LOG_COLUMNS
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.suitecrm.custom import kontor_name
from kontor.suitecrm.ids import is_uuid_shaped, kontor_id
from kontor.suitecrm.lookups import user_id_for
from kontor.suitecrm.source import multienum, text, when
from kontor.suitecrm.steps import step
from kontor.targets.models import Target

#: The SuiteCRM tables whose audit rows move, and their Kontor record type.
AUDITED = {
    "accounts": Account,
    "contacts": Contact,
    "prospects": Target,
    "leads": Lead,
    "opportunities": Opportunity,
    "calls": Call,
    "meetings": Meeting,
    "tasks": Task,
    "notes": Note,
}
TABLE_OF = {model: table for table, model in AUDITED.items()}
CHUNK = 5000
COLUMNS = (
    "id, parent_id, date_created, created_by, field_name, data_type, "
    "before_value_string, after_value_string, before_value_text, after_value_text"
)


@step("audit", 170, delta=True)
def audit(context) -> None:
    """Each audit table in turn: those of migrated record types, then the others reported."""
    tables = sorted(t[: -len("_audit")] for t in context.source.tables() if t.endswith("_audit"))
    for table in tables:
        if table in AUDITED:
            _migrate(context, table, AUDITED[table])
            continue
        where, params = context.delta("date_created >= %s")
        rows = context.source.scalar(
            f"SELECT COUNT(*) FROM `{table}_audit` WHERE 1 = 1{where}", params
        )
        if rows:
            context.report.count(f"{table}_audit", "skipped", rows)
            context.report.problem(
                f"{table}_audit",
                "",
                _("%(rows)s audit rows not migrated: Kontor has no record type for %(table)s.")
                % {"rows": rows, "table": table},
            )


def _migrate(context, table: str, model) -> None:
    fields = _Fields(context, table, model)
    chunk, last = [], None
    # By record, and a chunk ends between two records: a chunk's duplicate check then reads
    # only its own records' history, and each record's rows are checked in one chunk.
    # The chunk is collected before it is written (no query may run while rows stream).
    # An audit row is never changed: a delta run reads those written since.
    where, params = context.delta("date_created >= %s")
    sql = f"SELECT {COLUMNS} FROM `{table}_audit` WHERE 1 = 1{where} ORDER BY parent_id, id"
    for row in context.source.rows(sql, params):
        if len(chunk) >= CHUNK and row["parent_id"] != last:
            _write(context, table, model, fields, chunk)
            chunk = []
        chunk.append(row)
        last = row["parent_id"]
    if chunk:
        _write(context, table, model, fields, chunk)


def _write(context, table: str, model, fields: "_Fields", chunk: list[dict]) -> None:
    """One chunk of audit rows as change-log rows, in one transaction."""
    audit_table = f"{table}_audit"
    ct = ContentType.objects.get_for_model(model).pk
    ids = {row["id"]: kontor_id(table, text(row["parent_id"])) for row in chunk}
    with transaction.atomic():
        found = set(
            model.with_deleted.filter(pk__in=one_array(set(ids.values()), "uuid")).values_list(
                "pk", flat=True
            )
        )
        known = Counter(
            ChangeLog.objects.filter(
                record_type_id=ct,
                record_id__in=one_array(found, "uuid"),
                action=ChangeLog.Action.UPDATE,
                origin__startswith="suitecrm:",
            ).values_list("record_id", "field", "at", "old_value", "new_value")
        )
        new, skipped, unchanged = [], 0, 0
        for row in chunk:
            record_id = ids[row["id"]]
            if record_id not in found:
                context.report.problem(
                    audit_table,
                    row["id"],
                    _("Record %(id)s not migrated; its audit row is left out.")
                    % {"id": text(row["parent_id"])},
                )
                skipped += 1
                continue
            at = when(row["date_created"])
            if at is None:
                context.report.problem(
                    audit_table, row["id"], _("date_created is empty or invalid; left out.")
                )
                skipped += 1
                continue
            name, old, value = fields.change(row)
            key = (record_id, name, at, old, value)
            if known[key]:
                known[key] -= 1
                unchanged += 1
                continue
            actor = fields.actor(row["created_by"])
            new.append((ct, record_id, ChangeLog.Action.UPDATE, name, old, value, actor, at))
        origin = current_origin()
        insert_rows(ChangeLog, LOG_COLUMNS, (entry + (origin,) for entry in new))
    context.report.count(audit_table, "created", len(new))
    context.report.count(audit_table, "unchanged", unchanged)
    context.report.count(audit_table, "skipped", skipped)


class _Fields:
    """SuiteCRM's audited field names and values of one table as Kontor's change log has them."""

    def __init__(self, context, table: str, model):
        self.context, self.table, self.model = context, table, model
        self.by_name = {f.attname: f for f in model._meta.concrete_fields}
        self.by_name.update({f.name: f for f in model._meta.concrete_fields})
        self.reported = set()

    def change(self, row: dict) -> tuple[str, str, str]:
        """(field, old text, new text) of an audit row."""
        name = text(row["field_name"])
        old = _raw(row["before_value_string"], row["before_value_text"])
        new = _raw(row["after_value_string"], row["after_value_text"])
        kind = text(row["data_type"]).lower()
        if name.endswith("_c"):
            return f"custom.{kontor_name(self.model, name)}", _custom(kind, old), _custom(kind, new)
        f = self.by_name.get(name)
        if f is None:
            self._once(
                name,
                _("Field %(field)s is not in Kontor; its history keeps SuiteCRM's name.")
                % {"field": name},
            )
            return name, text(old), text(new)
        return f.name, self._value(f, old), self._value(f, new)

    def actor(self, suitecrm_user_id):
        """The Kontor user id of the audit row's author; an unknown one reported once."""
        found = user_id_for(self.context, text(suitecrm_user_id))
        if found is None and suitecrm_user_id:
            self._once(
                f"user:{suitecrm_user_id}",
                _("User %(user)s not found; the changes are logged without their author.")
                % {"user": text(suitecrm_user_id)},
            )
        return found

    def _value(self, f, value) -> str:
        value = text(value)
        if not value:
            return ""
        if f.is_relation and f.related_model is get_user_model():
            found = user_id_for(self.context, value)
            return str(found) if found is not None else ""
        if f.is_relation:
            related = TABLE_OF.get(f.related_model)
            if related or is_uuid_shaped(value):
                return str(kontor_id(related or "", value))
            return value
        if isinstance(f, models.DateTimeField):
            return as_text(_datetime(value)) or value
        if isinstance(f, models.DateField):
            return value[:10]
        if isinstance(f, models.BooleanField):
            return "1" if value not in ("0", "false", "off") else "0"
        if isinstance(f, models.DecimalField):
            try:
                return format(Decimal(value).quantize(Decimal(1).scaleb(-f.decimal_places)), "f")
            except InvalidOperation:
                return value
        return value

    def _once(self, key: str, message: str) -> None:
        """Report `message` once per table and `key` (a field, an unknown user)."""
        if key not in self.reported:
            self.reported.add(key)
            self.context.report.problem(f"{self.table}_audit", "", message)


def _raw(string, long_text):
    """The audit value: the varchar column, or for text fields the text column."""
    return string if string is not None else long_text


def _datetime(value: str) -> datetime.datetime | None:
    try:
        return when(datetime.datetime.fromisoformat(value))
    except ValueError:
        return None


def _custom(kind: str, value) -> str:
    """A Studio field's audit value as Kontor's custom values are logged (see CustomFieldDef)."""
    value = text(value)
    if not value:
        return ""
    if kind == "bool":
        return "1" if value not in ("0", "false", "off") else "0"
    if kind == "multienum":
        return as_text(multienum(value))
    if kind in ("datetime", "datetimecombo"):
        return as_text(_datetime(value)) or value
    if kind == "date":
        return value[:10]
    return value
