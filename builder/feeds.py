"""The RSS 2.0 feed, built as XML in memory: full content, absolute URLs, stable guids."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from email.utils import format_datetime

from builder import urls
from builder.model import Config, Page, Post

NAMESPACES = {
    "xmlns:atom": "http://www.w3.org/2005/Atom",
    "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
}
GENERATOR = "Buzz Médecin builder"
# Root-relative links and sources in post bodies; feed readers have no page to resolve them against.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src))="(/(?!/)[^"]*)"')


def rss_feed(posts: tuple[Post, ...], config: Config) -> Page:
    """Give `/feed.xml` with the newest `feed_length` posts (posts come newest first)."""
    items = posts[: config.feed_length]
    site = urls.absolute(config.base_url, urls.HOME)
    rss = ET.Element("rss", {"version": "2.0", **NAMESPACES})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", config.title)
    _text(channel, "link", site)
    _text(channel, "description", config.description)
    _text(channel, "language", config.language)
    _text(channel, "generator", GENERATOR)
    if items:  # the newest post, not the clock, so that builds are reproducible
        _text(channel, "lastBuildDate", format_datetime(max(p.updated or p.date for p in items)))
    ET.SubElement(channel, "atom:link", {"href": urls.absolute(config.base_url, urls.FEED),
                                         "rel": "self", "type": "application/rss+xml"})
    for post in items:
        channel.append(_item(post, config))
    ET.indent(rss)
    data = ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"
    return Page(urls.FEED, urls.output_path(urls.FEED), data, "feed")


def _item(post: Post, config: Config) -> ET.Element:
    """Give one post as an RSS item."""
    link = urls.absolute(config.base_url, post.url)
    item = ET.Element("item")
    _text(item, "title", post.title)
    _text(item, "link", link)
    ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = link
    _text(item, "pubDate", format_datetime(post.date))
    _text(item, "dc:creator", post.author)  # RSS's own <author> must be an e-mail address
    _text(item, "category", post.topic.title)
    for tag in post.tags:
        _text(item, "category", tag.name)
    _text(item, "description", post.summary)
    _text(item, "content:encoded", absolute_links(post.body_html, config.base_url))
    return item


def absolute_links(html: str, base_url: str) -> str:
    """Rewrite root-relative `href` and `src` attributes as absolute URLs."""
    return _ROOT_RELATIVE.sub(lambda m: f'{m.group(1)}="{base_url}{m.group(2)}"', html)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """Append an element holding `text` (escaped by the serializer)."""
    element = ET.SubElement(parent, tag)
    element.text = text
    return element
