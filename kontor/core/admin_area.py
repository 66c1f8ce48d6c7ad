"""The administration area: one menu of admin pages that every app adds its pages to.

Admins (see `permissions.is_admin`) manage users, teams, roles, configuration, web forms and
webhooks here. An app registers a page with `register_page(...)` in its `AppConfig.ready()`
and protects its views with `admin_required` / `AdminRequiredMixin`; everyone else gets the
same 404 as for a page that does not exist.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse

from kontor.core import permissions


@dataclass(frozen=True)
class AdminPage:
    """One entry of the administration menu."""

    url_name: str
    title: object
    icon: str = "gear"
    #: section heading in the menu (lazy translated text)
    group: object = ""
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_pages: dict[str, AdminPage] = {}


def register_page(url_name: str, title, *, icon: str = "gear", group="", order: int = 100):
    """Add a page to the administration menu (idempotent, keyed by URL name)."""
    _pages[url_name] = AdminPage(url_name, title, icon, group, order)


def pages() -> list[AdminPage]:
    return sorted(_pages.values(), key=lambda p: (p.order, str(p.title)))


def admin_required(view):
    """Function views: signed-in admins only; others see 404 (not found and not allowed alike)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.is_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class AdminRequiredMixin(LoginRequiredMixin):
    """Class-based views: signed-in admins only; others see 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.is_admin(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
