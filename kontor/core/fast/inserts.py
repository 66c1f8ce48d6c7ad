"""New rows by one INSERT statement built once per model (a fast path of kontor.core.fast).

For `save_record` and `log_event` (kontor.core.actions): a new record, its change-log row and
its team rows. Django's `save()` compiles the INSERT of a record's sixty columns anew for every
record and sends each row on its own round trip, and PostgreSQL parses and plans each one:
together about a third of an API create (bench/README.md, "REST API"). Here the statement is
worked out once per model and database, on PostgreSQL all rows go as one statement (a `WITH`
of INSERTs, prepared once per connection), and values are made as the import makes them
(`prepared.value_preparers`).

No save or m2m signal is sent and no `save()` override runs (kontor.core.fast.skipped_hooks);
with the fast paths off each row is written by `Model.save()` and the teams by
`record.teams.add()`, which send them.
"""

from django.db import connections, models, router

from kontor.core.fast import on
from kontor.core.fast.prepared import execute, value_preparers

_inserts: dict = {}


def insert_new(record, log_row, team_ids) -> None:
    """Write the new `record`, its change-log row `log_row` and its membership of the teams
    `team_ids` (record types have a `teams` many-to-many field)."""
    if not on():
        record.save(force_insert=True)
        log_row.save(force_insert=True)
        record.teams.add(*sorted(team_ids))
        return
    field = type(record).teams.field
    through = field.remote_field.through
    source, target = (
        through._meta.get_field(name).attname
        for name in (field.m2m_field_name(), field.m2m_reverse_field_name())
    )
    insert(
        record,
        log_row,
        *(through(**{source: record.pk, target: team}) for team in sorted(team_ids)),
    )


def insert(*rows) -> None:
    """INSERT new model instances, in this order; an auto-increment id is not read back on
    the fast path. Off, each is saved by `Model.save(force_insert=True)`."""
    if not on():
        for row in rows:
            row.save(force_insert=True)
        return
    connection = connections[router.db_for_write(type(rows[0]))]
    statements = []
    for row in rows:
        sql, fields, preparers = _insert_sql(type(row), connection)
        values = [f.pre_save(row, True) if own else getattr(row, f.attname) for f, own in fields]
        statements.append(
            (
                sql,
                [
                    v if prepare is None else prepare(v)
                    for v, prepare in zip(values, preparers, strict=True)
                ],
            )
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Every INSERT but the last in a WITH clause (each runs once, all or none).
            *first, last = statements
            sql = (
                "".join(
                    f"{'WITH' if i == 0 else ','} i{i} AS ({sql}) "
                    for i, (sql, _) in enumerate(first)
                )
                + last[0]
            )
            execute(cursor, sql, [value for _, values in statements for value in values])
        else:
            for sql, values in statements:
                cursor.execute(sql, values)
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias


def _insert_sql(model, connection) -> tuple[str, list, list]:
    """(INSERT statement, [(field, has its own pre_save)], value preparers) of `model`."""
    found = _inserts.get((model, connection.alias))
    if found is None:
        quote = connection.ops.quote_name
        fields = [
            f
            for f in model._meta.local_concrete_fields
            if not f.generated and not (f.primary_key and f.db_returning)
        ]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        # pre_save only where a field defines its own (auto_now …): the base one reads the value
        own = [(f, type(f).pre_save is not models.Field.pre_save) for f in fields]
        found = _inserts[(model, connection.alias)] = (
            sql,
            own,
            value_preparers(fields, connection),
        )
    return found
