"""Forms of Administration → Currencies: a currency, a rate, and the upload of a rate file."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kontor.currencies.models import Currency, ExchangeRate

FORMATS = (
    ("de", _("German: 1.234,56 and 31.12.2026")),
    ("en", _("English: 1,234.56 and 12/31/2026")),
)


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class CurrencyForm(forms.ModelForm):
    """A new currency (its code is then fixed) or an existing one's name, symbol and use."""

    class Meta:
        model = Currency
        fields = ("code", "name", "symbol", "active")
        help_texts = {
            "code": _("The ISO 4217 code, such as USD."),
            "active": _("Offered for new opportunities and in the rates' import."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance._state.adding:
            del self.fields["code"]
        else:
            self.fields["code"].widget.attrs.update(
                {"maxlength": 3, "autocapitalize": "characters", "placeholder": "USD"}
            )
        _styled(self)

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()


class RateForm(forms.ModelForm):
    """A rate of one currency (set by the page): from which day, how many units per base unit."""

    class Meta:
        model = ExchangeRate
        fields = ("valid_from", "rate")
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, currency: Currency, base: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.currency = currency
        rate = self.fields["rate"]
        rate.localize = True
        rate.widget = forms.TextInput(attrs={"inputmode": "decimal"})
        rate.widget.is_localized = True
        rate.help_text = _("How many %(code)s one %(base)s buys.") % {
            "code": currency.code,
            "base": base,
        }
        _styled(self)

    def _update_errors(self, errors):
        # The currency is the page's, not a field: its refusal shows above the fields.
        if hasattr(errors, "error_dict") and "currency" in errors.error_dict:
            moved = errors.error_dict.pop("currency")
            errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(moved)
        super()._update_errors(errors)


class RateImportForm(forms.Form):
    """The upload of a CSV file of exchange rates and its number and date format, for
    administrators (Administration → Currencies → Import rates)."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns code, valid_from and rate, one rate a line; all or nothing: a file with "
            "a bad line saves no rate."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    number_format = forms.ChoiceField(label=_("Number and date format"), choices=FORMATS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number_format"].initial = "de" if get_language() == "de" else "en"
        _styled(self)
