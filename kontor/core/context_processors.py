"""Template context of every page: the navigation the user may use."""

from kontor.core import admin_area, permissions, registry


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    allowed = [m for m in registry.modules() if permissions.can(user, "list", m.model)]
    admin = permissions.is_admin(user)
    return {
        "is_admin": admin,
        "admin_pages": admin_area.pages() if admin else [],
        "nav_main": [m for m in allowed if m.nav == "main"],
        "nav_more": [m for m in allowed if m.nav != "main"],
        "quick_create": [m for m in registry.modules() if permissions.can(user, "create", m.model)],
    }
