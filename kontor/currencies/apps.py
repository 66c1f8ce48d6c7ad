"""The currencies app's configuration: the base currency for money fields and the
Administration → Currencies page, for Django's app registry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurrenciesConfig(AppConfig):
    """Registers, once the apps are loaded, where money fields read the base currency and the
    Currencies page in the administration area."""

    name = "kontor.currencies"
    label = "currencies"
    verbose_name = _("Currencies")

    def ready(self):
        from kontor.core import fields
        from kontor.core.admin_area import register_page
        from kontor.currencies import rates

        fields.provide_base_currency(rates.base_currency)
        register_page(
            "currencies:list", _("Currencies"), icon="currency-exchange", group=_("Sales"), order=30
        )
