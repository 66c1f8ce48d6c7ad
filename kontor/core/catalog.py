"""Which record types exist: the registered module declarations by slug and by model.

`kontor.core.registry` declares what a `Module` is and re-exports these lookups. They live here,
importing nothing of Kontor, so that what the declarations themselves build on (the permission
filter, the custom fields) can find a record type without an import cycle. The values are
`kontor.core.registry.Module` instances.
"""

from django.core.exceptions import ImproperlyConfigured

_modules: dict = {}  # slug -> module
_by_model: dict = {}  # model class -> module


def register(cls):
    """Class decorator: declare a record module (a `kontor.core.registry.Module` subclass)."""
    module = cls()
    if module.slug in _modules:
        raise ImproperlyConfigured(f"Module slug {module.slug!r} registered twice.")
    _modules[module.slug] = module
    _by_model[module.model] = module
    return cls


def modules() -> list:
    """Every declared module, in navigation order."""
    return sorted(_modules.values(), key=lambda m: m.order)


def get(slug: str):
    """The module of `slug`; KeyError for a slug no module has."""
    return _modules[slug]


def find(model):
    """The module of `model`, or None when it is not a record type (e.g. users)."""
    return _by_model.get(model if isinstance(model, type) else type(model))


def for_model(model):
    """The module of `model`; ImproperlyConfigured when it has none."""
    model = model if isinstance(model, type) else type(model)
    try:
        return _by_model[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} has no module declaration.") from None


def activity_modules() -> list:
    return [m for m in _modules.values() if m.is_activity]
