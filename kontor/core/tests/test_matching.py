"""The match keys of duplicate suggestions: company names without legal form, web domains.

company_key and domain_of feed the accounts' stored keys (name_key, domain) and the lookups of
kontor/conversion/duplicates.py; two spellings of one company must give one key.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontor.core.fields import normalize_phone
from kontor.core.matching import FREEMAIL, company_key, domain_of


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Müller GmbH", "mueller"),
        ("Mueller AG", "mueller"),
        ("MÜLLER GMBH", "mueller"),
        ("Müller GmbH & Co. KG", "mueller"),
        ("Müller GmbH & Co KG", "mueller"),
        ("Weiß GmbH", "weiss"),
        ("Schmidt & Söhne GmbH", "schmidt soehne"),
        ("Société Générale S.A.", "societe generale"),
        ("Acme, Inc.", "acme"),
        ("ACME Corp.", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("  Acme   Holding  LLC ", "acme holding"),
        ("Kühn KG", "kuehn"),
        ("Meier e.K.", "meier"),
        ("Foo Co GmbH", "foo"),  # stacked forms all go
        ("Limited Edition Ltd", "limited edition"),  # only the ending is a legal form
        ("Haag", "haag"),  # "ag" inside a word is not a legal form
        ("Bag AG", "bag"),
        ("3M", "3m"),
        ("GmbH", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_company_key(name, key):
    assert company_key(name) == key


@pytest.mark.parametrize(
    ("spelling", "same_as"),
    [
        ("Meier UG (haftungsbeschränkt)", "Meier UG"),
        ("Dupont S.à r.l.", "Dupont SARL"),
        ("Mayer e. K.", "Mayer e.K."),
        ("Foo-AG.", "Foo AG"),
    ],
)
def test_every_spelling_of_a_legal_form_is_ignored(spelling, same_as):
    assert company_key(spelling) == company_key(same_as) != ""


@given(st.text())
def test_company_key_never_fails_and_is_a_key(text):
    key = company_key(text)
    assert key == key.strip() and "  " not in key
    assert all(c.isascii() and (c.isalnum() or c == " ") for c in key)
    assert key == key.lower()


# Company-like names: words, legal forms and the punctuation people type around them.
NAMES = st.lists(
    st.sampled_from(
        [
            "Müller",
            "Foo",
            "Bau",
            "&",
            "-",
            ".",
            ",",
            "(",
            ")",
            "AG",
            "GmbH",
            "Co.",
            "KG",
            "e.",
            "K.",
            "Inc",
            "S.A.",
            "Ltd.",
        ]
    ),
    min_size=1,
    max_size=6,
).map(" ".join) | st.text(max_size=30)


@given(NAMES)
def test_company_key_is_idempotent(name):
    # The key of a key is the key: what is left after the legal form is gone holds none.
    assert company_key(company_key(name)) == company_key(name)


@given(
    st.sampled_from(["GmbH", "AG", "Inc.", "Ltd", "KG", "SE", "GmbH & Co. KG"]),
    st.from_regex(r"[A-Z][a-z]{2,12}( [A-Z][a-z]{2,12})?", fullmatch=True),
)
def test_a_legal_form_never_changes_the_key(form, name):
    assert company_key(f"{name} {form}") == company_key(name)


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.Vogel-Technik.example/kontakt", "vogel-technik.example"),
        ("http://vogel-technik.example", "vogel-technik.example"),
        ("www.vogel-technik.example", "vogel-technik.example"),
        ("vogel-technik.example", "vogel-technik.example"),
        ("www.vogel-technik.example:8080/de/", "vogel-technik.example"),
        ("https://vogel-technik.example.", "vogel-technik.example"),
        ("Lena.Vogel@Vogel-Technik.Example", "vogel-technik.example"),
        ("lena@www.vogel-technik.example", "vogel-technik.example"),
        ("https://shop.vogel-technik.example", "shop.vogel-technik.example"),
        ("http://user:secret@vogel-technik.example/", "vogel-technik.example"),
        ("lena@gmail.com", ""),
        ("lena@web.de", ""),
        ("https://www.gmx.de", ""),
        ("http://localhost:8000", ""),
        ("not a url", ""),
        ("https://", ""),
        ("@", ""),
        ("  ", ""),
        ("", ""),
        (None, ""),
        ("http://[", ""),  # broken input is no domain, never an exception (Account.clean calls it)
        ("www.[vogel.example", ""),
    ],
)
def test_domain_of(value, domain):
    assert domain_of(value) == domain


def test_free_mail_domains_never_give_a_domain():
    for provider in FREEMAIL:
        assert domain_of(f"someone@{provider}") == domain_of(f"https://www.{provider}") == ""


@given(st.text())
def test_domain_of_never_fails_and_returns_a_bare_host(text):
    domain = domain_of(text)
    assert domain == "" or ("." in domain and domain == domain.lower())
    assert not set(domain) & set("/@ \t\n:?#")


@pytest.mark.parametrize(
    "spelling",
    [
        "+49 221 4711-23",
        "0221 471123",
        "0221/47 11 23",
        "+49 (0)221 471123",
        "0049 221 471123",
        "(0221) 4711-23",
    ],
)
def test_phone_spellings_meet_in_e164(spelling):
    assert normalize_phone(spelling) == "+49221471123"


@pytest.mark.parametrize("nonsense", ["call me", "", "+49 221 4711 2345 6789 0123"])
def test_nonsense_is_no_phone(nonsense):
    assert normalize_phone(nonsense) == ""
