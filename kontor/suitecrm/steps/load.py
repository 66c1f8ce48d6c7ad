"""Imports the step modules so that they register (one line each)."""

from kontor.suitecrm.steps import activities, invitees  # noqa: F401
from kontor.suitecrm.steps import users, teams, roles  # noqa: F401
from kontor.suitecrm.steps import links, records  # noqa: F401
from kontor.suitecrm.steps import oauth_clients  # noqa: F401
from kontor.suitecrm.steps import audit, custom_fields  # noqa: F401
