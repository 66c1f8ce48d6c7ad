"""The token endpoint, logout, the meta routes and SuiteCRM's answer to an unknown route, for
SuiteCRM V8 clients (the record and relationship routes are in records.py and relations.py).
"""

from django.views.decorators.csrf import csrf_exempt

from kontor.core import permissions
from kontor.suiteapi.mapping import api_module, api_modules
from kontor.suiteapi.references import Computed, Custom, RelatedName
from kontor.suiteapi.v8 import tokens
from kontor.suiteapi.v8.documents import message, value
from kontor.suiteapi.v8.endpoint import body_of, check_rate, endpoint, method_not_allowed
from kontor.suiteapi.v8.errors import OAuthError, V8Error, respond
from kontor.suiteapi.v8.params import check_keys, visible

#: SuiteCRM's access actions, as `meta/modules` lists them, and Kontor's name of each
ACCESS = (
    ("access", "access"),
    ("view", "view"),
    ("list", "list"),
    ("edit", "edit"),
    ("delete", "delete"),
    ("import", "import"),
    ("export", "export"),
    ("massupdate", "mass_update"),
)
#: Modules SuiteCRM leaves out of `meta/modules`
HIDDEN = {"Prospects", "Users"}
#: SuiteCRM's NotAllowedException text (its prefixes "[SuiteCRM] [API]" and "[Not Allowed]")
NOT_ALLOWED = "[SuiteCRM] [API] [Not Allowed] The API user does not have access to this module."


@csrf_exempt
def access_token(request):
    """`POST Api/access_token`: the client credentials, password and refresh token grants."""
    if request.method != "POST":
        return method_not_allowed(("POST",))
    try:
        check_rate(request, None)
        return respond(
            tokens.token_grant(request, body_of(request)), content_type="application/json"
        )
    except (OAuthError, V8Error) as error:
        return error.response()


@endpoint(("POST",), write=("POST",))
def logout(call):
    tokens.logout(call.token)
    return respond(message("You have been successfully logged out"))


def _usable(module, user) -> bool:
    return module.module is None or permissions.can(user, "access", module.model)


@endpoint(("GET",))
def meta_modules(call):
    check_keys(call.params, ())
    found = {}
    for module in api_modules():
        if module.name in HIDDEN or not _usable(module, call.user):
            continue
        access = [
            suite for suite, kontor in ACCESS if permissions.can(call.user, kontor, module.model)
        ]
        found[module.name] = {"label": str(module.module.verbose_name_plural), "access": access}
    return respond({"data": {"type": "modules", "attributes": found}})


@endpoint(("GET",))
def meta_fields(call, moduleName):
    check_keys(call.params, ("moduleName",))
    module = api_module(moduleName)
    if module is None:
        raise V8Error(f"Module {moduleName} does not exist")
    # SuiteCRM checks the modules of the user's navigation tabs, which never include Users
    # (not even for an administrator): its field list is refused like a module without access.
    if module.module is None or not _usable(module, call.user):
        raise V8Error(NOT_ALLOWED)
    fields = {}
    for name, attribute in visible(module).items():
        entry = {"type": attribute.type, "dbType": attribute.type}
        if attribute.len:
            entry["len"] = attribute.len
        entry["required"] = attribute.required
        if isinstance(attribute, Custom):
            entry["source"] = "custom_fields"
        elif isinstance(attribute, Computed | RelatedName):
            entry["source"] = "non-db"
        fields[name] = entry
    return respond({"data": {"type": "fields", "attributes": fields}})


@endpoint(("GET",))
def current_user(call):
    """The token's user, with the columns V8 hides from other users (its user name, status)."""
    check_keys(call.params, ())
    users = api_module("Users")
    prepared = users.prepare([call.user], call.user)
    document = {
        "type": users.object_name,
        "id": users.suitecrm_id(call.user, prepared),
        "attributes": {
            name: value(attribute.text(call.user, prepared))
            for name, attribute in users.attributes.items()
        },
        "relationships": {},
    }
    return respond({"data": document})


@csrf_exempt
def unknown(request, rest=""):
    """SuiteCRM's router answer to a path it has no route for."""
    if "json" in request.headers.get("Accept", ""):
        return respond({"message": "Not found"}, status=404, content_type="application/json")
    response = respond({}, status=404)
    response.content = (
        b"<html><head><title>404 Page Not Found</title></head>"
        b"<body><h1>Page Not Found</h1></body></html>"
    )
    response["Content-Type"] = "text/html; charset=utf-8"
    return response
