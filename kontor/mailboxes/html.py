"""Received HTML shown safely: nh3 keeps the formatting and removes scripts, event handlers,
styles that could reach out, and forms; remote images are dropped unless the reader asks for
them (a remote image tells the sender when and where the mail was read)."""

import re

import nh3

_NO_ALT = re.compile(r"<img(?![^>]*\balt=)")

_TAGS = nh3.ALLOWED_TAGS | {"img"}
_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
}


def sanitise(html: str, *, remote_images: bool = False) -> str:
    """`html` with only harmless markup; links open in a new tab without a referrer."""

    def keep(tag: str, attribute: str, value: str):
        if tag == "img" and attribute == "src":
            inline = value.startswith(("data:image/", "cid:"))
            return value if inline or remote_images else None
        return value

    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "data", "cid"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # Images without a text alternative (most mail's) are decoration to a screen reader.
    return _NO_ALT.sub('<img alt=""', clean)


def has_remote_images(html: str) -> bool:
    return sanitise(html, remote_images=True) != sanitise(html)
