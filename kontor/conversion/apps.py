from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversionConfig(AppConfig):
    name = "kontor.conversion"
    label = "conversion"
    verbose_name = _("Conversion")
