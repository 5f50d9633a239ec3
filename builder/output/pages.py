"""The job of every page of the site: its template, its URL, its key and how to make its
context, which is made only for a page that is rendered."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from builder.content import french
from builder.core import urls
from builder.core.model import Channel, Config, Post
from builder.output import chart
from builder.output.keys import Keyer
from builder.output.seo import Crumb, Meta, page_meta
from builder.output.share import share_links
from builder.output.templates import NavLink
from builder.site.index import Neighbours, PageOfPosts, SiteIndex, TagGroup, TopicGroup, paginate

Seen = Callable[..., list[str]]  # (*posts) -> what tells them apart in a key (`keys.seen_by`)


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render: its template and URL, what it comes from (to name in problems), a
    key (a digest of every value its context is made from, so that a page whose key did not
    change need not be rendered again), its last change, and how to make its context, which
    is made only for a page that is rendered."""

    template: str
    url: str
    origin: str
    key: str
    modified: datetime | None
    context: Callable[[], dict[str, Any]]


HOME_CRUMB = Crumb("Accueil", urls.HOME)


def page_jobs(index: SiteIndex, config: Config, searchable: bool, key: Keyer, seen: Seen) -> Iterator[PageJob]:
    """Give the job of every page, in a fixed order. Each key is made of the page's template
    and of every value its context is made from (a post's page by its post's digest, any
    other post by its view), but of the config and the builder, which decide whether any key
    can be trusted at all (the ledger's scope)."""
    newest_change = max((post.modified for post in index.posts), default=None)  # of pages that sum up all posts
    for post in index.posts:
        yield post_job(post, index.neighbours[post.url], config, key, seen)
    yield from _listing_jobs(key, seen, paginate(index.posts, config.posts_per_page, urls.HOME), "home.html", "home",
                             (), lambda page: {
        "title": config.title, "heading": "Derniers articles", "description": config.description, "crumbs": [],
    })
    yield from _tag_jobs(index, config, key, seen, newest_change)
    yield from _topic_jobs(index, config, key, seen, newest_change)
    yield from _archive_jobs(index, config, key, seen, newest_change)
    yield PageJob("search.html", urls.SEARCH, "search", key("search.html", str(searchable)), newest_change, lambda: {
        "title": "Rechercher", "description": f"Chercher parmi tous les articles de {config.title}.",
        "crumbs": [HOME_CRUMB, Crumb("Recherche")], "searchable": searchable,
    })
    yield PageJob("404.html", urls.NOT_FOUND, "404", key("404.html"), newest_change, lambda: {
        "title": "Page introuvable", "description": "Cette page n’existe pas ou plus.", "crumbs": [],
    })


def _tag_jobs(index: SiteIndex, config: Config, key: Keyer, seen: Seen,
              newest_change: datetime | None) -> Iterator[PageJob]:
    """Give the jobs of the page of all tags and of each tag's listing."""
    home = HOME_CRUMB
    yield PageJob("tags.html", urls.TAGS, "tags", key("tags.html", *_groups(index.tags, seen)), newest_change, lambda: {
        "tags": index.tags, "title": "Tous les mots-clés", "description": f"Les mots-clés de {config.title}.",
        "crumbs": [home, Crumb("Mots-clés")],
    })
    for group in index.tags:
        name, heading = group.tag.name, french.tag_heading(group.tag.name)
        channel = index.channels.get(group.url)  # its description is the tag's
        description = channel.description if channel else ""
        yield from _listing_jobs(key, seen, paginate(group.posts, config.posts_per_page, group.url), "listing.html",
                                 f"tag {name}", (name, description),
                                 lambda page, name=name, heading=heading, description=description: {
            "title": heading, "heading": heading, "description": description,
            "crumbs": [home, Crumb("Mots-clés", urls.TAGS), Crumb(name)],
        })


def _topic_jobs(index: SiteIndex, config: Config, key: Keyer, seen: Seen,
                newest_change: datetime | None) -> Iterator[PageJob]:
    """Give the jobs of the page of all topics and of each topic's listing."""
    home = HOME_CRUMB
    yield PageJob("topics.html", urls.TOPICS, "topics", key("topics.html", *_groups(index.topics, seen)), newest_change, lambda: {
        "topics": index.topics, "title": "Rubriques", "description": f"Les rubriques de {config.title}.",
        "crumbs": [home, Crumb("Rubriques")],
    })
    for group in index.topics:
        topic = group.topic
        yield from _listing_jobs(key, seen, paginate(group.posts, config.posts_per_page, group.url), "listing.html",
                                 f"topic {topic.slug}", (topic.slug,), lambda page, topic=topic: {
            "title": topic.title, "heading": topic.title, "description": topic.description,
            "crumbs": [home, Crumb("Rubriques", urls.TOPICS), Crumb(topic.title)],
        })


def _archive_jobs(index: SiteIndex, config: Config, key: Keyer, seen: Seen,
                  newest_change: datetime | None) -> Iterator[PageJob]:
    """Give the jobs of the archives' page and of each year's and month's listing."""
    home, per_page = HOME_CRUMB, config.posts_per_page
    months = [(month.year, month.month, month.posts) for year in index.years for month in year.months]
    yield PageJob("archives.html", urls.ARCHIVES, "archives",
                  key("archives.html", *(part for year, month, posts in months
                                              for part in (f"{year}-{month}", *seen(*posts)))),
                  newest_change, lambda: {
        "years": index.years, "chart": chart.posts_per_month([(y, m, len(posts)) for y, m, posts in months]),
        "title": "Archives", "description": f"Tous les articles de {config.title}, par mois.",
        "crumbs": [home, Crumb("Archives")],
    })
    archives = Crumb("Archives", urls.ARCHIVES)
    for year in index.years:
        yield from _listing_jobs(key, seen, paginate(year.posts, per_page, year.url), "listing.html",
                                 f"year {year.year}", (), lambda page, year=year: {
            "title": f"Archives {year.year}", "heading": f"Articles de {year.year}",
            "description": f"Les articles de {config.title} publiés en {year.year}.",
            "crumbs": [home, archives, Crumb(str(year.year))],
        })
        for month in year.months:
            name = french.month_name(month.year, month.month)
            yield from _listing_jobs(key, seen, paginate(month.posts, per_page, month.url), "listing.html",
                                     f"month {name}", (), lambda page, name=name, year=year: {
                "title": f"Archives {name}", "heading": f"Articles de {name}",
                "description": f"Les articles de {config.title} publiés en {name}.",
                "crumbs": [home, archives, Crumb(str(year.year), year.url), Crumb(name)],
            })


def post_job(post: Post, around: Neighbours, config: Config, key: Keyer, seen: Seen) -> PageJob:
    """Give the job of a post's page: keyed by the post's digest and by the views (`seen`) of
    the posts around it."""
    return PageJob("post.html", post.url, str(post.source),
                   key("post.html", post.url, post.digest, *seen(around.older, around.newer, *around.related)),
                   post.modified, lambda: {
        "post": post, "older": around.older, "newer": around.newer, "related": around.related,
        "title": post.title, "description": post.summary, "share": share_links(post, config),
        "crumbs": [HOME_CRUMB, Crumb(post.topic.title, urls.topic_url(post.topic.slug)), Crumb(post.title)],
    })


def _listing_jobs(key: Keyer, seen: Seen, pages: tuple[PageOfPosts, ...], template: str, origin: str,
                  basis: tuple[str, ...], context: Callable[[PageOfPosts], dict[str, Any]]) -> Iterator[PageJob]:
    """Give a job for each page of a paginated listing; `basis` holds the values, besides the
    page of posts, that its context is made from (the URL aside)."""
    for page in pages:
        values = (page.url, *basis, str(page.number), str(page.count), str(page.total),
                  page.latest.isoformat() if page.latest else "", *seen(*page.posts))
        changes = [post.modified for post in page.posts]  # the newest post shifts every page
        modified = max([*changes, page.latest] if page.latest else changes, default=None)
        yield PageJob(template, page.url, origin, key(template, *values), modified,
                      lambda page=page: _paged(page, context(page)))


def _paged(page: PageOfPosts, values: dict[str, Any]) -> dict[str, Any]:
    """Give the context of a page of a listing."""
    return {"pagination": page, **values, "crumbs": paged_crumbs(values["crumbs"], page)}


def _groups(groups: tuple[TagGroup, ...] | tuple[TopicGroup, ...], seen: Seen) -> Iterator[str]:
    """Give what tells a tag or topic group apart: its URL and name, and its posts."""
    for group in groups:
        name = group.tag.name if isinstance(group, TagGroup) else group.topic.title
        yield group.url
        yield name
        yield str(len(group.posts))
        yield from seen(*group.posts)


def paged_crumbs(crumbs: list[Crumb], page: PageOfPosts) -> list[Crumb]:
    """Give the trail of page `page` of a listing: past the first page, the listing's
    name leads back to its first page, and the page's number ends the trail."""
    if page.number == 1:
        return crumbs
    listing = crumbs[-1].title if crumbs else "Accueil"
    return [*crumbs[:-1], Crumb(listing, page.base), Crumb(f"Page {page.number}")]


def with_meta(url: str, context: dict[str, Any], channels: dict[str, Channel], config: Config) -> dict[str, Any]:
    """Give a page's context with its metadata and its topics' navigation."""
    return {**context, "meta": _meta(url, context, channels, config),
            "topics_nav": topics_nav(url, context.get("post"), config)}


def topics_nav(url: str, post: Post | None, config: Config) -> tuple[NavLink, ...]:
    """Give the site's topics as the page at `url` links to them, marking the link to that
    very page, and the link to the topic it is in: a post's own topic, or the topic whose
    URL begins its URL (its later pages). Made here, where Jinja made two tests a link, twelve
    links a page: a page takes 3 % fewer instructions."""
    section = urls.topic_url(post.topic.slug) if post is not None else url
    links = []
    for topic in config.topics:
        topic_url = urls.topic_url(topic.slug)
        current = "page" if url == topic_url else "true" if section.startswith(topic_url) else ""
        links.append(NavLink(topic.title, topic_url, current))
    return tuple(links)


def _meta(url: str, context: dict[str, Any], channels: dict[str, Channel], config: Config) -> Meta:
    """Give a page's metadata from what its template shows: its post, or its listing and
    that listing's feed beside the whole site's."""
    pagination: PageOfPosts | None = context.get("pagination")
    return page_meta(config, url, context["title"], context["description"], context["crumbs"],
                     post=context.get("post"), number=pagination.number if pagination else 1,
                     channels=_channels(context, channels))


def _channels(context: dict[str, Any], channels: dict[str, Channel]) -> tuple[Channel, ...]:
    """Give the feeds a page advertises: the whole site's, and its listing's own."""
    pagination: PageOfPosts | None = context.get("pagination")
    advertised = [channels.get(urls.HOME)]
    if pagination is not None and pagination.base != urls.HOME:
        advertised.append(channels.get(pagination.base))
    return tuple(channel for channel in advertised if channel is not None)
