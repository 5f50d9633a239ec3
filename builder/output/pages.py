"""The job of every page of the site: its template and URL, the values its context is made of
(from which its key is made), and the plain function that makes that context of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from builder.content import french
from builder.core import urls
from builder.core.model import Channel, Config, Post
from builder.output import chart
from builder.output.keys import PageKeys
from builder.output.seo import Crumb, Meta, page_meta
from builder.output.share import share_links
from builder.output.templates import NavLink
from builder.site.index import Neighbours, PageOfPosts, SiteIndex, paginate

Context = Callable[[dict[str, Any], Config], dict[str, Any]]  # (inputs, config) -> a template's context


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render: its template and URL, what it comes from (to name in problems), its
    last change, the values its context is made from (`inputs`), the function that makes that
    context of them and of the config alone, and its key (`PageKeys.key`: of those inputs, so
    that a page whose key did not change need not be rendered again). The context is made only
    for a page that is rendered."""

    template: str
    url: str
    origin: str
    modified: datetime | None
    inputs: dict[str, Any]
    context: Context
    key: str


HOME_CRUMB = Crumb("Accueil", urls.HOME)


def _job(keys: PageKeys, template: str, url: str, origin: str, modified: datetime | None,
         context: Context, **inputs: Any) -> PageJob:
    """Give the job of a page, keyed by its inputs: the one place a page's key is made."""
    return PageJob(template, url, origin, modified, inputs, context, keys.key(template, url, inputs))


def page_jobs(index: SiteIndex, config: Config, searchable: bool, keys: PageKeys) -> Iterator[PageJob]:
    """Give the job of every page, in a fixed order. Each key is made of the page's template
    and of every value its context is made from, but of the config and the builder, which
    decide whether any key can be trusted at all (the ledger's scope)."""
    newest_change = max((post.modified for post in index.posts), default=None)  # of pages that sum up all posts
    for post in index.posts:
        yield post_job(post, index.neighbours[post.url], keys)
    yield from _listing_jobs(keys, paginate(index.posts, config.posts_per_page, urls.HOME), "home.html", "home",
                             title=config.title, heading="Derniers articles", description=config.description, crumbs=())
    yield from _tag_jobs(index, config, keys, newest_change)
    yield from _topic_jobs(index, config, keys, newest_change)
    yield from _archive_jobs(index, config, keys, newest_change)
    yield _job(keys, "search.html", urls.SEARCH, "search", newest_change, _plain_context,
               title="Rechercher", description=f"Chercher parmi tous les articles de {config.title}.",
               crumbs=(HOME_CRUMB, Crumb("Recherche")), searchable=searchable,
               bundles=search_bundles(index.posts) if searchable else ())
    yield _job(keys, "404.html", urls.NOT_FOUND, "404", newest_change, _plain_context,
               title="Page introuvable", description="Cette page n’existe pas ou plus.", crumbs=())


def search_bundles(posts: tuple[Post, ...]) -> tuple[str, ...]:
    """Give the URLs of the search index's bundles, one per quarter of posts, newest first: the
    search page merges them all (see `search.py`)."""
    return tuple(sorted({f"{urls.SEARCH_BUNDLE}{urls.search_bundle(post.url)}/" for post in posts}, reverse=True))


def _tag_jobs(index: SiteIndex, config: Config, keys: PageKeys, newest_change: datetime | None) -> Iterator[PageJob]:
    """Give the jobs of the page of all tags and of each tag's listing."""
    yield _job(keys, "tags.html", urls.TAGS, "tags", newest_change, _plain_context,
               tags=index.tags, title="Tous les mots-clés", description=f"Les mots-clés de {config.title}.",
               crumbs=(HOME_CRUMB, Crumb("Mots-clés")))
    for group in index.tags:
        name, heading = group.tag.name, french.tag_heading(group.tag.name)
        channel = index.channels.get(group.url)  # its description is the tag's
        yield from _listing_jobs(keys, paginate(group.posts, config.posts_per_page, group.url), "listing.html",
                                 f"tag {name}", title=heading, heading=heading,
                                 description=channel.description if channel else "",
                                 crumbs=(HOME_CRUMB, Crumb("Mots-clés", urls.TAGS), Crumb(name)))


def _topic_jobs(index: SiteIndex, config: Config, keys: PageKeys, newest_change: datetime | None) -> Iterator[PageJob]:
    """Give the jobs of the page of all topics and of each topic's listing."""
    yield _job(keys, "topics.html", urls.TOPICS, "topics", newest_change, _plain_context,
               topics=index.topics, title="Rubriques", description=f"Les rubriques de {config.title}.",
               crumbs=(HOME_CRUMB, Crumb("Rubriques")))
    for group in index.topics:
        topic = group.topic
        yield from _listing_jobs(keys, paginate(group.posts, config.posts_per_page, group.url), "listing.html",
                                 f"topic {topic.slug}", title=topic.title, heading=topic.title,
                                 description=topic.description,
                                 crumbs=(HOME_CRUMB, Crumb("Rubriques", urls.TOPICS), Crumb(topic.title)))


def _archive_jobs(index: SiteIndex, config: Config, keys: PageKeys,
                  newest_change: datetime | None) -> Iterator[PageJob]:
    """Give the jobs of the archives' page and of each year's and month's listing."""
    home, archives, per_page = HOME_CRUMB, Crumb("Archives", urls.ARCHIVES), config.posts_per_page
    yield _job(keys, "archives.html", urls.ARCHIVES, "archives", newest_change, _archives_context,
               years=index.years, title="Archives", description=f"Tous les articles de {config.title}, par mois.",
               crumbs=(home, Crumb("Archives")))
    for year in index.years:
        yield from _listing_jobs(keys, paginate(year.posts, per_page, year.url), "listing.html", f"year {year.year}",
                                 title=f"Archives {year.year}", heading=f"Articles de {year.year}",
                                 description=f"Les articles de {config.title} publiés en {year.year}.",
                                 crumbs=(home, archives, Crumb(str(year.year))))
        for month in year.months:
            name = french.month_name(month.year, month.month)
            yield from _listing_jobs(keys, paginate(month.posts, per_page, month.url), "listing.html",
                                     f"month {name}", title=f"Archives {name}", heading=f"Articles de {name}",
                                     description=f"Les articles de {config.title} publiés en {name}.",
                                     crumbs=(home, archives, Crumb(str(year.year), year.url), Crumb(name)))


def post_job(post: Post, around: Neighbours, keys: PageKeys) -> PageJob:
    """Give the job of a post's page: made of the post (keyed by its whole digest) and of the
    posts around it (by their views)."""
    return _job(keys, "post.html", post.url, str(post.source), post.modified, _post_context,
                post=post, older=around.older, newer=around.newer, related=around.related)


def _post_context(inputs: dict[str, Any], config: Config) -> dict[str, Any]:
    """Give the context of a post's page."""
    post: Post = inputs["post"]
    return {**inputs, "title": post.title, "description": post.summary, "share": share_links(post, config),
            "crumbs": [HOME_CRUMB, Crumb(post.topic.title, urls.topic_url(post.topic.slug)), Crumb(post.title)]}


def _listing_jobs(keys: PageKeys, pages: tuple[PageOfPosts, ...], template: str, origin: str,
                  **values: Any) -> Iterator[PageJob]:
    """Give a job for each page of a paginated listing, made of the page of posts and of
    `values`, the same for every page (its title, heading, description and crumbs)."""
    for page in pages:
        changes = [post.modified for post in page.posts]  # the newest post shifts every page
        modified = max([*changes, page.latest] if page.latest else changes, default=None)
        yield _job(keys, template, page.url, origin, modified, _listing_context, pagination=page, **values)


def _listing_context(inputs: dict[str, Any], config: Config) -> dict[str, Any]:
    """Give the context of a page of a listing."""
    return {**inputs, "crumbs": paged_crumbs(list(inputs["crumbs"]), inputs["pagination"])}


def _plain_context(inputs: dict[str, Any], config: Config) -> dict[str, Any]:
    """Give the context of a page that is its inputs as they are."""
    return {**inputs, "crumbs": list(inputs["crumbs"])}


def _archives_context(inputs: dict[str, Any], config: Config) -> dict[str, Any]:
    """Give the context of the archives' page, with its chart of posts per month."""
    months = [(month.year, month.month, len(month.posts)) for year in inputs["years"] for month in year.months]
    return {**_plain_context(inputs, config), "chart": chart.posts_per_month(months)}


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
