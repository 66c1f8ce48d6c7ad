"""Administration → Currencies (admins only; everyone else gets 404): the currencies and the
base, each currency's exchange rates, and the import of a rate file."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kontor.core.admin_area import admin_required
from kontor.currencies import actions, rate_import, rates
from kontor.currencies.forms import CurrencyForm, RateForm, RateImportForm
from kontor.currencies.models import Currency, ExchangeRate

#: A currency's page lists its newest rates; older ones stay in force but are not listed.
SHOWN_RATES = 100


def rate_text(rate: Decimal) -> str:
    """A rate with at least four decimals, and as many as it has beyond them (1,0850)."""
    places = max(4, -rate.normalize().as_tuple().exponent)
    return number_format(rate, places, use_l10n=True)


def _refusal(form, error: ValidationError) -> None:
    """An action's refusal on the form's fields (or above them when it names none)."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@admin_required
def currency_list(request):
    newest = ExchangeRate.objects.filter(currency=OuterRef("pk")).order_by("-valid_from")
    currencies = Currency.objects.annotate(
        rate_count=Count("rates"),
        latest_rate=Subquery(newest.values("rate")[:1]),
        latest_from=Subquery(newest.values("valid_from")[:1]),
    ).order_by("-is_base", "code")  # a grouped query does not take Meta.ordering
    rows = [
        {
            "currency": c,
            "latest": rate_text(c.latest_rate) if c.latest_rate is not None else "",
            "latest_from": c.latest_from,
        }
        for c in currencies
    ]
    return render(
        request,
        "currencies/list.html",
        {
            "rows": rows,
            "base": rates.base_currency(),
            "has_rates": any(c.rate_count for c in currencies),
        },
    )


@admin_required
def currency_new(request):
    form = CurrencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            currency = actions.save_currency(form.instance, actor=request.user)
        except ValidationError as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Added the currency %(code)s.") % {"code": currency.code})
            return HttpResponseRedirect(reverse("currencies:detail", args=[currency.code]))
    return render(
        request,
        "currencies/currency_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _detail(request, currency, *, form=None, rate_form=None, status=200):
    base = rates.base_currency()
    stored = list(currency.rates.order_by("-valid_from")[: SHOWN_RATES + 1])
    shown = [
        {
            "rate": r,
            "text": rate_text(r.rate),
            "inverse": rate_text((Decimal(1) / r.rate).quantize(Decimal("0.000001"))),
        }
        for r in stored[:SHOWN_RATES]
    ]
    return render(
        request,
        "currencies/detail.html",
        {
            "currency": currency,
            "base": base,
            "form": form or CurrencyForm(instance=currency),
            "rate_form": rate_form or RateForm(currency=currency, base=base),
            "rates": shown,
            "more_rates": len(stored) > SHOWN_RATES,
            "any_rates": ExchangeRate.objects.exists(),
        },
        status=status,
    )


@admin_required
def currency_detail(request, code):
    currency = get_object_or_404(Currency, pk=code)
    if request.method != "POST":
        return _detail(request, currency)
    form = CurrencyForm(request.POST, instance=currency)
    if form.is_valid():
        try:
            actions.save_currency(form.instance, actor=request.user)
        except ValidationError as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Saved the currency %(code)s.") % {"code": code})
            return HttpResponseRedirect(reverse("currencies:detail", args=[code]))
    currency.refresh_from_db()
    return _detail(request, currency, form=form, status=400)


@admin_required
@require_POST
def currency_base(request, code):
    currency = get_object_or_404(Currency, pk=code)
    try:
        actions.set_base(currency, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "%(code)s is now the base currency. The amounts of all opportunities are "
                "being converted to it."
            )
            % {"code": code},
        )
    return HttpResponseRedirect(reverse("currencies:detail", args=[code]))


@admin_required
@require_POST
def rate_add(request, code):
    currency = get_object_or_404(Currency, pk=code)
    form = RateForm(request.POST, currency=currency, base=rates.base_currency())
    if form.is_valid():
        try:
            actions.save_rate(form.instance, actor=request.user)
        except ValidationError as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Added the rate."))
            return HttpResponseRedirect(reverse("currencies:detail", args=[code]))
    return _detail(request, currency, rate_form=form, status=400)


@admin_required
def rate_edit(request, pk):
    rate = get_object_or_404(ExchangeRate.objects.select_related("currency"), pk=pk)
    base = rates.base_currency()
    form = RateForm(request.POST or None, instance=rate, currency=rate.currency, base=base)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_rate(form.instance, actor=request.user)
        except ValidationError as error:
            _refusal(form, error)
        else:
            messages.success(request, _("Saved the rate."))
            return HttpResponseRedirect(reverse("currencies:detail", args=[rate.currency_id]))
    return render(
        request,
        "currencies/rate_form.html",
        {"form": form, "rate": rate, "currency": rate.currency, "base": base},
        status=400 if form.is_bound else 200,
    )


@admin_required
@require_POST
def rate_delete(request, pk):
    rate = get_object_or_404(ExchangeRate, pk=pk)
    code = rate.currency_id
    actions.delete_rate(rate, actor=request.user)
    messages.success(request, _("Deleted the rate."))
    return HttpResponseRedirect(reverse("currencies:detail", args=[code]))


@admin_required
def rate_import_view(request):
    form = RateImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            found = rate_import.read(upload.read(), form.cleaned_data["number_format"])
            problems = found.errors
            if not problems:
                added = actions.import_rates(found.rates, actor=request.user, file_name=upload.name)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if not problems:
                same = found.unchanged
                done = ngettext("Imported %(n)s rate.", "Imported %(n)s rates.", added) % {
                    "n": added
                }
                if same:
                    done += " " + ngettext(
                        "%(n)s was stored already.", "%(n)s were stored already.", same
                    ) % {"n": same}
                messages.success(request, done)
                return HttpResponseRedirect(reverse("currencies:list"))
    return render(
        request,
        "currencies/import.html",
        {"form": form, "problems": problems, "base": rates.base_currency()},
        status=400 if form.is_bound else 200,
    )
