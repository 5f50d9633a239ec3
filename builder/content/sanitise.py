"""What is left of raw HTML where the site allows it: the tags, attributes and URL schemes of
an allow-list (Ammonia, through nh3), listed in docs/safety.md."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

# What a body keeps where the site allows raw HTML (docs/safety.md lists it): prose, lists,
# tables, figures, and the markup of our own rendering (heading ids, footnotes, highlighted
# code, scrolling blocks' tabindex, footnote links' aria-label). No script, style, frame,
# form, SVG or event handler.
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SAFE_TAGS = frozenset((
    *_HEADINGS, "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
))
SAFE_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "id", "aria-label"},
    "img": {"src", "alt", "width", "height"},
    "li": {"id"},
    **{heading: {"id"} for heading in _HEADINGS},
    "pre": {"tabindex", "data-lang"},
    "table": {"tabindex"},
    "td": {"style", "colspan", "rowspan"},  # `style`: only a column's alignment (`_STYLES`)
    "th": {"style", "colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "col": {"span"},
    "colgroup": {"span"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
    "details": {"open"},
}
_STYLES = {"text-align"}
_SCHEMES = {"http", "https", "mailto", "tel", "data"}  # `data:` for images only (`_keep_attribute`)
_URL_ATTRIBUTES = frozenset(("href", "src", "cite"))


def sanitised(html: str) -> str:
    """Give HTML with only the tags, attributes and URL schemes of the allow-list (Ammonia)."""
    return nh3.clean(html, tags=set(SAFE_TAGS), attributes={tag: set(names) for tag, names in SAFE_ATTRIBUTES.items()},
                     attribute_filter=_keep_attribute, link_rel=None, url_schemes=set(_SCHEMES),
                     filter_style_properties=set(_STYLES))


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Give an attribute's value, or None to drop it: a `data:` URL anywhere but an image's
    source (where no script runs)."""
    if name not in _URL_ATTRIBUTES or (tag, name) == ("img", "src"):
        return value
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:  # not a URL at all
        return None
    return None if scheme == "data" else value
