"""A small world for the tests of links to records the user may not see: Sven, a sales rep
(Team scope) of the team DACH, edits his own records; they link to records of Stan, a sales
manager outside the team, which Sven may not see. And the POST data a browser sends for a
form as rendered (a select sends only an option it offers)."""

import re
from dataclasses import dataclass

from django import forms

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ChangeLog
from kontor.core.testing import form_data
from kontor.users.actions import create_user
from kontor.users.models import Team

SECRET = "Geheim GmbH"
HIDDEN_PERSON = "Verborgen"

_OPTION = re.compile(r"<option value=\"([^\"]*)\"([^>]*)>")


@dataclass
class World:
    sven: object
    stan: object
    secret: object  # an account of Stan's: hidden from Sven
    visible: object  # an account of Sven's
    hidden_contact: object  # a contact of Stan's: hidden from Sven


def world() -> World:
    team = Team.objects.create(name="DACH")
    sven = create_user("sven", password="pw-sven-123!", roles=["sales_rep"], teams=[team])
    stan = create_user("stan", password="pw-stan-123!", roles=["sales_manager"])
    return World(
        sven=sven,
        stan=stan,
        secret=AccountFactory(name=SECRET, actor=stan),
        visible=AccountFactory(name="Offen AG", actor=sven),
        hidden_contact=ContactFactory(last_name=HIDDEN_PERSON, account=None, actor=stan),
    )


def browser_data(form) -> dict:
    """What a browser posts for `form` unchanged: a select sends its selected options, or its
    first option when none is selected (a value the select does not offer is never sent)."""
    data = form_data(form)
    for bound in form:
        widget = bound.field.widget
        if not isinstance(widget, forms.Select):
            continue
        options = _OPTION.findall(str(bound))
        chosen = [value for value, rest in options if re.search(r"\bselected\b", rest)]
        if isinstance(widget, forms.SelectMultiple):
            data[bound.html_name] = chosen
        else:
            data[bound.html_name] = chosen[0] if chosen else (options[0][0] if options else "")
    return data


def snapshot(record) -> tuple:
    """Every stored column of `record` and the number of change-log rows: a refused save
    changes neither."""
    model = type(record)
    fresh = model.with_deleted.get(pk=record.pk)
    values = {f.attname: getattr(fresh, f.attname) for f in model._meta.concrete_fields}
    return values, ChangeLog.objects.count()
