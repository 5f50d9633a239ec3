"""Render pages in memory with Jinja: autoescaped, strict about undefined names, each
template given an explicit context."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from builder import chart, french, typography, urls
from builder.errors import BuildFailed, Problem
from builder.parallel import in_parallel, shared
from builder.write import write_page
from builder.index import PageOfPosts, SiteIndex, paginate
from builder.model import Config, Page, Post
from builder.seo import Crumb, Meta, page_meta
from builder.share import share_links


def make_environment(template_dirs: tuple[Path, ...], config: Config) -> jinja2.Environment:
    """Give a Jinja environment over the theme folders, site's first."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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
    env.globals.update(
        site=_site_context(config),
        urls={"home": urls.HOME, "tags": urls.TAGS, "topics": urls.TOPICS,
              "archives": urls.ARCHIVES, "feed": urls.FEED, "search": urls.SEARCH,
              "search_bundle": urls.SEARCH_BUNDLE},
    )
    return env


@jinja2.pass_context
def _asset(context: jinja2.runtime.Context, url: str) -> str:
    """Give the published (fingerprinted) URL of a theme stylesheet or script named by its
    plain URL; the page's context holds the names, so that a memo sees them change."""
    published = context["assets"]
    if url not in published:
        known = ", ".join(published) or "none"
        raise jinja2.TemplateRuntimeError(f"no stylesheet or script {url!r} in static/ (there are: {known})")
    return published[url]


def _site_context(config: Config) -> dict[str, Any]:
    """Give what every template may know of the site: not the whole config."""
    return {
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "language": config.language,
        "topics": [{"title": t.title, "url": urls.topic_url(t.slug)} for t in config.topics],
    }


# Rendered pages kept by a long-lived process: URL -> (fingerprint of the inputs, page).
RenderMemo = dict[str, tuple[str, Page]]


def render_site(env: jinja2.Environment, index: SiteIndex, config: Config, now: datetime,
                assets: Mapping[str, str], memo: RenderMemo | None = None,
                searchable: bool = False, jobs: int = 1,
                progress: Callable[[int, int], None] | None = None,
                into: Path | None = None) -> tuple[list[Page], int]:
    """Render every HTML page of the site; give the pages and how many were rendered anew
    (the others come from `memo`, their inputs unchanged). `assets` gives the published URL
    of each stylesheet and script; `searchable` says whether a search index will be built.
    Without a memo the pages are rendered on `jobs` processes and, given a staging folder
    `into`, written there at once (given back `written`, without their bytes). Raise
    `BuildFailed` naming each broken template. Templates must not change while a memo is kept."""
    scheduled = frozenset(post.url for post in index.posts if post.date > now)
    work = []
    for template, url, origin, context in _page_jobs(index, config, searchable):
        context = {**context, "scheduled": scheduled, "assets": assets}
        work.append((template, url, origin, context, last_change(context, index)))
    if memo is None:
        return _render_all(env, work, jobs, progress, into, index, config), len(work)
    renderer = _Renderer(env, memo)
    for template, url, origin, context, modified in work:
        renderer.render(template, url, origin, _with_meta(url, context, index, config), modified)
    if renderer.problems:
        raise BuildFailed(renderer.problems, "render")
    return renderer.pages, renderer.rendered


Job = tuple[str, str, str, dict[str, Any], datetime | None]  # template, URL, origin, context, last change
_CHUNK = 64  # pages a worker renders per task: few round trips, an even spread


def _render_all(env: jinja2.Environment, work: list[Job], jobs: int, progress: Callable[[int, int], None] | None,
                into: Path | None, index: SiteIndex, config: Config) -> list[Page]:
    """Render every job, on `jobs` processes that share the jobs and the environment, writing
    each page into `into` when given; raise `BuildFailed` with the first problem of each
    broken template."""
    spans = [(start, min(start + _CHUNK, len(work))) for start in range(0, len(work), _CHUNK)]
    pages_done = (lambda done, total: progress(min(done * _CHUNK, len(work)), len(work))) if progress else None
    chunks = in_parallel(_render_span, spans, jobs, share=(env, work, into, index, config), progress=pages_done)
    results = [item for chunk in chunks for item in chunk]
    problems = {}
    for (template, *_), result in zip(work, results):
        if isinstance(result, Problem):
            problems.setdefault(template, result)
    if problems:
        raise BuildFailed(list(problems.values()), "render")
    return [Page(url, urls.output_path(url), html or b"", origin, modified, written=html is None)
            for (_, url, origin, _, modified), html in zip(work, results)]


def _render_span(start: int, stop: int) -> list[bytes | Problem | None]:
    """Render the jobs `start` to `stop` of the shared work (in a worker, or in this process);
    give each page's bytes, or None once written into the shared staging folder."""
    env, work, into, index, config = shared()
    results: list[bytes | Problem | None] = []
    for template, url, origin, context, _ in work[start:stop]:
        try:
            # The metadata is made here, page by page, not held for every page at once.
            html = env.get_template(template).render(_with_meta(url, context, index, config), page_url=url).encode("utf-8")
        except jinja2.TemplateError as error:
            results.append(template_problem(error, env, template))
            continue
        if into is None:
            results.append(html)
        else:
            write_page(into, Page(url, urls.output_path(url), html, origin))
            results.append(None)
    return results


class _Renderer:
    """Render pages one by one, keeping the first problem of each template."""

    def __init__(self, env: jinja2.Environment, memo: RenderMemo | None) -> None:
        self.env = env
        self.memo = memo
        self.pages: list[Page] = []
        self.problems: list[Problem] = []
        self.rendered = 0
        self._failed: set[str] = set()

    def render(self, template: str, url: str, origin: str, context: dict[str, Any],
               modified: datetime | None = None) -> None:
        """Render `template` for `url` and keep the page, or the problem; a page whose
        inputs are those of its memo entry is reused as it is."""
        if template in self._failed:
            return
        key = fingerprint((template, url, context, modified)) if self.memo is not None else ""
        kept = self.memo.get(url) if self.memo is not None else None
        if kept and kept[0] == key:
            self.pages.append(kept[1])
            return
        try:
            html = self.env.get_template(template).render(context, page_url=url)
        except jinja2.TemplateError as error:
            self._failed.add(template)
            self.problems.append(template_problem(error, self.env, template))
            return
        page = Page(url, urls.output_path(url), html.encode("utf-8"), origin, modified)
        if self.memo is not None:
            self.memo[url] = (key, page)
        self.pages.append(page)
        self.rendered += 1


def _with_meta(url: str, context: dict[str, Any], index: SiteIndex, config: Config) -> dict[str, Any]:
    """Give a page's context with its metadata."""
    return {**context, "meta": _meta(url, context, index, config)}


def _meta(url: str, context: dict[str, Any], index: SiteIndex, config: Config) -> Meta:
    """Give a page's metadata from what its template shows: its post, or its listing and
    that listing's feed beside the whole site's."""
    pagination: PageOfPosts | None = context.get("pagination")
    channels = [index.channels.get(urls.HOME)]
    if pagination is not None and pagination.base != urls.HOME:
        channels.append(index.channels.get(pagination.base))
    return page_meta(config, url, context["title"], context["description"], context["crumbs"],
                     post=context.get("post"), number=pagination.number if pagination else 1,
                     channels=tuple(channel for channel in channels if channel is not None))


def last_change(context: dict[str, Any], index: SiteIndex) -> datetime | None:
    """Give the last change of what a page shows: its post; for a page of a listing, the
    listing's newest post (it shifts every page) or a later update of a post on the page; for
    other pages, which sum up every post, the site's newest change."""
    if "post" in context:
        return context["post"].modified
    pagination: PageOfPosts | None = context.get("pagination")
    if pagination is None:
        return max((post.modified for post in index.posts), default=None)
    changes = [post.modified for post in pagination.posts]
    return max([*changes, pagination.latest] if pagination.latest else changes, default=None)


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


def _page_jobs(index: SiteIndex, config: Config, searchable: bool) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Give (template, url, origin, context) for every page, in a fixed order."""
    per_page = config.posts_per_page
    home = Crumb("Accueil", urls.HOME)
    for post in index.posts:
        around = index.neighbours[post.url]
        yield "post.html", post.url, str(post.source), {
            "post": post, "older": around.older, "newer": around.newer, "related": around.related,
            "title": post.title, "description": post.summary, "share": share_links(post, config),
            "crumbs": [home, Crumb(post.topic.title, urls.topic_url(post.topic.slug)), Crumb(post.title)],
        }
    yield from _listing(paginate(index.posts, per_page, urls.HOME), "home.html", "home", lambda page: {
        "title": config.title, "heading": "Derniers articles", "description": config.description, "crumbs": [],
    })
    yield "tags.html", urls.TAGS, "tags", {
        "tags": index.tags, "title": "Tous les mots-clés", "description": f"Les mots-clés de {config.title}.",
        "crumbs": [home, Crumb("Mots-clés")],
    }
    for group in index.tags:
        name, heading = group.tag.name, french.tag_heading(group.tag.name)
        channel = index.channels.get(group.url)  # its description is the tag's
        description = channel.description if channel else ""
        yield from _listing(paginate(group.posts, per_page, group.url), "listing.html", f"tag {name}", lambda page, name=name, heading=heading, description=description: {
            "title": heading, "heading": heading, "description": description,
            "crumbs": [home, Crumb("Mots-clés", urls.TAGS), Crumb(name)],
        })
    yield "topics.html", urls.TOPICS, "topics", {
        "topics": index.topics, "title": "Rubriques", "description": f"Les rubriques de {config.title}.",
        "crumbs": [home, Crumb("Rubriques")],
    }
    for group in index.topics:
        topic = group.topic
        yield from _listing(paginate(group.posts, per_page, group.url), "listing.html", f"topic {topic.slug}", lambda page, topic=topic: {
            "title": topic.title, "heading": topic.title, "description": topic.description,
            "crumbs": [home, Crumb("Rubriques", urls.TOPICS), Crumb(topic.title)],
        })
    counts = [(month.year, month.month, len(month.posts)) for year in index.years for month in year.months]
    yield "archives.html", urls.ARCHIVES, "archives", {
        "years": index.years, "chart": chart.posts_per_month(counts), "title": "Archives", "description": f"Tous les articles de {config.title}, par mois.",
        "crumbs": [home, Crumb("Archives")],
    }
    archives = Crumb("Archives", urls.ARCHIVES)
    for year in index.years:
        yield from _listing(paginate(year.posts, per_page, year.url), "listing.html", f"year {year.year}", lambda page, year=year: {
            "title": f"Archives {year.year}", "heading": f"Articles de {year.year}",
            "description": f"Les articles de {config.title} publiés en {year.year}.",
            "crumbs": [home, archives, Crumb(str(year.year))],
        })
        for month in year.months:
            name = french.month_name(month.year, month.month)
            yield from _listing(paginate(month.posts, per_page, month.url), "listing.html", f"month {name}", lambda page, name=name, year=year: {
                "title": f"Archives {name}", "heading": f"Articles de {name}",
                "description": f"Les articles de {config.title} publiés en {name}.",
                "crumbs": [home, archives, Crumb(str(year.year), year.url), Crumb(name)],
            })
    yield "search.html", urls.SEARCH, "search", {
        "title": "Rechercher", "description": f"Chercher parmi tous les articles de {config.title}.",
        "crumbs": [home, Crumb("Recherche")], "searchable": searchable,
    }
    yield "404.html", urls.NOT_FOUND, "404", {
        "title": "Page introuvable", "description": "Cette page n’existe pas ou plus.", "crumbs": [],
    }


def _listing(pages: tuple[PageOfPosts, ...], template: str, origin: str,
             context: Callable[[PageOfPosts], dict[str, Any]]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Give a job for each page of a paginated listing."""
    for page in pages:
        values = context(page)
        yield template, page.url, origin, {"pagination": page, **values, "crumbs": paged_crumbs(values["crumbs"], page)}


def paged_crumbs(crumbs: list[Crumb], page: PageOfPosts) -> list[Crumb]:
    """Give the trail of page `page` of a listing: past the first page, the listing's
    name leads back to its first page, and the page's number ends the trail."""
    if page.number == 1:
        return crumbs
    listing = crumbs[-1].title if crumbs else "Accueil"
    return [*crumbs[:-1], Crumb(listing, page.base), Crumb(f"Page {page.number}")]
