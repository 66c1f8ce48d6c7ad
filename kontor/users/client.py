"""Who is asking, as the account pages show it: the client's address and a short name of its
browser and system (never the whole user agent, which is long and says little to a person)."""

import re

_BROWSERS = (
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"OPR/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS|Chromium)/(\d+)"),
    ("Safari", r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/"),
)
_SYSTEMS = (
    ("Android", r"Android"),
    ("iOS", r"iPhone|iPad|iPod"),
    ("Windows", r"Windows"),
    ("ChromeOS", r"CrOS"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux|X11"),
)


def short_user_agent(request) -> str:
    """The browser and system of the request ("Firefox 128 · Linux"); an agent not known
    here as sent, cut to 120 characters."""
    agent = (request.META.get("HTTP_USER_AGENT") or "") if request is not None else ""
    browser = next(
        (f"{name} {m.group(1)}" for name, rx in _BROWSERS if (m := re.search(rx, agent))), ""
    )
    system = next((name for name, rx in _SYSTEMS if re.search(rx, agent)), "")
    if browser or system:
        return " · ".join(part for part in (browser, system) if part)
    return agent[:120]


def client_address(request) -> str:
    """The request's REMOTE_ADDR (set from a proxy's header by the application server)."""
    return ((request.META.get("REMOTE_ADDR") or "") if request is not None else "")[:64]
