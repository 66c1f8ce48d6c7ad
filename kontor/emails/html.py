"""E-mail HTML shown safely in Kontor's pages: nh3 keeps the formatting and removes scripts,
event handlers, forms and remote images (which would tell the sender when it was read)."""

import nh3

_TAGS = nh3.ALLOWED_TAGS | {"img"}
_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
}


def sanitise(html: str) -> str:
    """`html` with only harmless markup; links open without a referrer."""

    def keep(tag: str, attribute: str, value: str):
        if tag == "img" and attribute == "src":
            return value if value.startswith(("data:image/", "cid:")) else None
        return value

    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "data", "cid"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
