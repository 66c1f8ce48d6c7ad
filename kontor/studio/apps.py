from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    """Studio: admins configure dropdowns, required fields, custom fields and layouts."""

    name = "kontor.studio"
    label = "studio"
    verbose_name = _("Studio")
