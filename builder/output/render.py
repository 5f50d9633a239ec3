"""Render pages in memory with Jinja: autoescaped, strict about undefined names, each
template given an explicit context."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from builder.content import french, typography
from builder.core import urls
from builder.core.errors import BuildFailed, Problem
from builder.core.model import CARD, Channel, Config, Page, Post, Stored, shown_by_card, view_digest
from builder.core.parallel import in_parallel, shared as shared_work
from builder.output import chart
from builder.output.reads import listed_post_names, template_reads
from builder.output.seo import Crumb, Meta, page_meta
from builder.output.share import share_links
from builder.writer.write import Target, holds, put
from builder.site.index import Neighbours, PageOfPosts, SiteIndex, TagGroup, TopicGroup, paginate


def make_environment(template_dirs: tuple[Path, ...], config: Config) -> jinja2.Environment:
    """Give a Jinja environment over the theme folders, site's first."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment lives for one build: no need to stat each template per page
    )
    env.filters.update(
        long_date=french.long_date,
        month_name=lambda month: french.month_name(month.year, month.month),
        plural=french.plural,
        reading_time=french.reading_time,
        typo=typography.typeset,
        asset=_asset,
        absolute=lambda url: urls.absolute(config.base_url, url),
        tag_url=urls.tag_url,
        topic_url=urls.topic_url,
    )
    env.globals.update(site=_site_context(config), urls=_SITE_URLS)
    return env


# What templates read on every page are attributes, not dictionary keys: Jinja tries an
# attribute first, and a dictionary's missing one raises an exception (60 a page: a tenth of
# its instructions went there).
@dataclass(frozen=True, slots=True)
class _SiteUrls:
    """The URLs of the site's own pages that every page may link to."""

    home: str = urls.HOME
    tags: str = urls.TAGS
    topics: str = urls.TOPICS
    archives: str = urls.ARCHIVES
    feed: str = urls.FEED
    search: str = urls.SEARCH
    search_bundle: str = urls.SEARCH_BUNDLE


_SITE_URLS = _SiteUrls()


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link of the site's navigation, and its `aria-current`, if any: "page" when it leads
    to the page shown, "true" when it leads to the section that page is in."""

    title: str
    url: str
    current: str = ""


@dataclass(frozen=True, slots=True)
class _SiteContext:
    """What every template may know of the site: not the whole config."""

    title: str
    description: str
    base_url: str
    language: str
    topics: tuple[NavLink, ...]  # each with no `current`: the page's own are its `topics_nav`


@dataclass(frozen=True, slots=True)
class Templates:
    """A theme's templates, ready to render: the Jinja environment (which keeps each template
    once compiled), each template's digest, and what they were made from."""

    env: jinja2.Environment
    digests: dict[str, str]
    sources: dict[str, str]  # by template name
    folders: tuple[Path, ...]
    config: Config
    listed: tuple[str, ...]  # what any page may show of a post other than its own (`reads`)


def load_templates(folders: tuple[Path, ...], config: Config, previous: Templates | None = None) -> Templates:
    """Give the templates of the theme `folders` (the site's first) for `config`; `previous`
    (a preview's, from its last build) is given back as it is, with the templates it compiled
    already, when it was made from the same folders, config and sources."""
    env = make_environment(folders, config)
    sources = {name: env.loader.get_source(env, name)[0] for name in env.list_templates()}
    if previous is not None and (previous.folders, previous.config, previous.sources) == (folders, config, sources):
        return previous
    trees = {name: _parsed(env, source) for name, source in sources.items()}
    closures = template_closures(trees)
    listed = listed_post_names({name: template_reads(tree) for name, tree in trees.items()}, closures)
    return Templates(env, template_digests(sources, closures), sources, folders, config, listed)


def _parsed(env: jinja2.Environment, source: str) -> jinja2.nodes.Template | None:
    """Give a template's syntax tree, or None when it does not parse (rendering reports it)."""
    try:
        return env.parse(source)
    except jinja2.TemplateSyntaxError:
        return None


@jinja2.pass_context
def _asset(context: jinja2.runtime.Context, url: str) -> str:
    """Give the published (fingerprinted) URL of a theme stylesheet or script named by its
    plain URL; the page's context holds the names, so that a memo sees them change."""
    published = context["assets"]
    if url not in published:
        known = ", ".join(published) or "none"
        raise jinja2.TemplateRuntimeError(f"no stylesheet or script {url!r} in static/ (there are: {known})")
    return published[url]


def _site_context(config: Config) -> _SiteContext:
    """Give what every template may know of the site."""
    return _SiteContext(config.title, config.description, config.base_url, config.language,
                        tuple(NavLink(topic.title, urls.topic_url(topic.slug)) for topic in config.topics))


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


def render_site(templates: Templates, index: SiteIndex, config: Config, shared: dict[str, Any],
                searchable: bool = False, jobs: int = 1,
                progress: Callable[[int, int], None] | None = None,
                target: Target | None = None) -> tuple[list[Page], Rendered]:
    """Render every HTML page of the site on `jobs` processes; give the pages, and the URLs of
    those rendered anew by why. `shared` is what every page's context holds (`shared_values`);
    `searchable` says whether a search index will be built. Given a `target`, each page is put
    there at once (and given back without its bytes), and a page the target's output holds,
    made from the same inputs, is not rendered at all. Raise `BuildFailed` naming each broken
    template."""
    views = post_views(index.posts, templates.listed)
    work = list(_page_jobs(index, config, searchable, _keyer(fingerprint(shared), templates.digests), views))
    return _render_all(templates.env, work, shared, jobs, progress, target, index.channels, config)


def shared_values(posts: tuple[Post, ...], now: datetime, assets: Mapping[str, str]) -> dict[str, Any]:
    """Give what every page's context holds besides its own values (part of every key): the
    posts published ahead of `now`, and the published URL of each stylesheet and script."""
    return {"scheduled": tuple(sorted(post.url for post in posts if post.date > now)), "assets": dict(assets)}


def render_post_pages(env: jinja2.Environment, digests: dict[str, str], listed: tuple[str, ...],
                      posts: list[tuple[Post, Neighbours]], channels: dict[str, Channel], config: Config,
                      shared: dict[str, Any], target: Target) -> tuple[list[Page], Rendered]:
    """Render the pages of these posts alone, each with the posts around it, as `render_site`
    would (`digests`, `listed`: the templates'; `channels`: the feeds pages link to, by
    listing URL), into the target."""
    key = _keyer(fingerprint(shared), digests)
    views = post_views(tuple({other.url: other for post, around in posts
                              for other in (post, around.older, around.newer, *around.related) if other}.values()),
                       listed)
    work = [post_job(post, around, config, key, _seen_by(views)) for post, around in posts]
    return _render_all(env, work, shared, 1, None, target, channels, config)


_CHUNK = 64  # pages a worker renders per task: few round trips, an even spread
# The URLs of the pages rendered anew, by why: a new page, inputs changed, the output replaced whole…
Rendered = dict[str, list[str]]
NEW_PAGE, NEW_INPUTS, CHANGED_FILE, WHOLE = ("new", "whose inputs changed", "whose file was changed in the output",
                                             "made for an output replaced whole")


def _render_all(env: jinja2.Environment, work: list[PageJob], shared: dict[str, Any], jobs: int,
                progress: Callable[[int, int], None] | None, target: Target | None,
                channels: dict[str, Channel], config: Config) -> tuple[list[Page], Rendered]:
    """Render the jobs whose page the target does not hold already, on `jobs` processes that
    share the jobs and the environment, putting each page in the target when given; give every
    page, and the URLs of those rendered by why. Raise `BuildFailed` with the first problem
    of each broken template."""
    results: dict[int, bytes | Stored | Problem] = {}
    if target is not None:
        for position, job in enumerate(work):
            stored = holds(target, urls.output_path(job.url), job.key)
            if stored is not None:
                results[position] = stored
    todo = [position for position in range(len(work)) if position not in results]
    spans = [(start, min(start + _CHUNK, len(todo))) for start in range(0, len(todo), _CHUNK)]
    pages_done = (lambda done, total: progress(min(done * _CHUNK, len(todo)), len(todo))) if progress else None
    chunks = in_parallel(_render_span, spans, jobs, share=(env, work, shared, todo, target, channels, config),
                         progress=pages_done)
    results.update(zip(todo, (item for chunk in chunks for item in chunk)))
    problems = {}
    for position in todo:
        if isinstance(results[position], Problem):
            problems.setdefault(work[position].template, results[position])
    if problems:
        raise BuildFailed(list(problems.values()), "render")
    pages = []
    for position, job in enumerate(work):
        result = results[position]
        data, stored = (result, None) if isinstance(result, bytes) else (b"", result)
        pages.append(Page(job.url, urls.output_path(job.url), data, job.origin, job.modified, stored))
    why: Rendered = {}
    for position in todo:
        why.setdefault(_why(work[position], target), []).append(work[position].url)
    return pages, why


def _why(job: PageJob, target: Target | None) -> str:
    """Say why a page was rendered rather than taken as the target's output holds it."""
    if target is None or target.replaces_whole:
        return WHOLE
    path = urls.output_path(job.url)
    held = target.previous.get(path)
    if held is None:  # not in the ledger, or a quick build's target, which knows only some files
        return NEW_INPUTS if os.path.isfile(f"{target.output}/{path}") else NEW_PAGE
    return NEW_INPUTS if held.key != job.key else CHANGED_FILE


def _render_span(start: int, stop: int) -> list[bytes | Stored | Problem]:
    """Render the jobs `todo[start:stop]` of the shared work (in a worker, or in this process);
    give each page's bytes, or what is known of its file once put in the shared target."""
    env, work, shared, todo, target, channels, config = shared_work()
    results: list[bytes | Stored | Problem] = []
    for position in todo[start:stop]:
        job = work[position]
        try:
            # The context and its metadata are made here, page by page, not held for every page.
            context = _with_meta(job.url, {**job.context(), **shared}, channels, config)
            html = env.get_template(job.template).render(context, page_url=job.url).encode("utf-8")
        except jinja2.TemplateError as error:
            results.append(template_problem(error, env, job.template))
            continue
        page = Page(job.url, urls.output_path(job.url), html, job.origin)
        results.append(html if target is None else put(target, page, job.key).stored)
    return results


def _with_meta(url: str, context: dict[str, Any], channels: dict[str, Channel], config: Config) -> dict[str, Any]:
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


def fingerprint(value: Any) -> str:
    """Give a digest of everything a page is rendered from; a post counts by its digest."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest: "hashlib._Hash", value: Any) -> None:
    """Feed a value's stable description to `digest`, recursively."""
    if isinstance(value, Post):
        digest.update(b"P" + value.digest.encode())
    elif isinstance(value, dict):
        digest.update(b"{")
        for key in sorted(value):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, (list, tuple, frozenset, set)):
        digest.update(b"[")
        for item in sorted(value) if isinstance(value, (set, frozenset)) else value:
            _feed(digest, item)
        digest.update(b"]")
    elif dataclasses.is_dataclass(value):
        digest.update(type(value).__name__.encode())
        _feed(digest, [getattr(value, f.name) for f in dataclasses.fields(value)])
    else:
        digest.update(f"{type(value).__name__}:{value!r};".encode())


def template_problem(error: jinja2.TemplateError, env: jinja2.Environment, template: str) -> Problem:
    """Locate a template error: the syntax error's own position, or the deepest template
    frame of the traceback for errors raised while rendering (undefined names)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        path = Path(error.filename or template)
        return Problem(path, error.lineno or 1, 1, f"template syntax: {error.message}")
    path, line = Path(template), 1
    tb = sys.exc_info()[2]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")) and Path(filename).exists():
            path, line = Path(filename), tb.tb_lineno
        tb = tb.tb_next
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(path, line, 1, f"template not found: {error.name}")
    return Problem(path, line, 1, f"template: {error.message or error}")


Keyer = Callable[..., str]  # (template, *values) -> the key of a page rendered by that template


def _keyer(shared_key: str, templates: dict[str, str]) -> Keyer:
    """Give the function that makes page keys: of the template (by its digest and those of
    the templates it uses), of what every context holds (`shared_key`), and of the page's
    own values."""
    def key(template: str, *values: str) -> str:
        return _key(shared_key, templates.get(template, ""), template, *values)
    return key


def template_closures(trees: dict[str, jinja2.nodes.Template | None]) -> dict[str, frozenset[str]]:
    """Give, for each template by name, the templates it uses, however deep, itself included:
    those it extends, includes or imports. A template that names another through a variable
    may use them all; one that does not parse, only itself (rendering reports its error)."""
    uses = {name: list(meta.find_referenced_templates(tree)) if tree is not None else []
            for name, tree in trees.items()}
    closures = {}
    for name in trees:
        closure, waiting = set(), [name]
        while waiting:
            current = waiting.pop()
            if current not in closure:
                closure.add(current)
                waiting += [used for used in uses.get(current, []) if used is not None]
        dynamic = any(None in uses.get(used, []) for used in closure)
        closures[name] = frozenset(trees) if dynamic else frozenset(closure)
    return closures


def template_digests(sources: dict[str, str], closures: dict[str, frozenset[str]]) -> dict[str, str]:
    """Give each template's digest, of its source and of those of the templates it uses, so
    that a change to a template re-renders only the pages that use it."""
    return {name: fingerprint(sorted((used, sources.get(used, "")) for used in closures[name])) for name in sources}


def post_views(posts: tuple[Post, ...], listed: tuple[str, ...]) -> dict[str, str]:
    """Give, by URL, a digest of what pages other than a post's own may show of it: its card,
    made when it was loaded, unless their templates read more of it (`listed`). A post's own
    page is keyed by its whole digest instead."""
    if shown_by_card(listed):
        return {post.url: post.card for post in posts}
    names = sorted({*listed, *CARD})
    return {post.url: view_digest(post, names) for post in posts}


def _seen_by(views: dict[str, str]) -> Callable[..., list[str]]:
    """Give what tells posts apart in the key of a page that lists them: their views (`post_views`),
    an empty string for none."""
    def seen(*posts: Post | None) -> list[str]:
        return [views[post.url] if post is not None else "" for post in posts]
    return seen


HOME_CRUMB = Crumb("Accueil", urls.HOME)


def _page_jobs(index: SiteIndex, config: Config, searchable: bool, key: Keyer,
               views: dict[str, str]) -> Iterator[PageJob]:
    """Give the job of every page, in a fixed order. Each key is made of the page's template
    and of every value its context is made from (a post's page by its post's digest, any
    other post by its view), but of the config and the builder, which decide whether any key
    can be trusted at all (the ledger's scope)."""
    per_page = config.posts_per_page
    seen = _seen_by(views)

    def listing(*args) -> Iterator[PageJob]:
        return _listing_jobs(key, seen, *args)

    home = HOME_CRUMB
    newest_change = max((post.modified for post in index.posts), default=None)  # of pages that sum up all posts
    for post in index.posts:
        yield post_job(post, index.neighbours[post.url], config, key, seen)
    yield from listing(paginate(index.posts, per_page, urls.HOME), "home.html", "home", (), lambda page: {
        "title": config.title, "heading": "Derniers articles", "description": config.description, "crumbs": [],
    })
    yield PageJob("tags.html", urls.TAGS, "tags", key("tags.html", *_groups(index.tags, seen)), newest_change, lambda: {
        "tags": index.tags, "title": "Tous les mots-clés", "description": f"Les mots-clés de {config.title}.",
        "crumbs": [home, Crumb("Mots-clés")],
    })
    for group in index.tags:
        name, heading = group.tag.name, french.tag_heading(group.tag.name)
        channel = index.channels.get(group.url)  # its description is the tag's
        description = channel.description if channel else ""
        yield from listing(paginate(group.posts, per_page, group.url), "listing.html", f"tag {name}", (name, description),
                            lambda page, name=name, heading=heading, description=description: {
            "title": heading, "heading": heading, "description": description,
            "crumbs": [home, Crumb("Mots-clés", urls.TAGS), Crumb(name)],
        })
    yield PageJob("topics.html", urls.TOPICS, "topics", key("topics.html", *_groups(index.topics, seen)), newest_change, lambda: {
        "topics": index.topics, "title": "Rubriques", "description": f"Les rubriques de {config.title}.",
        "crumbs": [home, Crumb("Rubriques")],
    })
    for group in index.topics:
        topic = group.topic
        yield from listing(paginate(group.posts, per_page, group.url), "listing.html", f"topic {topic.slug}",
                            (topic.slug,), lambda page, topic=topic: {
            "title": topic.title, "heading": topic.title, "description": topic.description,
            "crumbs": [home, Crumb("Rubriques", urls.TOPICS), Crumb(topic.title)],
        })
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
        yield from listing(paginate(year.posts, per_page, year.url), "listing.html", f"year {year.year}", (),
                            lambda page, year=year: {
            "title": f"Archives {year.year}", "heading": f"Articles de {year.year}",
            "description": f"Les articles de {config.title} publiés en {year.year}.",
            "crumbs": [home, archives, Crumb(str(year.year))],
        })
        for month in year.months:
            name = french.month_name(month.year, month.month)
            yield from listing(paginate(month.posts, per_page, month.url), "listing.html", f"month {name}", (),
                                lambda page, name=name, year=year: {
                "title": f"Archives {name}", "heading": f"Articles de {name}",
                "description": f"Les articles de {config.title} publiés en {name}.",
                "crumbs": [home, archives, Crumb(str(year.year), year.url), Crumb(name)],
            })
    # The search page merges one Pagefind bundle per quarter of posts, newest first (see search.py).
    bundles = sorted({f"{urls.SEARCH_BUNDLE}{urls.search_bundle(post.url)}/" for post in index.posts} if searchable
                     else (), reverse=True)
    yield PageJob("search.html", urls.SEARCH, "search", key("search.html", str(searchable), *bundles), newest_change,
                  lambda: {
        "title": "Rechercher", "description": f"Chercher parmi tous les articles de {config.title}.",
        "crumbs": [home, Crumb("Recherche")], "searchable": searchable, "bundles": bundles,
    })
    yield PageJob("404.html", urls.NOT_FOUND, "404", key("404.html"), newest_change, lambda: {
        "title": "Page introuvable", "description": "Cette page n’existe pas ou plus.", "crumbs": [],
    })


def post_job(post: Post, around: Neighbours, config: Config, key: Keyer,
             seen: Callable[..., list[str]]) -> PageJob:
    """Give the job of a post's page: keyed by the post's digest and by the views (`seen`) of
    the posts around it."""
    return PageJob("post.html", post.url, str(post.source),
                   key("post.html", post.url, post.digest, *seen(around.older, around.newer, *around.related)),
                   post.modified, lambda: {
        "post": post, "older": around.older, "newer": around.newer, "related": around.related,
        "title": post.title, "description": post.summary, "share": share_links(post, config),
        "crumbs": [HOME_CRUMB, Crumb(post.topic.title, urls.topic_url(post.topic.slug)), Crumb(post.title)],
    })


def _listing_jobs(key: Keyer, seen: Callable[..., list[str]], pages: tuple[PageOfPosts, ...], template: str, origin: str,
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


def _key(*parts: str) -> str:
    """Give a digest of strings (by their tuple's repr, which no other tuple has)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _groups(groups: tuple[TagGroup, ...] | tuple[TopicGroup, ...], seen: Callable[..., list[str]]) -> Iterator[str]:
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

