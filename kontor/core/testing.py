"""Declarative test helpers: every record module gets its standard tests from a few lines of data.

Like NetBox's `utilities/testing/views.py`, behaviour all modules share is tested here once. A
module's `tests/test_<app>.py` subclasses `RecordModuleTests` and only supplies data (see
kontor/accounts/tests/test_accounts.py); pytest then collects list, detail, create, edit, bad
input, trash, restore, export, mass update and delete, 404, sign-in and pinned query-count tests
for it. Records are set up through the actions (`RecordFactory` saves with `save_record`), never
with `Model.objects.create`. The small helpers (factories, form data, CSV rows, change log,
races, query pins) live in kontor/core/testing_tools.py and are offered here too.
kontor/core/tests/test_example.py is a tour of these helpers.
"""

import uuid
from dataclasses import dataclass

from django.urls import resolve
from django.utils.html import escape

from kontor.core import permissions, registry
from kontor.core.actions import as_text, delete_records
from kontor.core.models import ChangeLog
from kontor.core.testing_tools import (
    SUBPANEL_QUERIES,
    RecordFactory,
    assert_query_count,
    count_queries,
    csv_rows,
    form_data,
    log_of,
    race,
    whole_page,
)

__all__ = [
    "SUBPANEL_QUERIES",
    "Invalid",
    "RecordFactory",
    "RecordModuleTests",
    "assert_query_count",
    "count_queries",
    "csv_rows",
    "form_data",
    "log_of",
    "race",
    "whole_page",
]


@dataclass(frozen=True)
class Invalid:
    """A bad form submission: `data` overrides the valid data (None removes a key)."""

    id: str
    data: dict
    field: str
    message: str


def with_currencies(model, names) -> list[str]:
    """Export columns: `names`, each amount followed by its currency unless that is shown."""
    out = []
    for name in names:
        out.append(name)
        currency = getattr(model._meta.get_field(name), "currency_field", None)
        if currency and currency not in names:
            out.append(currency)
    return out


class RecordModuleTests:
    """The standard tests of a record module; subclass it in `<app>/tests/test_<app>.py`.

    Subclasses set `module_slug`, `factory` (a RecordFactory), `edit` (a field and the new POST
    value the edit test submits) and `invalid_cases`, and implement `valid_data()`. Override
    `mass_update_value()` to mass-update another field than the assigned user.
    """

    module_slug: str = ""
    factory: type[RecordFactory] | None = None
    edit: tuple[str, str] = ("", "")
    invalid_cases: list[Invalid] = []
    #: The module's own pins, e.g. {"list": 7, "detail": 9}; query_counts.json when empty
    query_counts: dict = {}

    def pytest_generate_tests(self, metafunc):
        if "invalid" in metafunc.fixturenames:
            cases = metafunc.cls.invalid_cases
            assert cases, f"{metafunc.cls.__name__} declares no invalid_cases"
            metafunc.parametrize("invalid", cases, ids=[c.id for c in cases])

    # --- what a module supplies ---------------------------------------------------------------

    def valid_data(self) -> dict:
        """Form POST data of a valid new record (may create related records first)."""
        raise NotImplementedError

    def mass_update_value(self, other_user) -> tuple[str, str]:
        """(field, POST value) the mass-update test sets on the selected records."""
        return "assigned_user", str(other_user.pk)

    # --- helpers ---------------------------------------------------------------------------------

    @property
    def module(self):
        return registry.get(self.module_slug)

    @property
    def model(self):
        return self.module.model

    def make(self, actor, n: int = 1, **fields) -> list:
        return self.factory.create_batch(n, actor=actor, **fields)

    def url(self, verb: str, pk=None) -> str:
        return self.module.url(verb, pk)

    def snapshot(self) -> tuple[int, int]:
        """(records including the trash, change-log rows): both must stay put on a refusal."""
        return self.model.with_deleted.count(), ChangeLog.objects.count()

    def stored(self, record) -> dict:
        """Every concrete field of `record` as stored now."""
        fresh = self.model.with_deleted.get(pk=record.pk)
        return {f.attname: getattr(fresh, f.attname) for f in self.model._meta.concrete_fields}

    # --- list, detail --------------------------------------------------------------------------

    def test_list_shows_records_but_not_the_trash(self, rep_client, rep):
        shown, trashed = self.make(rep, 2)
        delete_records([trashed], actor=rep)
        response = rep_client.get(self.url("list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert self.url("detail", shown.pk) in html
        assert self.url("detail", trashed.pk) not in html

    def test_list_search_finds_the_record(self, rep_client, rep):
        wanted, other = self.make(rep, 2)
        response = rep_client.get(self.url("list"), {"q": str(wanted)})
        assert [row["pk"] for row in response.context["rows"]] == [wanted.pk]
        assert self.url("detail", other.pk) not in response.content.decode()

    def test_detail_shows_the_record(self, rep_client, rep):
        (record,) = self.make(rep)
        response = rep_client.get(self.url("detail", record.pk))
        assert response.status_code == 200
        assert response.context["record"] == record
        assert escape(str(record)) in response.content.decode()

    # --- create, edit, bad input ---------------------------------------------------------------

    def test_create_saves_logs_and_keeps_every_value(self, rep_client, rep):
        assert rep_client.get(self.url("create")).status_code == 200
        data = self.valid_data()
        count, _logs = self.snapshot()
        response = rep_client.post(self.url("create"), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        record = self.model.objects.get(pk=resolve(response.url).kwargs["pk"])
        assert self.model.with_deleted.count() == count + 1
        assert record.created_by == rep
        assert str(record.assigned_user_id) == str(data.get("assigned_user") or rep.pk)
        assert log_of(record) == [("create", "", "", "")]
        # What the form shows on edit is what was posted: nothing lost or altered on the way.
        shown = form_data(rep_client.get(self.url("edit", record.pk)).context["form"])
        assert {k: shown[k] for k, v in data.items() if v not in ("", [])} == {
            k: v for k, v in data.items() if v not in ("", [])
        }

    def test_edit_changes_one_field_and_logs_old_and_new(self, rep_client, rep):
        (record,) = self.make(rep)
        field, value = self.edit
        attname = self.model._meta.get_field(field).attname
        old = as_text(getattr(record, attname))
        data = form_data(rep_client.get(self.url("edit", record.pk)).context["form"])
        data[field] = value
        response = rep_client.post(self.url("edit", record.pk), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        new = as_text(self.stored(record)[attname])
        assert new != old
        assert log_of(record, "update") == [("update", field, old, new)]

    def test_unchanged_edit_writes_nothing(self, rep_client, rep):
        (record,) = self.make(rep)
        before, logs = self.stored(record), ChangeLog.objects.count()
        data = form_data(rep_client.get(self.url("edit", record.pk)).context["form"])
        assert rep_client.post(self.url("edit", record.pk), data).status_code == 302
        assert self.stored(record) == before
        assert ChangeLog.objects.count() == logs

    def _assert_refused(self, response, invalid: Invalid, before) -> None:
        assert response.status_code == 400
        assert invalid.message in response.context["form"].errors.get(invalid.field, []), (
            response.context["form"].errors
        )
        html = response.content.decode()
        assert f'data-error-for="{invalid.field}">{escape(invalid.message)}<' in html
        assert self.snapshot() == before

    def test_invalid_create_is_refused_on_the_field(self, rep_client, invalid):
        data = {**self.valid_data(), **invalid.data}
        data = {k: v for k, v in data.items() if v is not None}
        before = self.snapshot()
        self._assert_refused(rep_client.post(self.url("create"), data), invalid, before)

    def test_invalid_edit_is_refused_and_changes_nothing(self, rep_client, rep, invalid):
        (record,) = self.make(rep)
        data = form_data(rep_client.get(self.url("edit", record.pk)).context["form"])
        data.update(self.valid_data())
        data.update(invalid.data)
        data = {k: v for k, v in data.items() if v is not None}
        before, stored = self.snapshot(), self.stored(record)
        self._assert_refused(rep_client.post(self.url("edit", record.pk), data), invalid, before)
        assert self.stored(record) == stored

    # --- trash and restore -----------------------------------------------------------------------

    def test_delete_moves_the_record_to_the_trash(self, rep_client, rep):
        (record,) = self.make(rep)
        assert rep_client.get(self.url("delete", record.pk)).status_code == 200
        response = rep_client.post(self.url("delete", record.pk))
        assert response.status_code == 302 and response.url == self.url("list")
        stored = self.stored(record)
        assert stored["deleted"] is True and stored["deleted_at"] is not None
        assert log_of(record, "delete") == [("delete", "", "", "")]
        listed = rep_client.get(self.url("list")).content.decode()
        assert self.url("detail", record.pk) not in listed
        assert rep_client.get(self.url("detail", record.pk)).status_code == 404
        trash = rep_client.get(self.url("trash"))
        assert trash.status_code == 200 and list(trash.context["records"]) == [record]
        assert self.url("restore", record.pk) in trash.content.decode()

    def test_restore_brings_the_record_back(self, rep_client, rep):
        (record,) = self.make(rep)
        delete_records([record], actor=rep)
        response = rep_client.post(self.url("restore", record.pk))
        assert response.status_code == 302 and response.url == self.url("detail", record.pk)
        assert self.stored(record)["deleted"] is False
        assert log_of(record)[-1] == ("restore", "", "", "")
        assert rep_client.get(self.url("detail", record.pk)).status_code == 200
        assert list(rep_client.get(self.url("trash")).context["records"]) == []

    def test_restoring_a_live_record_is_refused(self, rep_client, rep):
        (record,) = self.make(rep)
        before = self.snapshot()
        assert rep_client.post(self.url("restore", record.pk)).status_code == 404
        assert self.snapshot() == before

    # --- export ----------------------------------------------------------------------------

    def test_export_has_the_records_and_only_the_visible_columns(self, rep_client, rep):
        kept, trashed = self.make(rep, 2)
        delete_records([trashed], actor=rep)
        response = rep_client.get(self.url("export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = csv_rows(response)
        assert rows[0] == ["id", *with_currencies(self.model, self.module.list_columns)]
        assert [r[0] for r in rows[1:]] == [str(kept.pk)]
        # The user's own column choice is what the export writes, too.
        chosen = [*self.module.list_columns[:2], self.module.extra_columns[0]]
        rep_client.post(self.url("columns"), {"columns": chosen})
        rows = csv_rows(rep_client.get(self.url("export")))
        chosen = with_currencies(self.model, chosen)
        assert rows[0] == ["id", *chosen]
        assert rows[1] == [
            str(kept.pk),
            *[as_text(getattr(kept, self.model._meta.get_field(c).attname)) for c in chosen],
        ]

    # --- mass actions --------------------------------------------------------------------------

    def test_mass_update_changes_the_selected_records(self, rep_client, rep, admin):
        first, second, unselected = self.make(rep, 3)
        field, value = self.mass_update_value(admin)
        attname = self.model._meta.get_field(field).attname
        untouched = self.stored(unselected)
        response = rep_client.post(
            self.url("mass"),
            {"verb": "update", "field": field, field: value, "ids": [first.pk, second.pk]},
        )
        assert response.status_code == 302
        for record in (first, second):
            assert as_text(self.stored(record)[attname]) == value
            assert field in [row[1] for row in log_of(record, "update")]
        assert self.stored(unselected) == untouched

    def test_mass_update_with_a_vanished_record_changes_nothing(self, rep_client, rep, admin):
        (record,) = self.make(rep)
        field, value = self.mass_update_value(admin)
        before, stored = self.snapshot(), self.stored(record)
        rep_client.post(
            self.url("mass"),
            {"verb": "update", "field": field, field: value, "ids": [record.pk, uuid.uuid4()]},
        )
        assert (self.snapshot(), self.stored(record)) == (before, stored)

    def test_mass_delete_moves_the_selected_records_to_the_trash(self, rep_client, rep):
        first, second, unselected = self.make(rep, 3)
        response = rep_client.post(
            self.url("mass"), {"verb": "delete", "ids": [first.pk, second.pk]}
        )
        assert response.status_code == 302
        assert set(self.model.with_deleted.filter(deleted=True)) == {first, second}
        assert log_of(first, "delete") == log_of(second, "delete") == [("delete", "", "", "")]
        assert log_of(unselected) == [("create", "", "", "")]

    # --- not found, not signed in ----------------------------------------------------------------

    def test_a_missing_id_is_404_never_500(self, rep_client, rep):
        missing, data = uuid.uuid4(), self.valid_data()
        (trashed,) = self.make(rep)
        delete_records([trashed], actor=rep)
        before = self.snapshot()
        for pk in (missing, trashed.pk):
            for verb in ("detail", "edit", "delete"):
                assert rep_client.get(self.url(verb, pk)).status_code == 404, verb
            assert rep_client.post(self.url("edit", pk), data).status_code == 404
            assert rep_client.post(self.url("delete", pk)).status_code == 404
        assert rep_client.post(self.url("restore", missing)).status_code == 404
        assert rep_client.get(f"{self.url('list')}not-an-id/").status_code == 404
        assert self.snapshot() == before

    def test_anonymous_users_are_sent_to_sign_in(self, client, rep):
        (record,) = self.make(rep)
        before = self.snapshot()
        for url in (
            self.url("list"),
            self.url("create"),
            self.url("trash"),
            self.url("export"),
            self.url("detail", record.pk),
            self.url("edit", record.pk),
        ):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/login/?next="), url
        assert client.post(self.url("create"), {}).url.startswith("/login/")
        assert client.post(self.url("delete", record.pk)).url.startswith("/login/")
        assert self.snapshot() == before

    # --- query counts (pinned in query_counts.json) ----------------------------------------------

    def test_list_query_count_is_pinned_and_flat(self, rep_client, rep):
        self.make(rep, 3)
        rep_client.get(self.url("list"))  # warm the caches (dropdown lists, content types)
        few, response = count_queries(lambda: rep_client.get(self.url("list")))
        assert len(response.context["rows"]) == 3
        self.make(rep, 27)
        many, response = count_queries(lambda: rep_client.get(self.url("list")))
        assert len(response.context["rows"]) == 30
        assert few == many, f"{few} queries for 3 rows, {many} for 30: a query per row"
        assert_query_count(self.module_slug, "list", few, self.query_counts.get("list"))

    def test_detail_query_count_is_pinned(self, rep_client, rep):
        (record,) = self.make(rep)
        for verb in ("detail", "timeline", "related"):  # warm the caches (content types …)
            rep_client.get(self.url(verb, record.pk))
        queries, response = count_queries(lambda: rep_client.get(self.url("detail", record.pk)))
        assert response.status_code == 200
        assert_query_count(self.module_slug, "detail", queries, self.query_counts.get("detail"))
        # The timeline and the related lists load after the page, each pinned on its own.
        queries, response = count_queries(lambda: rep_client.get(self.url("timeline", record.pk)))
        assert response.status_code == 200
        assert_query_count(self.module_slug, "timeline", queries, self.query_counts.get("timeline"))
        queries, response = count_queries(lambda: rep_client.get(self.url("related", record.pk)))
        assert response.status_code == 200
        # Subpanels other modules add here (`related_to`) cost SUBPANEL_QUERIES each on top of
        # the pin, so adding one leaves this module's pin alone.
        module = registry.get(self.module_slug)
        added = [
            sub
            for sub in module.get_subpanels()[len(module.subpanels) :]
            if permissions.can(rep, "list", registry.get(sub.module).model)
        ]
        queries -= SUBPANEL_QUERIES * len(added)
        assert_query_count(self.module_slug, "related", queries, self.query_counts.get("related"))
