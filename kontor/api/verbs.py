"""The verbs other apps add to a record type's API endpoint, beyond create/read/update/delete.

An app that builds on a record type registers a verb in its AppConfig.ready() with
`add(slug, name, endpoint)`: `endpoint()` returns a DRF `@action` method (e.g. the conversion's
POST /api/v1/leads/<id>/convert/). The API builds each record type's viewset with them, so it
imports none of the apps that extend it.
"""

from collections.abc import Callable

_verbs: dict[str, dict[str, Callable]] = {}


def add(slug: str, name: str, endpoint: Callable) -> None:
    """Offer the verb `name` on the records of module `slug`; `endpoint()` builds the
    viewset method (called once per viewset class)."""
    _verbs.setdefault(slug, {})[name] = endpoint


def actions_for(module) -> dict:
    """The added verbs of `module` as viewset attributes: {name: method}."""
    return {name: endpoint() for name, endpoint in _verbs.get(module.slug, {}).items()}
