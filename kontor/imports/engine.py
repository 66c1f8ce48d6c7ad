"""The planning half of an import: rows → what would happen to each (create, update, skip as
duplicate, unchanged, error with reason), read-only.

The dry run shows these plans; the background task writes them (`writer.py`). One plan runs per
chunk of rows with a fixed number of queries: one indexed lookup for the match keys, one per
relate column, never one per row (docs/performance.md rule 7).
"""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from kontor.core import locks, permissions, registry
from kontor.core.actions import as_text
from kontor.core.matching import company_key
from kontor.core.models import ExternalId
from kontor.imports.cells import CellReader, message
from kontor.imports.mapping import CUSTOM, targets
from kontor.imports.sql import lock_each_key

#: The source of external ids of an import that names none.
DEFAULT_SOURCE = "import"
CREATE, UPDATE, UNCHANGED, DUPLICATE, FAILED = (
    "create",
    "update",
    "unchanged",
    "duplicate",
    "failed",
)


@dataclass
class RowPlan:
    """What happens to one data row."""

    row: int
    cells: list
    outcome: str = CREATE
    messages: list = field(default_factory=list)
    data: dict = field(default_factory=dict)  # field → parsed value
    relates: dict = field(default_factory=dict)  # relate field → name typed
    custom: dict = field(default_factory=dict)  # custom field name → stored value
    external: str = ""
    key: str = ""
    record: object = None  # the new or matched record
    changes: dict = field(default_factory=dict)  # field → [old text, new text]

    def fail(self, message: str) -> None:
        self.outcome = FAILED
        self.messages.append(message)

    @property
    def message(self) -> str:
        return "; ".join(self.messages)


class Planner:
    """Plans rows of one batch for one actor; keeps what it learned between chunks."""

    def __init__(self, batch, actor, *, dry_run: bool = False, lock_each_key: bool = False):
        self.batch, self.actor, self.dry_run = batch, actor, dry_run
        # Parts of one file imported side by side lock their keys, not the namespace.
        self.lock_each_key = lock_each_key
        self.model = batch.model
        self.module = registry.for_model(self.model)
        opts = batch.options
        self.fmt = opts.get("number_format", "de")
        self.mode = opts.get("mode", "create")
        self.match = opts.get("match", "email")
        self.create_missing = bool(opts.get("create_missing"))
        # The system the external ids come from (the API's upserts name theirs, e.g. "shop").
        self.external_source = opts.get("external_source") or DEFAULT_SOURCE
        self.targets = targets(self.model)
        self.columns = [
            (i, c["field"], c.get("rule", "overwrite"))
            for i, c in enumerate(opts.get("columns", []))
            if c.get("field") in self.targets
        ]
        self.required = [t for t in self.targets.values() if t.required]
        self.cells = CellReader(self.targets, self.fmt)
        self.seen: dict[str, int] = {}  # match key → first row with it (duplicates in file)
        # (field, name key) → (name, id) of related records to create
        self.new_relates: dict[tuple, tuple] = {}

    # --- one chunk ---------------------------------------------------------------------
    def plan(self, chunk: list[tuple[int, list]], repeats: dict | None = None) -> list[RowPlan]:
        """The plans of `chunk`'s rows; `repeats` maps a row (as text) whose key an earlier
        row of the file, in another part, already has to that row: reported as duplicates."""
        plans = [self._parse(number, cells) for number, cells in chunk]
        if not self.dry_run:
            # Memory stays flat: earlier chunks are committed, so the match query finds
            # their records; only the dry run (nothing written) remembers keys itself.
            self.seen.clear()
        for plan in plans:
            first = (repeats or {}).get(str(plan.row))
            if first is not None and plan.key and plan.outcome != FAILED:
                self.seen[plan.key] = first
        self._resolve_relates(plans)
        matches = self._matches(plans)
        for plan in plans:
            if plan.outcome != FAILED:
                self._decide(plan, matches)
        return plans

    # --- parsing ------------------------------------------------------------------------
    def _parse(self, number: int, cells: list) -> RowPlan:
        plan = RowPlan(number, cells)
        for index, name, _rule in self.columns:
            raw = cells[index] if index < len(cells) else ""
            target = self.targets[name]
            try:
                value = self.cells.value(target, raw)
            except (ValueError, ValidationError) as error:
                plan.fail(f"{target.label}: {message(error)}")
                continue
            if target.kind == "relate":
                if value:
                    plan.relates[name] = value
            elif target.kind == "external":
                plan.external = value
            elif target.kind == "user":
                plan.data[f"{name}_id"] = value
            elif target.kind == "custom":
                if value is not None:
                    plan.custom[name.removeprefix(CUSTOM)] = value
            elif value not in ("", None):
                plan.data[name] = value
        if len(cells) > len(self.batch.headers) and any(
            str(c).strip() for c in cells[len(self.batch.headers) :]
        ):
            plan.fail(
                _("The row has more cells (%(cells)s) than the header has columns (%(columns)s).")
                % {"cells": len(cells), "columns": len(self.batch.headers)}
            )
        plan.key = self._key(plan)
        return plan

    def _key(self, plan: RowPlan) -> str:
        if self.match == "email":
            return plan.data.get("email1", "") or ""
        if self.match == "external":
            return plan.external
        if self.match == "id":
            try:
                return str(uuid.UUID(plan.external)) if plan.external else ""
            except ValueError:
                plan.fail(_("“%(value)s” is not a Kontor id.") % {"value": plan.external})
        return ""

    # --- relate columns ----------------------------------------------------------------
    def _resolve_relates(self, plans: list[RowPlan]) -> None:
        by_field: dict[str, set] = {}
        for plan in plans:
            for name, text in plan.relates.items():
                by_field.setdefault(name, set()).add(text)
        for name, names in by_field.items():
            found = self._lookup_related(name, names)
            related = self.targets[name].field.related_model
            # A missing record is created only with the right to create its type. The refusal
            # reads the same whether a record of that name exists out of the user's sight or
            # not at all: it tells nothing about hidden records.
            may_create = self.create_missing and permissions.can(self.actor, "create", related)
            for plan in plans:
                text = plan.relates.get(name)
                if text is None or plan.outcome == FAILED:
                    continue
                pk = found.get(text)
                if pk is not None:
                    plan.data[f"{name}_id"] = pk
                elif may_create:
                    # One new record per distinct name; its id is chosen now, so the rows
                    # validate (an opportunity needs its account) before anything is written.
                    key = (name, company_key(text) or text.lower())
                    _text, pk = self.new_relates.setdefault(key, (text, uuid.uuid4()))
                    plan.data[f"{name}_id"] = pk
                    plan.messages.append(
                        _("Creates %(type)s “%(name)s”.")
                        % {
                            "type": related._meta.verbose_name,
                            "name": _text,
                        }
                    )
                elif self.create_missing:
                    plan.fail(
                        f"{self.targets[name].label}: "
                        + _("You may not create %(what)s.")
                        % {"what": related._meta.verbose_name_plural}
                    )
                else:
                    label = self.targets[name].label
                    plan.fail(
                        _(
                            "%(field)s: no record named “%(name)s” (tick “Create missing "
                            "related records” to create it)."
                        )
                        % {"field": label, "name": text}
                    )

    def _lookup_related(self, name: str, texts: set) -> dict:
        """Typed name → id of a visible record: exact name first, else one with the same
        normalized company name ('Mueller Bau GmbH' finds 'Müller Bau GmbH')."""
        related = self.targets[name].field.related_model
        field_names = {f.name for f in related._meta.concrete_fields}
        found: dict = {}
        if "name" not in field_names:
            ids = []
            for text in texts:
                try:
                    ids.append(uuid.UUID(text))
                except ValueError:
                    continue
            rows = related.objects.visible_to(self.actor, "view").filter(pk__in=ids)
            return {str(pk): pk for pk in rows.values_list("pk", flat=True)}
        keys = {text: company_key(text) for text in texts}
        query = Q(name__in=list(texts))
        if "name_key" in field_names:
            query |= Q(name_key__in=[k for k in keys.values() if k])
        rows = (
            related.objects.visible_to(self.actor, "view")
            .filter(query)
            .values_list("pk", "name", *(["name_key"] if "name_key" in field_names else []))
        )
        exact, by_key = {}, {}
        for pk, record_name, *key in rows:
            exact.setdefault(record_name.lower(), pk)
            if key:
                by_key.setdefault(key[0], set()).add(pk)
        for text in texts:
            pk = exact.get(text.lower())
            if pk is None and len(by_key.get(keys[text], ())) == 1:
                pk = next(iter(by_key[keys[text]]))
            if pk is not None:
                found[text] = pk
        return found

    # --- matching -----------------------------------------------------------------------
    def _matches(self, plans: list[RowPlan]) -> dict[str, list]:
        keys = {p.key for p in plans if p.key and p.outcome != FAILED}
        if not keys:
            return {}
        kind = {"email": locks.EMAIL, "external": locks.EXTERNAL}.get(self.match)
        if kind and not self.dry_run:
            # Web forms and API upserts of these keys wait until the chunk has committed,
            # or the chunk waits for them: no record is created twice (kontor.core.locks).
            space = locks.namespace(self.model, kind)
            if self.lock_each_key:
                source = f"{self.external_source}:" if kind == locks.EXTERNAL else ""
                lock_each_key(space, [source + key for key in keys])
            else:
                locks.lock_namespace(space)
        visible = self.model.objects.visible_to(self.actor, "edit")
        found: dict[str, list] = {}
        if self.match == "email":
            for record in visible.filter(email1__in=one_array(keys, "text")):
                found.setdefault(record.email1, []).append(record)
        elif self.match == "id":
            for record in visible.filter(pk__in=one_array(keys, "uuid")):
                found.setdefault(str(record.pk), []).append(record)
        elif self.match == "external":
            ct = self.batch.record_type_id
            ids = dict(
                ExternalId.objects.filter(
                    record_type_id=ct,
                    source=self.external_source,
                    external_id__in=one_array(keys, "text"),
                ).values_list("record_id", "external_id")
            )
            for record in visible.filter(pk__in=one_array(ids, "uuid")):
                found.setdefault(ids[record.pk], []).append(record)
        return found

    def _decide(self, plan: RowPlan, matches: dict) -> None:
        if plan.key and plan.key in self.seen:
            plan.outcome = DUPLICATE
            plan.messages.append(
                _("Duplicate of row %(row)s (same %(key)s).")
                % {"row": self.seen[plan.key], "key": self._key_label()}
            )
            return
        if plan.key:
            self.seen[plan.key] = plan.row
        existing = matches.get(plan.key, []) if plan.key else []
        if len(existing) > 1:
            plan.fail(
                _("%(count)s records have this %(key)s; match on another column.")
                % {"count": len(existing), "key": self._key_label()}
            )
        elif existing and self.mode == "create":
            plan.outcome = DUPLICATE
            plan.record = existing[0]
            plan.messages.append(_("Already exists: %(name)s.") % {"name": existing[0]})
        elif existing:
            self._plan_update(plan, existing[0])
        elif self.match == "id" and plan.key:
            plan.fail(_("No record with this id (or you may not edit it)."))
        else:
            self._plan_create(plan)

    def _key_label(self) -> str:
        return {"email": _("e-mail"), "external": _("external id")}.get(self.match, _("id"))

    def _plan_create(self, plan: RowPlan) -> None:
        for target in self.required:
            if target.kind == "custom":
                if target.name.removeprefix(CUSTOM) not in plan.custom:
                    plan.fail(f"{target.label}: {_('This field is required.')}")
                continue
            if (
                target.name not in plan.data
                and f"{target.name}_id" not in plan.data
                and target.name not in plan.relates
            ):
                plan.fail(f"{target.label}: {target.field.error_messages['blank']}")
        if plan.outcome == FAILED:
            return
        data = plan.data
        record = self.model.new(data)
        record.custom = dict(plan.custom)
        if self.actor is not None and not record.assigned_user_id:
            record.assigned_user_id = self.actor.pk
        if not self._clean(plan, record):
            return
        plan.record, plan.outcome = record, CREATE

    def _plan_update(self, plan: RowPlan, record) -> None:
        rules = {name: rule for _i, name, rule in self.columns}
        for name, value in plan.data.items():
            if name == "date_entered":  # when a record was created is not for updates
                continue
            attname = name
            field_name = name[:-3] if name.endswith("_id") and name not in rules else name
            old = getattr(record, attname)
            if rules.get(field_name) == "fill" and old not in ("", None):
                continue
            if old != value:
                plan.changes[attname] = [as_text(old), as_text(value)]
                setattr(record, attname, value)
        self._update_custom(plan, record, rules)
        plan.record = record
        if not plan.changes:
            plan.outcome = UNCHANGED
            return
        if self._clean(plan, record):
            plan.outcome = UPDATE

    def _update_custom(self, plan: RowPlan, record, rules: dict) -> None:
        old = dict(record.custom or {})
        new = dict(old)
        for name, value in plan.custom.items():
            if rules.get(CUSTOM + name) == "fill" and old.get(name) not in ("", None):
                continue
            new[name] = value
        if new != old:
            plan.changes["custom"] = [as_text(old), as_text(new)]
            record.custom = new

    def _clean(self, plan: RowPlan, record) -> bool:
        try:
            record.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = self.targets[name].label if name in self.targets else ""
                for message in messages:
                    plan.fail(f"{label}: {message}" if label else message)
            return False
        return True


def one_array(keys, sql_type: str):
    """The right side of an `__in` lookup for thousands of keys.

    PostgreSQL gets them as one array parameter (`IN (SELECT unnest(%s))`): a list of
    thousands of placeholders costs more to build, send and parse than the index probes.
    """
    keys = [str(key) for key in keys]
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{sql_type}[])", (keys,))
    return keys
