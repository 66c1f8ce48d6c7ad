"""A user's own choices beyond language and time zone, as the rest of Kontor reads them: the
order of the top bar, the formats of dates and numbers, the default currency.

They live in `Profile.preferences` (JSON), loaded once per request with the profile the
per-request set-up reads anyway, so reading them costs no query. Provided to
`kontor.core.preferences` in the app's ready(); written by `preference_actions`.
"""

from django.utils.translation import gettext_lazy as _

#: Date formats a user may choose instead of their language's, keyed as stored; each sets the
#: four date formats Django renders dates with (the sample is the label: it reads the same in
#: every language).
DATE_STYLES = {
    "dmy_dot": ("31.12.2026", "d.m.Y", "d.m.Y H:i"),
    "dmy_slash": ("31/12/2026", "d/m/Y", "d/m/Y H:i"),
    "mdy": ("12/31/2026", "m/d/Y", "m/d/Y P"),
    "iso": ("2026-12-31", "Y-m-d", "Y-m-d H:i"),
}

#: Number formats: (sample, decimal separator, thousands separator).
NUMBER_STYLES = {
    "de": ("1.234,56", ",", "."),
    "en": ("1,234.56", ".", ","),
    "ch": ("1'234.56", ".", "'"),
    "space": ("1 234,56", ",", "\u00a0"),
}

#: Currencies offered as a default, most used by Kontor's users first; opportunities take any
#: three-letter ISO 4217 code.
CURRENCIES = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "AUD",
    "CAD",
    "CNY",
    "CZK",
    "DKK",
    "HUF",
    "JPY",
    "NOK",
    "PLN",
    "SEK",
)

FOLLOW_LANGUAGE = _("As my language does")


def date_choices() -> list[tuple[str, object]]:
    return [("", FOLLOW_LANGUAGE)] + [(k, v[0]) for k, v in DATE_STYLES.items()]


def number_choices() -> list[tuple[str, object]]:
    return [("", FOLLOW_LANGUAGE)] + [(k, v[0]) for k, v in NUMBER_STYLES.items()]


def currency_choices() -> list[tuple[str, str]]:
    return [(c, c) for c in CURRENCIES]


def _prefs(user) -> dict:
    profile = getattr(user, "profile", None)
    return profile.preferences if profile is not None else {}


def navigation(user) -> dict | None:
    """{"order": [slug, …], "more": [slug, …]} as the user saved it, None when never saved."""
    return _prefs(user).get("nav") or None


def formats(user) -> dict:
    """The Django format settings the user's choices set ({} when they follow the language)."""
    prefs = _prefs(user)
    chosen = {}
    date = DATE_STYLES.get(prefs.get("date_format", ""))
    if date:
        _sample, day, moment = date
        chosen.update(
            DATE_FORMAT=day, SHORT_DATE_FORMAT=day, DATETIME_FORMAT=moment,
            SHORT_DATETIME_FORMAT=moment,
        )  # fmt: skip
    number = NUMBER_STYLES.get(prefs.get("number_format", ""))
    if number:
        _sample, decimal, thousands = number
        chosen.update(DECIMAL_SEPARATOR=decimal, THOUSAND_SEPARATOR=thousands)
    return chosen


def default_currency(user) -> str:
    """The ISO code new amounts of the user start in ("" before they chose one)."""
    return _prefs(user).get("currency", "")


def list_density(user) -> str:
    """The list rows the user chose: "compact", or "" for the usual ones."""
    return "compact" if _prefs(user).get("density") == "compact" else ""
