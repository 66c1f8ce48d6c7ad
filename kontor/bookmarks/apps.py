from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookmarksConfig(AppConfig):
    """Recently viewed records and favourites. Core and the record apps do not know this app:
    it adds itself to every record page here (kontor.core.extensions)."""

    name = "kontor.bookmarks"
    label = "bookmarks"
    verbose_name = _("Favourites")

    def ready(self):
        from kontor.bookmarks import views
        from kontor.core import registry
        from kontor.core.extensions import Extension, extend

        # Every record page remembers the view and offers its star.
        for module in registry.modules():
            extend(
                Extension(
                    module.slug,
                    urls=(("<uuid:pk>/favourite/", views.FavouriteView, "favourite"),),
                    detail_context=views.record_page_context,
                )
            )
