"""v4_1 description methods: get_available_modules and get_module_fields, for clients that
build their forms and lists from what the server offers the session's user."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from kontor.core import dropdowns, permissions
from kontor.suiteapi.mapping import api_modules
from kontor.suiteapi.v41 import links, records
from kontor.suiteapi.v41.calls import Call, method, names, text

ACL_ACTIONS = ("edit", "delete", "list", "view", "import", "export")


def _acls(user, api) -> list[dict]:
    if api.module is None:  # Users: read by everyone (some see only themselves), written by no call
        allowed = {"list", "view"}
    else:
        allowed = {a for a in ACL_ACTIONS if permissions.can(user, a, api.model)}
    return [{"action": a, "access": a in allowed} for a in ACL_ACTIONS]


def _label(api) -> str:
    return str(api.module.verbose_name_plural) if api.module is not None else _("Users")


@method
def get_available_modules(call: Call, session, filter="all"):  # noqa: A002 - SuiteCRM's name
    """The modules the user may open, with what they may do in each."""
    user = call.authenticate(session)
    modules = []
    for api in api_modules():
        if api.module is not None and not permissions.can(user, "view", api.model):
            continue
        modules.append(
            {
                "module_key": api.name,
                "module_label": _label(api),
                "favorite_enabled": False,
                "acls": _acls(user, api),
            }
        )
    return {"modules": modules}


def _options(attribute) -> dict | list:
    if attribute.type == "bool":  # SuiteCRM's checkbox_dom
        pairs = [("", ""), ("1", _("Yes")), ("2", _("No"))]
    elif attribute.options:
        pairs = [(o.key, o.label) for o in dropdowns.options(attribute.options)]
    else:
        return []  # PHP's empty array
    return {key: {"name": key, "value": str(label)} for key, label in pairs}


def _field_label(api, attribute) -> str:
    try:
        field = api.model._meta.get_field((attribute.field or "").split("__")[0])
    except FieldDoesNotExist:
        return attribute.name
    return str(field.verbose_name)


def _field(api, attribute) -> dict:
    related = getattr(attribute, "target", "") or ""
    return {
        "name": attribute.name,
        "type": attribute.type,
        "group": "",
        "id_name": "",
        "label": _field_label(api, attribute),
        "required": int(bool(attribute.required)),
        "options": _options(attribute),
        "related_module": related,
        "calculated": False,
        "len": attribute.len if attribute.len is not None else "",
    }


def _link(name: str, link) -> dict:
    related = link.api
    return {
        "name": name,
        "type": "link",
        "group": "",
        "id_name": "",
        "relationship": name,
        "module": related.name if related is not None else "EmailAddresses",
        "bean_name": related.object_name if related is not None else "EmailAddress",
    }


@method
def get_module_fields(call: Call, session, module_name, fields=None):
    """The fields (all, or those named) and link fields of a module."""
    user = call.authenticate(session)
    api = records.module_named(text(module_name))
    records.require(user, api, "view")
    wanted = set(names(fields))
    module_fields = {"id": _id_field()} if not wanted or "id" in wanted else {}
    for name, attribute in api.attributes.items():
        if not wanted or name in wanted:
            module_fields[name] = _field(api, attribute)
    link_fields = {
        name: _link(name, link)
        for name, link in links.LINKS.get(api.name, {}).items()
        if not wanted or name in wanted
    }
    return {
        "module_name": api.name,
        "table_name": records.table_of(api),
        "module_fields": module_fields or [],
        "link_fields": link_fields or [],
    }


def _id_field() -> dict:
    return {
        "name": "id",
        "type": "id",
        "group": "",
        "id_name": "",
        "label": "ID",
        "required": 1,
        "options": [],
        "related_module": "",
        "calculated": False,
        "len": "",
    }
