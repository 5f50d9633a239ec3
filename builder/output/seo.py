"""What a page's <head> tells browsers, search engines, feed readers and social networks: title,
description, canonical URL, OpenGraph and Twitter tags, JSON-LD and feed links. One function
builds them all from the same data, so that they never disagree; templates only print them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from builder.content.typography import typeset
from builder.core import urls
from builder.core.model import Channel, Config, Post

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"
TWITTER_CARD = "summary"  # the site has no picture to show in a large card
SCHEMA = "https://schema.org"
# Characters that could end a <script> element or start markup inside it, as JSON escapes.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step of a breadcrumb trail; the last one (the page itself) has no URL."""

    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Alternate:
    """A feed a page advertises with `<link rel="alternate">`."""

    kind: str  # its media type
    format: str  # what readers call it: RSS, Atom, JSON Feed
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Meta:
    """Everything a page's <head> says of it, ready to print."""

    title: str  # the document's <title>
    description: str
    canonical: str  # absolute
    properties: tuple[tuple[str, str], ...]  # <meta property=…>: OpenGraph and article:*
    names: tuple[tuple[str, str], ...]  # <meta name=…>: Twitter
    json_ld: str  # JSON, safe to print inside <script type="application/ld+json">; empty for none
    alternates: tuple[Alternate, ...]  # every feed the page advertises, the whole site's first
    own_feeds: tuple[Alternate, ...]  # those of the page's own listing (a tag's, a topic's)


def page_meta(config: Config, url: str, title: str, description: str, crumbs: list[Crumb] | tuple[Crumb, ...],
              post: Post | None = None, number: int = 1, channels: tuple[Channel, ...] = ()) -> Meta:
    """Give the metadata of the page at `url` titled `title` (its heading), page `number` of
    its listing; `post` for a post's page; `channels` are the feeds that belong to it: the
    whole site's, and its listing's own. A page's title is set in French typography, as its h1;
    the site's name stays as typed, as the pages' header shows it."""
    heading = title if title == config.title else typeset(title)
    shown = heading if number == 1 else f"{heading}, page {number}"
    canonical = urls.absolute(config.base_url, url)
    properties = [
        ("og:type", "article" if post else "website"),
        ("og:title", shown),
        ("og:description", description),
        ("og:url", canonical),
        ("og:site_name", config.title),
        ("og:locale", locale(config.language)),
    ]
    if post:
        properties += [
            ("article:published_time", rfc3339(post.date)),
            ("article:modified_time", rfc3339(post.modified)),
            ("article:section", post.topic.title),
            *(("article:tag", tag.name) for tag in post.tags),
        ]
    names = (("twitter:card", TWITTER_CARD), ("twitter:title", shown), ("twitter:description", description))
    graph = [*([blog_posting(post, config, canonical)] if post else []),
             *([breadcrumbs(crumbs, config, canonical)] if crumbs else [])]
    if url == urls.HOME:
        graph.append(website(config))
    return Meta(
        title=shown if title == config.title else f"{shown} · {config.title}",
        description=description,
        canonical=canonical,
        properties=tuple(properties),
        names=names,
        json_ld=script_json({"@context": SCHEMA, "@graph": graph}) if graph else "",
        alternates=tuple(alternate for channel in channels for alternate in feed_links(channel)),
        own_feeds=tuple(alternate for channel in channels if channel.page != urls.HOME
                        for alternate in feed_links(channel)),
    )


def feed_links(channel: Channel) -> tuple[Alternate, ...]:
    """Give the feeds of a channel: RSS and Atom, and JSON Feed for the whole site's."""
    formats = [(RSS_TYPE, "RSS", urls.rss_url(channel.page)), (ATOM_TYPE, "Atom", urls.atom_url(channel.page))]
    if channel.page == urls.HOME:
        formats.append((JSON_FEED_TYPE, "JSON Feed", urls.JSON_FEED))
    return tuple(Alternate(kind, name, f"{channel.title} ({name})", url) for kind, name, url in formats)


def blog_posting(post: Post, config: Config, canonical: str) -> dict[str, object]:
    """Give a post as a schema.org BlogPosting."""
    # The default author is the newsroom, not a person.
    kind = "Organization" if post.author == config.default_author else "Person"
    return {
        "@type": "BlogPosting",
        "@id": f"{canonical}#article",
        "headline": typeset(post.title),
        "description": post.summary,
        "datePublished": rfc3339(post.date),
        "dateModified": rfc3339(post.modified),
        "author": {"@type": kind, "name": post.author},
        "publisher": publisher(config),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "articleSection": post.topic.title,
        "keywords": [tag.name for tag in post.tags],
        "inLanguage": config.language,
        "wordCount": post.word_count,
    }


def breadcrumbs(crumbs: list[Crumb] | tuple[Crumb, ...], config: Config, canonical: str) -> dict[str, object]:
    """Give a breadcrumb trail as a schema.org BreadcrumbList; the last step is the page itself."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": typeset(crumb.title),
             "item": urls.absolute(config.base_url, crumb.url) if crumb.url else canonical}
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


def website(config: Config) -> dict[str, object]:
    """Give the site as a schema.org WebSite, for its home page."""
    return {"@type": "WebSite", "name": config.title, "description": config.description,
            "url": urls.absolute(config.base_url, urls.HOME), "inLanguage": config.language,
            "publisher": publisher(config)}


def publisher(config: Config) -> dict[str, object]:
    """Give the blog's publisher: the site itself, as an organization."""
    return {"@type": "Organization", "name": config.title, "url": urls.absolute(config.base_url, urls.HOME)}


def script_json(value: object) -> str:
    """Give `value` as JSON that cannot end its <script> element: `<`, `>` and `&` escaped."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for character, escape in _SCRIPT_SAFE:  # str.replace: many times quicker than str.translate
        text = text.replace(character, escape)
    return text


def locale(language: str) -> str:
    """Give the OpenGraph locale of a language code: "fr" -> "fr_FR", "fr-BE" -> "fr_BE"."""
    code, _, region = language.replace("-", "_").partition("_")
    return f"{code.lower()}_{(region or code).upper()}"


def rfc3339(moment: datetime) -> str:
    """Give an aware datetime as RFC 3339 with its offset, to the second."""
    return moment.isoformat(timespec="seconds")
