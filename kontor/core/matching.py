"""Normalized keys for finding duplicates: company names without legal forms, web domains.

Used by the accounts' stored match keys and the conversion's duplicate suggestions
(docs/domain.md §5); exact, indexed comparisons on these keys replace fuzzy scans
(docs/performance.md rule 9).
"""

import re
import unicodedata
from urllib.parse import urlsplit

# Legal forms as they end a company name, as words once punctuation is gone ("S.à r.l." and
# "SARL" both end up as the words "s a r l" or "sarl"); the longest are tried first.
LEGAL_FORMS = sorted(
    {
        tuple(form.split())
        for form in (
            "gmbh co kg",
            "gmbh co kgaa",
            "gmbh",
            "ggmbh",
            "mbh",
            "ag",
            "kg",
            "kgaa",
            "ohg",
            "gbr",
            "e k",
            "ek",
            "e kfm",
            "e v",
            "ev",
            "se",
            "ug",
            "ug haftungsbeschraenkt",
            "partg",
            "inc",
            "incorporated",
            "ltd",
            "limited",
            "llc",
            "llp",
            "lp",
            "plc",
            "corp",
            "corporation",
            "co",
            "company",
            "sa",
            "s a",
            "sarl",
            "s a r l",
            "sas",
            "bv",
            "b v",
            "nv",
            "n v",
            "oy",
            "ab",
            "as",
            "a s",
            "aps",
            "spa",
            "s p a",
            "srl",
            "s r l",
            "pty ltd",
            "pty",
        )
    },
    key=len,
    reverse=True,
)

# Mail providers whose domain says nothing about the company a person works for.
FREEMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "web.de",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "gmx.ch",
        "t-online.de",
        "outlook.com",
        "outlook.de",
        "hotmail.com",
        "hotmail.de",
        "live.com",
        "live.de",
        "yahoo.com",
        "yahoo.de",
        "icloud.com",
        "me.com",
        "aol.com",
        "aol.de",
        "freenet.de",
        "posteo.de",
        "mailbox.org",
        "protonmail.com",
        "proton.me",
        "arcor.de",
    }
)


# German umlauts as Germans write them without umlauts, so "Müller" and "Mueller" meet.
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def company_key(name: str) -> str:
    """ "Müller GmbH & Co. KG" → "mueller": lower case, no accents, legal form or punctuation."""
    text = (name or "").lower().translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    stripped = True
    while stripped:
        stripped = False
        for form in LEGAL_FORMS:
            # A bare legal form leaves no key at all, so it matches nothing.
            if len(words) >= len(form) and tuple(words[-len(form) :]) == form:
                words = words[: -len(form)]
                stripped = True
                break
    return " ".join(words)


def domain_of(value: str) -> str:
    """The web domain of an e-mail address or URL ("" for free-mail providers and nonsense)."""
    value = (value or "").strip().lower()
    if "@" in value and not re.search(r"[/:]", value):
        host = value.rsplit("@", 1)[1]
    else:
        try:
            host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
        except ValueError:  # e.g. an unclosed "[" of an IPv6 address
            return ""
    host = host.removeprefix("www.").strip(".")
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host) or host in FREEMAIL:
        return ""
    return host
