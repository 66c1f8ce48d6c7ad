"""Normalized keys for finding duplicates: company names without legal forms, web domains.

Used by the accounts' stored match keys and the conversion's duplicate suggestions
(DOMAIN.md §5); exact, indexed comparisons on these keys replace fuzzy scans (PERFORMANCE.md 9).
"""

import re
import unicodedata
from urllib.parse import urlsplit

# Legal forms as they end (or start) a company name; longest first so "gmbh & co. kg" wins.
LEGAL_FORMS = sorted(
    {"gmbh & co. kg", "gmbh & co kg", "gmbh", "ggmbh", "mbh", "ag", "kg", "ohg", "gbr", "e.k.",
     "e.v.", "ev", "se", "ug", "ug (haftungsbeschränkt)", "kgaa", "inc", "inc.", "ltd", "ltd.",
     "limited", "llc", "llp", "plc", "corp", "corp.", "corporation", "co.", "co", "sa", "s.a.",
     "sarl", "s.à r.l.", "bv", "b.v.", "nv", "n.v.", "oy", "ab", "as", "a/s", "spa", "s.p.a.",
     "srl", "s.r.l.", "pty ltd", "pty", "company"},
    key=len, reverse=True,
)

# Mail providers whose domain says nothing about the company a person works for.
FREEMAIL = frozenset({
    "gmail.com", "googlemail.com", "web.de", "gmx.de", "gmx.net", "gmx.at", "gmx.ch",
    "t-online.de", "outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "live.com",
    "live.de", "yahoo.com", "yahoo.de", "icloud.com", "me.com", "aol.com", "aol.de",
    "freenet.de", "posteo.de", "mailbox.org", "protonmail.com", "proton.me", "arcor.de",
})


# German umlauts as Germans write them without umlauts, so "Müller" and "Mueller" meet.
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def company_key(name: str) -> str:
    """"Müller GmbH & Co. KG" → "mueller": lower case, no accents, legal form or punctuation."""
    text = (name or "").lower().translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = " ".join(text.replace(",", " ").split())
    changed = True
    while changed and text:
        changed = False
        for form in LEGAL_FORMS:
            if text.endswith(" " + form) or text == form:
                text = text[: -len(form)].rstrip(" ,-&")
                changed = True
                break
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def domain_of(value: str) -> str:
    """The web domain of an e-mail address or URL ("" for free-mail providers and nonsense)."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if "@" in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.removeprefix("www.").strip(".")
    if "." not in host or host in FREEMAIL:
        return ""
    return host
