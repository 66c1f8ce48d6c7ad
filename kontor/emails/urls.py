"""The URLs of the e-mail app outside its module's pages: the templates' API for admins."""

from kontor.emails import api

urlpatterns = [*api.urlpatterns]
