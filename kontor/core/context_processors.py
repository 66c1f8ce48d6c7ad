"""Template context of every page: the navigation the user may use."""

from kontor.core import admin_area, permissions, registry
from kontor.core import navigation as nav


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    arranged = nav.for_user(user)
    admin = permissions.is_admin(user)
    return {
        "is_admin": admin,
        "admin_pages": admin_area.pages() if admin else [],
        "nav_main": arranged.bar,
        "nav_more": arranged.more,
        "nav_pages": nav.pages(user, request.path),
        "quick_create": [m for m in registry.modules() if permissions.can(user, "create", m.model)],
    }
