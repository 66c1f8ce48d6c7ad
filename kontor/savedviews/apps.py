"""Saved views of every list."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavedViewsConfig(AppConfig):
    """Saved views: named filters, sort and columns of a list, kept per user and shared with a
    team or everyone. Core does not know this app: it adds its tabs to every list here
    (kontor.core.extensions)."""

    name = "kontor.savedviews"
    label = "savedviews"
    verbose_name = _("Saved views")

    def ready(self):
        from kontor.core import registry
        from kontor.core.extensions import Extension, extend
        from kontor.savedviews import tabs

        for module in registry.modules():
            extend(
                Extension(
                    module.slug,
                    list_context=tabs.list_context,
                    list_templates=("savedviews/_tabs.html",),
                    list_params=(tabs.PARAM,),
                    list_columns=tabs.list_columns,
                    list_start=tabs.list_start,
                )
            )
