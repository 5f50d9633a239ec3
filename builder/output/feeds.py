"""The feeds, built in memory: RSS 2.0 and Atom 1.0 for the whole site, each tag and each topic,
and JSON Feed 1.1 for the whole site. Full content with absolute URLs, permalinks as stable ids,
and dates from the posts, never from the clock, so that two builds give the same bytes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape
from html.parser import HTMLParser
from itertools import accumulate
from urllib.parse import urljoin, urlsplit

from builder.content.typography import typeset
from builder.core import urls
from builder.core.model import Channel, Config, Post
from builder.output.seo import rfc3339
from builder.site.index import SiteIndex

RSS_NAMESPACES = {
    "xmlns:atom": "http://www.w3.org/2005/Atom",
    "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
}
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "Buzz Médecin builder"
# A feed without posts still needs an Atom <updated>: a fixed moment keeps builds reproducible.
NO_POSTS_YET = datetime(1970, 1, 1, tzinfo=timezone.utc)
XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"  # as ElementTree writes it
# The attributes that hold a link or image target to make absolute.
_TARGETS = ("href", "src")
# What markdown-it refuses as a link (its `validateLink`): a feed refuses it too, whatever
# raw HTML a site allows. Browsers drop tabs and newlines anywhere in a URL, and controls and
# spaces around it, before they read its scheme.
_BAD_SCHEME = re.compile(r"(?:vbscript|javascript|file|data):", re.IGNORECASE)
_IMAGE_DATA = re.compile(r"data:image/(?:gif|png|jpeg|webp);", re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\t\n\r]")
_AROUND_URL = "".join(map(chr, range(0x21)))


@dataclass(frozen=True, slots=True)
class FeedJob:
    """One feed to make: where it goes, what it shows, and how to make it, so that a caller
    may skip a feed whose channel did not change."""

    url: str
    origin: str  # what the feed is, to name in collisions
    channel: Channel
    make: Callable[[], bytes]


def feed_jobs(index: SiteIndex, config: Config) -> Iterator[FeedJob]:
    """Give every feed to make, one at a time (a caller may write each and let it go): RSS
    and Atom for each channel, JSON Feed for the whole site."""
    for channel in index.channels.values():
        yield from channel_jobs(channel, config, with_json=False)
    site = index.channels.get(urls.HOME)
    if site is not None:
        yield FeedJob(urls.JSON_FEED, "JSON feed", site, partial(json_feed, site, config))


def channel_jobs(channel: Channel, config: Config, with_json: bool = True) -> Iterator[FeedJob]:
    """Give the feeds of one channel: RSS and Atom, and JSON Feed for the whole site's
    (unless `with_json` is false)."""
    yield FeedJob(urls.rss_url(channel.page), f"RSS feed of {channel.page}", channel,
                  partial(rss_feed, channel, config))
    yield FeedJob(urls.atom_url(channel.page), f"Atom feed of {channel.page}", channel,
                  partial(atom_feed, channel, config))
    if with_json and channel.page == urls.HOME:
        yield FeedJob(urls.JSON_FEED, "JSON feed", channel, partial(json_feed, channel, config))


def rss_feed(channel: Channel, config: Config) -> bytes:
    """Give a channel's RSS 2.0 feed (posts come newest first)."""
    url = urls.rss_url(channel.page)
    rss = ET.Element("rss", {"version": "2.0", **RSS_NAMESPACES})
    head = ET.SubElement(rss, "channel")
    _text(head, "title", channel.title)
    _text(head, "link", urls.absolute(config.base_url, channel.page))
    _text(head, "description", _html_text(channel.description))
    _text(head, "language", config.language)
    _text(head, "generator", GENERATOR)
    if channel.updated:  # the newest post, not the clock, so that builds are reproducible
        _text(head, "lastBuildDate", format_datetime(channel.updated))
    ET.SubElement(head, "atom:link", {"href": urls.absolute(config.base_url, url),
                                      "rel": "self", "type": "application/rss+xml"})
    for post in channel.posts:
        head.append(_rss_item(post, config))
    return _xml_bytes(rss)


def _rss_item(post: Post, config: Config) -> ET.Element:
    """Give one post as an RSS item."""
    link = urls.absolute(config.base_url, post.url)
    item = ET.Element("item")
    _text(item, "title", typeset(post.title))  # as the post's page shows it: in French typography
    _text(item, "link", link)
    ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = link
    _text(item, "pubDate", format_datetime(post.date))
    _text(item, "dc:creator", post.author)  # RSS's own <author> must be an e-mail address
    for term in categories(post):
        _text(item, "category", term)
    _text(item, "description", _html_text(post.summary))
    _text(item, "content:encoded", absolute_links(post.body_html, link))
    return item


def atom_feed(channel: Channel, config: Config) -> bytes:
    """Give a channel's Atom 1.0 feed: ids are permalinks, which stay as long as the URLs do."""
    url = urls.atom_url(channel.page)
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, "xml:lang": config.language})
    _text(feed, "id", urls.absolute(config.base_url, url))
    _text(feed, "title", channel.title)
    _text(feed, "subtitle", channel.description)
    _text(feed, "updated", rfc3339(channel.updated or NO_POSTS_YET))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml",
                                 "href": urls.absolute(config.base_url, url)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html",
                                 "href": urls.absolute(config.base_url, channel.page)})
    _text(feed, "generator", GENERATOR)
    for post in channel.posts:
        feed.append(_atom_entry(post, config))
    return _xml_bytes(feed)


def _atom_entry(post: Post, config: Config) -> ET.Element:
    """Give one post as an Atom entry."""
    link = urls.absolute(config.base_url, post.url)
    entry = ET.Element("entry")
    _text(entry, "id", link)
    _text(entry, "title", typeset(post.title))
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": link})
    _text(entry, "published", rfc3339(post.date))
    _text(entry, "updated", rfc3339(post.modified))
    _text(ET.SubElement(entry, "author"), "name", post.author)
    ET.SubElement(entry, "category", {"term": post.topic.title,
                                      "scheme": urls.absolute(config.base_url, urls.TOPICS)})
    for tag in post.tags:
        ET.SubElement(entry, "category", {"term": tag.name, "scheme": urls.absolute(config.base_url, urls.TAGS)})
    _text(entry, "summary", post.summary)
    ET.SubElement(entry, "content", {"type": "html"}).text = absolute_links(post.body_html, link)
    return entry


def json_feed(channel: Channel, config: Config) -> bytes:
    """Give a channel's JSON Feed 1.1, keys sorted so that its bytes never move."""
    feed = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "description": channel.description,
        "home_page_url": urls.absolute(config.base_url, channel.page),
        "feed_url": urls.absolute(config.base_url, urls.JSON_FEED),
        "language": config.language,
        "items": [_json_item(post, config) for post in channel.posts],
    }
    data = json.dumps(feed, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return data.encode("utf-8")


def _json_item(post: Post, config: Config) -> dict[str, object]:
    """Give one post as a JSON Feed item."""
    link = urls.absolute(config.base_url, post.url)
    return {
        "id": link,
        "url": link,
        "title": typeset(post.title),
        "summary": post.summary,
        "content_html": absolute_links(post.body_html, link),
        "date_published": rfc3339(post.date),
        "date_modified": rfc3339(post.modified),
        "authors": [{"name": post.author}],
        "tags": list(dict.fromkeys(categories(post))),
    }


def categories(post: Post) -> list[str]:
    """Give a post's categories for feeds: its topic's title, then its tags."""
    return [post.topic.title, *(tag.name for tag in post.tags)]


# A post is in the feeds of its tags and of its topic, in two formats: its body is made once.
# 2,048 bodies (30 MB at most at 7 KB a body) hold every distinct one of 2,000 posts' 427 feeds
# (1,554): parsing each once made them 0.80 s where 512 (3,067 parses) took 1.43 s.
@lru_cache(maxsize=2048)
def absolute_links(html: str, page_url: str) -> str:
    """Rewrite every relative `href` and `src` (`/x`, `image.png`, `#note`) as an absolute URL,
    resolved against the absolute URL of the page the HTML belongs to (feed readers show it
    elsewhere), and drop event handlers and script URLs. Tags are read by an HTML parser,
    never a regular expression, so that no attribute value can be taken for a tag's end; the
    tags it changes are written anew, everything else is kept byte for byte."""
    parser = _TagRewriter(page_url)
    parser.feed(html)
    parser.close()
    if not parser.changes:
        return html
    # The parser counts lines at "\n" alone (not at every line end `splitlines` knows).
    starts = [0, *accumulate(len(line) + 1 for line in html.split("\n"))]
    pieces, done = [], 0
    for (line, column), original, tag in parser.changes:
        at = starts[line - 1] + column
        pieces += [html[done:at], tag]
        done = at + len(original)
    pieces.append(html[done:])
    return "".join(pieces)


class _TagRewriter(HTMLParser):
    """An HTML tokenizer that notes each start tag a feed must change: where it is, its
    text as written, and the tag to write instead."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.changes: list[tuple[tuple[int, int], str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the tag if a feed must change it."""
        self._note(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the tag (written `<tag ... />`) if a feed must change it."""
        self._note(tag, attrs, closed=True)

    def _note(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        """Note the tag, written anew from its parsed attributes, when any of them changes."""
        values = [(name, _feed_value(name, value, self.page_url)) for name, value in attrs
                  if not name.startswith("on")]  # event handlers: no feed reader should run one
        kept = [(name, value) for name, value in values if value is not _DROPPED]
        if kept == attrs:
            return
        text = self.get_starttag_text() or ""
        written = "".join(f" {name}" if value is None else f' {name}="{_attribute(value)}"' for name, value in kept)
        self.changes.append((self.getpos(), text, f"<{tag}{written}{' /' if closed else ''}>"))


_DROPPED = object()  # an attribute value a feed leaves out, with its attribute


def _feed_value(name: str, value: str | None, page_url: str) -> str | None | object:
    """Give an attribute's value as a feed carries it: a link or image target made absolute,
    or `_DROPPED` when it is a script (or other refused) URL; any other value as it was."""
    if name not in _TARGETS or value is None:
        return value
    url = _IGNORED_IN_URL.sub("", value).strip(_AROUND_URL)
    if _BAD_SCHEME.match(url) and not _IMAGE_DATA.match(url):
        return _DROPPED
    if urlsplit(url).scheme:
        return value
    return urljoin(page_url, value)


def _attribute(value: str) -> str:
    """Give an attribute value escaped as markdown-it escapes its own (`&`, `<`, `>`, `"`)."""
    return escape(value, quote=False).replace('"', "&quot;")


def _html_text(text: str) -> str:
    """Give plain text as the HTML that shows it: RSS readers take a `<description>` for
    HTML, so `<img src=x>` typed in a summary reaches them escaped twice (`&amp;lt;img`)."""
    return escape(text, quote=False)


def _xml_bytes(root: ET.Element) -> bytes:
    """Serialize a feed, indented, with its XML declaration."""
    ET.indent(root)
    # Serialized as text, then encoded once: ElementTree's own encoding writes each of the
    # feed's thousands of pieces through a codec, which took half the time of the feeds.
    return (XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """Append an element holding `text` (escaped by the serializer)."""
    element = ET.SubElement(parent, tag)
    element.text = text
    return element
