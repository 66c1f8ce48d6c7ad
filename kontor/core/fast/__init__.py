"""The fast paths beside Django's ORM, all in this package, behind one switch.

For whoever touches the API's create, the import or the token check, and for operators. Each
fast path does what a plain ORM call does, cheaper, on the code that runs per API request or
per created record (bench/README.md, "REST API": together they took an API create from about
240 to 300+ per second):

- `inserts.insert_new` and `inserts.insert`: a new record, its change-log row and its team
  rows by one INSERT statement built once per model (on PostgreSQL a `WITH` of INSERTs), not
  `Model.save()` per row and `record.teams.add()`;
- `prepared.execute`: that INSERT and the token lookup prepared once per PostgreSQL
  connection (`PREPARE`/`EXECUTE` with values quoted on the client), not parsed and planned
  per request; `prepared.value_preparers` makes values as the driver takes them (also used by
  the import's set-based writer);
- `new.new_record` (behind `Record.new`): a new record built positionally, not by keyword;
- `token.read_token`: the API token (the REST API's, and the SuiteCRM V8 API's with its
  OAuth2 client), its user and the user's roles and teams in one hand-written statement, not a
  `select_related` query and two more for the grants.

`KONTOR_FAST_PATHS` (settings, environment, default on) is the switch: off, every one of them
takes the plain ORM call it replaces, with the same rows written and the same answers read
(kontor/core/tests/test_fast_paths.py, kontor/api/tests/test_fast_token.py and
kontor/suiteapi/v8/tests/test_speed_queries.py compare both on each database).
`KONTOR_DB_PREPARED=0` turns off only the preparing, for a transaction-mode pooler older than
PgBouncer 1.21.

What they skip: the inserts send no save or m2m signals and call no `save()` override, and
`new_record` passes values positionally to the model's `__init__`. No model they write has
any of these; `skipped_hooks` lists them and a test fails when one appears, so a model that
needs one must be written through the ORM (or the fast path taught to call it).

This package imports nothing of Kontor's own: every part of core and the apps may use it.
"""

from django.conf import settings
from django.db import models
from django.db.models import signals

#: The signals the fast inserts do not send (m2m_changed: sent with the through model).
SKIPPED_SIGNALS = {
    "pre_save": signals.pre_save,
    "post_save": signals.post_save,
    "m2m_changed": signals.m2m_changed,
}
#: The methods whose overrides the fast paths do not call (`__init__`: not with keywords).
SKIPPED_METHODS = ("save", "save_base", "__init__")


def on() -> bool:
    """Are the fast paths switched on (`KONTOR_FAST_PATHS`)?"""
    return settings.KONTOR_FAST_PATHS


def skipped_hooks(written) -> list[str]:
    """What a fast path would silently not run for the models it writes (`written`): their
    overrides of `save()`, `save_base()` or `__init__`, and receivers of the save and m2m
    signals (a receiver of all senders included). Empty when nothing is skipped."""
    found = []
    for model in written:
        found += [
            f"{model.__name__}.{method}()"
            for method in SKIPPED_METHODS
            if getattr(model, method) is not getattr(models.Model, method)
        ]
        found += [
            f"{name} receiver of {model.__name__}"
            for name, signal in SKIPPED_SIGNALS.items()
            if signal.has_listeners(model)
        ]
    return found
