"""Imports the step modules so that they register."""

from kontor.suitecrm.steps import (  # noqa: F401
    activities,
    audit,
    currencies,
    custom_fields,
    emails,
    invitees,
    links,
    oauth_clients,
    records,
    roles,
    teams,
    users,
)
