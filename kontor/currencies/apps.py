from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurrenciesConfig(AppConfig):
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
