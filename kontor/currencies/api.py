"""/api/v1/currencies/: the currencies, the base and the exchange rates, read-only, for
integrations that convert amounts as Kontor does (docs/currencies.md).

Every signed-in token may read them (they are configuration, not records); changes are made
under Administration → Currencies. Built from `rates.table()`, the cached table every
conversion reads, so an answer costs no query once it is cached.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.currencies import rates

RATE_FIELDS = {
    "valid_from": serializers.DateField(),
    "rate": serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        help_text="Units of the currency one unit of the base currency buys from this day.",
    ),
}
CURRENCY_FIELDS = {
    "code": serializers.CharField(help_text="ISO 4217"),
    "name": serializers.CharField(),
    "symbol": serializers.CharField(),
    "active": serializers.BooleanField(),
    "is_base": serializers.BooleanField(),
    "rates": inline_serializer("CurrencyRate", RATE_FIELDS, many=True),
}
CURRENCY = inline_serializer("CurrencyWithRates", CURRENCY_FIELDS)
CURRENCIES = inline_serializer(
    "CurrencyList",
    {
        "base": serializers.CharField(),
        "results": inline_serializer("CurrencyWithRates", CURRENCY_FIELDS, many=True),
    },
)


def _currency(table: rates.Rates, code: str) -> dict:
    name, symbol, active = table.currencies[code]
    return {
        "code": code,
        "name": name,
        "symbol": symbol,
        "active": active,
        "is_base": code == table.base,
        "rates": [
            {"valid_from": day.isoformat(), "rate": str(rate)}
            for day, rate in zip(table.days.get(code, []), table.values.get(code, []), strict=True)
        ],
    }


class CurrencyList(APIView):
    """GET /api/v1/currencies/: every currency (or the active ones) with its rates and the
    base, for integrations converting amounts."""

    @extend_schema(
        tags=["currencies"],
        operation_id="v1_currencies_list",
        summary="Currencies with their exchange rates",
        parameters=[
            OpenApiParameter("active", bool, description="Only the active currencies (true).")
        ],
        responses=CURRENCIES,
    )
    def get(self, request):
        table = rates.table()
        only_active = request.query_params.get("active", "").lower() in ("1", "true", "yes")
        codes = sorted(
            code for code, (_n, _s, active) in table.currencies.items() if active or not only_active
        )
        return Response({"base": table.base, "results": [_currency(table, code) for code in codes]})


class CurrencyDetail(APIView):
    """GET /api/v1/currencies/<code>/: one currency with its rates; 404 for an unknown code."""

    @extend_schema(tags=["currencies"], summary="One currency with its rates", responses=CURRENCY)
    def get(self, request, code: str):
        table = rates.table()
        if code.upper() not in table.currencies:
            raise Http404
        return Response(_currency(table, code.upper()))
