"""Every output file of a build, made from the posts it publishes: post and listing pages,
feeds, sitemap, robots.txt, the posts' images, fingerprinted assets, redirects, headers and the
schedule; and the problems only those files show (two on one path, dead links)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from builder.content.folders import POSTS_DIR
from builder.content.highlight import code_stylesheet
from builder.content.links import links_to_unpublished, site_link_problems
from builder.core import urls
from builder.core.errors import BuildFailed, Problem
from builder.core.model import Channel, Config, Page, Post, Sources
from builder.core.parallel import in_parallel
from builder.core.report import BuildOptions, BuildReport, for_stage, Progress
from builder.output.assets import fingerprint as fingerprint_assets
from builder.output.destination import Destination
from builder.output.feeds import FeedJob, channel_jobs, feed_jobs
from builder.output.headers import headers_file
from builder.output.keys import fingerprint
from builder.output.paths import check_pages
from builder.output.redirects import redirect_rules
from builder.output.render import render_site, shared_values
from builder.output.schedule import schedule_file
from builder.output.sitemap import robots, sitemap
from builder.output.templates import Templates
from builder.site.index import SiteIndex, build_index, published
from builder.site.publishing import left_out, moment, next_due

CODE_CSS = "/css/code.css"
# Gives the related posts of each post from the tags alone (`index.related_positions`), or
# the same result kept from an earlier build.
Related = Callable[[tuple], tuple]


@dataclass(frozen=True, slots=True)
class Rendering:
    """Every output file of a build, and what its pages were made from: the index of the
    published posts, and what every page's context holds."""

    pages: list[Page]
    index: SiteIndex
    shared: dict[str, object]


def assemble(site_root: Path, sources: Sources, templates: Templates, options: BuildOptions, report: BuildReport,
             destination: Destination | None = None, related: Related | None = None,
             progress: Progress | None = None) -> Rendering:
    """Make every output file of the published posts, in memory; given a `destination`, the
    HTML pages and the feeds (most of the bytes) are put there as soon as they are made, and
    those its output holds already, made from the same inputs, are not made at all. Raise
    `BuildFailed` with the problems only the files show."""
    config = sources.config
    now = moment(options.now, config)
    posts = published(sources.posts, now, options.drafts, options.future)
    report.drafts_left_out, report.future_left_out = left_out(sources.posts, now, options)
    report.next_due = next_due(sources.posts, now, options)
    index = report.stage("index", build_index, posts, config, related)
    code_css = Page(CODE_CSS, urls.output_path(CODE_CSS), code_stylesheet().encode("utf-8"), "code stylesheet")
    assets = fingerprint_assets((*sources.static, code_css))
    shared = shared_values(index.posts, now, assets.urls)
    pages, report.rendered_because = report.stage("render", render_site, templates, index, config, shared,
                                                  options.search, options.jobs, for_stage(progress, "render"),
                                                  destination)
    report.rendered = sum(map(len, report.rendered_because.values()))
    pages.append(report.stage("sitemap", _sitemap, pages, config, destination))
    if not any(page.url == urls.ROBOTS for page in sources.static):  # a site's own robots.txt wins
        pages.append(robots(config))
    pages += report.stage("feeds", _feeds, index, config, destination, options.jobs)
    pages += [Page(asset.url, urls.output_path(asset.url), asset.source.read_bytes(), str(asset.source))
              for post in index.posts for asset in post.assets]
    pages += assets.pages
    redirects, taken = redirect_rules(index.posts, {page.url for page in pages})
    pages.append(redirects)
    pages.append(headers_file(index.posts))  # the policy names the hosts of the images shown
    pages.append(schedule_file(index.posts))  # what the scheduled run compares with the posts (`blog due`)
    problems = taken + report.stage("pages", site_problems, site_root, sources, index.posts, pages)
    if problems:
        raise BuildFailed(problems, "pages")
    report.posts = len(index.posts)
    return Rendering(pages, index, shared)


def site_problems(site_root: Path, sources: Sources, posts: tuple[Post, ...], pages: list[Page]) -> list[Problem]:
    """Give the problems that only the pages a build makes show (`blog check` finds them by
    making the same pages): two pages on one path, a link from a published post to a post
    left out, or to an address that no page, feed, static file or alias of the build has."""
    return [*check_pages(pages), *links_to_unpublished(sources.posts, posts),
            *site_link_problems(posts, sources.posts, site_root / POSTS_DIR, site_addresses(pages, posts),
                                sources.config.base_url, bool(sources.unread))]


def site_addresses(pages: list[Page], posts: tuple[Post, ...]) -> set[str]:
    """Give every address a link may name in a build: its pages', feeds', static files' and
    the published posts' aliases."""
    return {page.url for page in pages} | {alias for post in posts for alias in post.aliases}


def _feeds(index: SiteIndex, config: Config, destination: Destination | None, jobs: int) -> list[Page]:
    """Make every feed, on `jobs` processes; given a destination, put each there at once,
    unless its output holds that feed already, made for the same posts."""
    work = [(job, fingerprint((job.url, job.channel))) for job in feed_jobs(index, config)]
    # Those held are found here: after an edit, most are, and then no worker need start.
    feeds = [_held(destination, job.url, job.origin, key) for job, key in work]
    todo = [(position,) for position, feed in enumerate(feeds) if feed is None]
    for (position,), feed in zip(todo, in_parallel(_make_feed, todo, jobs, share=FeedWork(work, destination))):
        feeds[position] = feed
    return feeds


def channel_feeds(channels: list[Channel], config: Config, destination: Destination) -> list[Page]:
    """Make the feeds of these channels alone, as `_feeds` makes them, into the destination."""
    return [_held(destination, job.url, job.origin, key) or _make(destination, job.url, job.origin, key, job.make)
            for channel in channels for job in channel_jobs(channel, config)
            for key in [fingerprint((job.url, job.channel))]]


@dataclass(frozen=True, slots=True)
class FeedWork:
    """What the processes that make feeds share: every feed's job and key, and the destination."""

    feeds: list[tuple[FeedJob, str]]
    destination: Destination | None


def _make_feed(work: FeedWork, position: int) -> Page:
    """Make the feed at `position` of the work (in a worker, or in this process)."""
    job, key = work.feeds[position]
    return _make(work.destination, job.url, job.origin, key, job.make)


def _sitemap(pages: list[Page], config: Config, destination: Destination | None) -> Page:
    """Make the sitemap, unless the destination's output holds it for the same pages and changes."""
    listed = "\n".join(f"{page.url} {page.modified.isoformat() if page.modified else ''}" for page in pages)
    key = hashlib.blake2b(listed.encode(), digest_size=16).hexdigest()  # as text: 17,000 pages in a few ms
    return (_held(destination, urls.SITEMAP, "sitemap", key)
            or _make(destination, urls.SITEMAP, "sitemap", key, lambda: sitemap(pages, config).data))


def _held(destination: Destination | None, url: str, origin: str, key: str) -> Page | None:
    """Give the page at `url` as the destination's output holds it, if it was made from the
    same inputs (`key`) and is still as written; None when it must be made."""
    path = urls.output_path(url)
    stored = destination.held(path, key) if destination is not None else None
    return Page(url, path, b"", origin, stored=stored) if stored is not None else None


def _make(destination: Destination | None, url: str, origin: str, key: str, make: Callable[[], bytes]) -> Page:
    """Give the page at `url` made by `make`, put in the destination when given."""
    page = Page(url, urls.output_path(url), make(), origin)
    return destination.put(page, key) if destination is not None else page
