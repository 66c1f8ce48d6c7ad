"""URLs of this part of the SuiteCRM API compatibility."""

urlpatterns: list = []
