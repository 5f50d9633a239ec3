"""The one orchestrator: a build is a list of named, timed stages."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatch
from functools import partial
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from builder.content.config import load_config, read_config
from builder.content.folders import POSTS_DIR, theme_dirs, theme_folders
from builder.content.links import links_to_unpublished, missing_static_images, resolve_links, site_link_problems
from builder.content.load import load_posts, raw_html_warnings
from builder.content.markdown import code_stylesheet
from builder.core import collector, urls
from builder.core.errors import BuildFailed, Problem, sort_problems
from builder.core.model import Channel, Config, Page, Post, Stored
from builder.core.parallel import aside, in_parallel
from builder.incremental import cache, ledger, quick, state
from builder.output.assets import fingerprint as fingerprint_assets
from builder.output.feeds import FeedJob, channel_jobs, feed_jobs
from builder.output.headers import headers_file, image_problems
from builder.output.redirects import redirect_rules
from builder.output.keys import fingerprint
from builder.output.render import render_post_pages, render_site, shared_values
from builder.output.schedule import schedule_file
from builder.output.search import index_site
from builder.output.sitemap import robots, sitemap
from builder.output.templates import Templates, load_templates, make_environment
from builder.output.write import (MARKER, Target, check_pages, holds, merged_view, publish, put, recover, staged,
                                  static_pages, write_pages)
from builder.site.index import SiteIndex, build_index, published, related_positions

CODE_CSS = "/css/code.css"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What a build includes: drafts and future posts only when asked; `now` decides the
    future; the search index unless skipped (previews and quick builds do without)."""

    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # None: the clock; without an offset, in the site's timezone
    jobs: int = 1  # processes for the work that can be spread
    cache: bool = False  # read and update the build cache in the site's .cache/
    search: bool = True  # index the post pages with Pagefind (never in a preview)


@dataclass(frozen=True, slots=True)
class Rendering:
    """Every output file of a build, and what its pages were made from: the index of the
    published posts, and what every page's context holds."""

    pages: list[Page]
    index: SiteIndex
    shared: dict[str, object]


@dataclass(slots=True)
class BuildReport:
    """What a build did: pages written, posts published, warnings, and each stage's seconds."""

    pages: int = 0
    posts: int = 0
    drafts_left_out: int = 0  # drafts the options left out of the build
    future_left_out: int = 0  # posts dated after the build's moment it left out (drafts aside)
    next_due: datetime | None = None  # the date of the first of those: a build from then on publishes it
    posts_read: int = 0  # post files read (the others came unchanged from the cache or memo)
    posts_rendered: int = 0  # of those, the ones whose bytes had changed, parsed and rendered
    rendered: int = 0  # pages rendered anew (the others were held by the output, or by the memo)
    rendered_because: dict[str, list[str]] = field(default_factory=dict)  # their URLs, by why
    whole_because: str = ""  # why the output was replaced whole, if it was
    quick_way: bool = False  # only edited posts' pages and feeds were made, from the last build's record (`quick`)
    quick_way_not_because: str = ""  # why a build with the cache did not take the quick way
    written: int = 0  # files written (only those whose bytes changed, unless the output is replaced whole)
    unchanged: int = 0  # files the output held already, with the same bytes
    deleted: int = 0  # files deleted: no page writes them any more
    restored: tuple[str, ...] = ()  # files written again with the bytes the output held: changed or deleted by hand
    merged: bool = False  # the output was updated file by file, not replaced whole
    warnings: tuple[Problem, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    def stage(self, name: str, work: Callable[..., T], *args) -> T:
        """Run one stage, time it, and tag its failure with the stage's name."""
        start = time.perf_counter()
        try:
            return work(*args)
        except BuildFailed as failure:
            failure.stage = failure.stage or name
            raise
        finally:  # a stage run twice (the cache: read, then written) counts both times
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


@dataclass(slots=True)
class Memo:
    """What a long-lived process (`blog serve`) keeps between builds of one site, so that a
    rebuild redoes only what changed: the posts as loaded (dropped when the config changes),
    and what its output holds, as a build's ledger would record it."""

    config: Config | None = None
    posts: dict[Path, Post] = field(default_factory=dict)  # as loaded, before links resolve
    templates: Templates | None = None  # the theme's, as the last build loaded them
    held: ledger.Ledger | None = None  # what the output holds, for `scope`, while it has `marker`
    scope: str = ""
    marker: tuple[int, int] = (0, 0)
    record: quick.Record | None = None  # what the last build was made from, for the quick way
    window: tuple[str | None, str | None] = (None, None)  # while the last build stays right (`_window`)

    def keep_if(self, config: Config) -> None:
        """Forget the posts a new config makes stale."""
        if config != self.config:
            self.config, self.posts = config, {}

    def previous(self, scope: str, marker: tuple[int, int]) -> tuple[ledger.Ledger | None, str]:
        """Give what the output holds, or None and why, as `ledger.read_ledger` does."""
        if self.held is None or (self.scope, self.marker) != (scope, marker):
            return None, "the config changed, or the preview's folder was changed by another program"
        return self.held, ""


@dataclass(frozen=True, slots=True)
class Sources:
    """A site read and cross-checked: its config, every post (drafts included), static files."""

    config: Config
    posts: tuple[Post, ...]
    static: tuple[Page, ...]
    problems: tuple[Problem, ...]  # errors and warnings, all located
    unread: tuple[Path, ...] = ()  # post files that could not be loaded (their problems say why)


Progress = Callable[[str, int, int], None]  # (stage, done, total), to draw a progress bar


def read_site(site_root: Path, report: BuildReport, memo: Memo | None = None,
              options: BuildOptions = BuildOptions(), progress: Progress | None = None) -> Sources:
    """Read the config, the posts and the static files, and check what links them. Posts
    come from the memo of a long-lived process, or from the build cache when asked."""
    config, config_problems = report.stage("config", read_config, site_root)
    if config_problems or config is None:  # listed with the posts' own, read with what the config gives, all at once
        posts = load_posts(site_root, config, jobs=options.jobs).problems if config else ()
        raise BuildFailed((*config_problems, *posts), "config")
    if memo is not None:
        memo.keep_if(config)
    key = cache.cache_key(config)
    known = memo.posts if memo is not None else None
    if options.cache and not known:
        known = report.stage("cache", cache.read_posts, site_root, key)
    loaded = report.stage("load", load_posts, site_root, config, known, options.jobs, _for_stage(progress, "load"))
    report.posts_read, report.posts_rendered = loaded.read, loaded.rendered
    fresh = {post.source: post for post in loaded.posts}
    if options.cache and fresh != (known or {}):
        report.stage("cache", cache.write_posts, site_root, key, fresh, known)
    if memo is not None:
        memo.posts = fresh
    static, static_problems = report.stage("static", static_pages, theme_dirs(site_root, "static"))
    posts, link_problems = report.stage("links", resolve_links, loaded.posts, site_root / POSTS_DIR,
                                        loaded.files)
    static_urls = {page.url for page in static}
    problems = (*loaded.problems, *static_problems, *link_problems, *missing_static_images(posts, static_urls),
                *image_problems(posts))
    unread = tuple(sorted(set(loaded.files) - {post.source for post in posts}))
    return Sources(config, posts, tuple(static), problems, unread)


def moment(now: datetime | None, config: Config) -> datetime:
    """Give the build's 'now': the one given (read in the site's timezone when it has no
    offset), or the clock."""
    zone = ZoneInfo(config.timezone)
    if now is None:
        return datetime.now(zone)
    return now if now.tzinfo else now.replace(tzinfo=zone)


def _for_stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """Give a stage's own progress callback, naming the stage."""
    return (lambda done, total: progress(stage, done, total)) if progress else None


def render_pages(site_root: Path, sources: Sources, options: BuildOptions, report: BuildReport,
                 progress: Progress | None = None, target: Target | None = None,
                 templates: Templates | None = None) -> Rendering:
    """Render every output file of the published posts, in memory; given a `target`, the HTML
    pages and the feeds (most of the bytes) are put there as soon as they are made, and those
    the target's output holds already, made from the same inputs, are not made at all.
    `templates` are the theme's, if the caller loaded them already."""
    config = sources.config
    if templates is None:
        templates = report.stage("render", load_templates, theme_dirs(site_root, "templates"), config)
    now = moment(options.now, config)
    posts = published(sources.posts, now, options.drafts, options.future)
    report.drafts_left_out, report.future_left_out = left_out(sources.posts, now, options)
    report.next_due = next_due(sources.posts, now, options)
    related = None  # related posts depend on the tags alone: a build with the cache takes them from there
    if options.cache:  # a preview (drafts, future posts) keeps its own, so that it and `blog build` take turns
        name = "related" + "-drafts" * options.drafts + "-future" * options.future
        related = cache.remembered(site_root, cache.cache_key(config), name, related_positions)
    index = report.stage("index", build_index, posts, config, related)
    code_css = Page(CODE_CSS, urls.output_path(CODE_CSS), code_stylesheet().encode("utf-8"), "code stylesheet")
    assets = fingerprint_assets((*sources.static, code_css))
    shared = shared_values(index.posts, now, assets.urls)
    pages, report.rendered_because = report.stage("render", render_site, templates, index, config, shared,
                                                  options.search, options.jobs, _for_stage(progress, "render"), target)
    report.rendered = sum(map(len, report.rendered_because.values()))
    pages.append(report.stage("sitemap", _sitemap, pages, config, target))
    if not any(page.url == urls.ROBOTS for page in sources.static):  # a site's own robots.txt wins
        pages.append(robots(config))
    pages += report.stage("feeds", _feeds, index, config, target, options.jobs)
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


def left_out(posts: tuple[Post, ...], now: datetime, options: BuildOptions) -> tuple[int, int]:
    """Give how many posts a build leaves out as drafts, and how many others as dated after `now`."""
    drafts = sum(post.draft for post in posts) if not options.drafts else 0
    future = 0 if options.future else sum(post.date > now and not (post.draft and not options.drafts) for post in posts)
    return drafts, future


def next_due(posts: tuple[Post, ...], now: datetime, options: BuildOptions) -> datetime | None:
    """Give the date of the first post a build leaves out as dated after `now`, if any (as
    `left_out` counts them: none with --future, drafts only with --drafts)."""
    if options.future:
        return None
    return min((post.date for post in posts if post.date > now and (options.drafts or not post.draft)), default=None)


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


def _feeds(index: SiteIndex, config: Config, target: Target | None, jobs: int) -> list[Page]:
    """Make every feed, on `jobs` processes; given a target, put each there at once, unless
    its output holds that feed already, made for the same posts."""
    work = [(job, fingerprint((job.url, job.channel))) for job in feed_jobs(index, config)]
    # Those held are found here: after an edit, most are, and then no worker need start.
    feeds = [_held(target, job.url, job.origin, key) for job, key in work]
    todo = [(position,) for position, feed in enumerate(feeds) if feed is None]
    for (position,), feed in zip(todo, in_parallel(_make_feed, todo, jobs, share=FeedWork(work, target))):
        feeds[position] = feed
    return feeds


def _channel_feeds(channels: list[Channel], config: Config, target: Target) -> list[Page]:
    """Make the feeds of these channels alone, as `_feeds` makes them, into the target."""
    return [_held(target, job.url, job.origin, key) or _make(target, job.url, job.origin, key, job.make)
            for channel in channels for job in channel_jobs(channel, config)
            for key in [fingerprint((job.url, job.channel))]]


@dataclass(frozen=True, slots=True)
class FeedWork:
    """What the processes that make feeds share: every feed's job and key, and the target."""

    feeds: list[tuple[FeedJob, str]]
    target: Target | None


def _make_feed(work: FeedWork, position: int) -> Page:
    """Make the feed at `position` of the work (in a worker, or in this process)."""
    job, key = work.feeds[position]
    return _make(work.target, job.url, job.origin, key, job.make)


def _sitemap(pages: list[Page], config: Config, target: Target | None) -> Page:
    """Make the sitemap, unless the target's output holds it for the same pages and changes."""
    listed = "\n".join(f"{page.url} {page.modified.isoformat() if page.modified else ''}" for page in pages)
    key = hashlib.blake2b(listed.encode(), digest_size=16).hexdigest()  # as text: 17,000 pages in a few ms
    return (_held(target, urls.SITEMAP, "sitemap", key)
            or _make(target, urls.SITEMAP, "sitemap", key, lambda: sitemap(pages, config).data))


def _held(target: Target | None, url: str, origin: str, key: str) -> Page | None:
    """Give the page at `url` as the target's output holds it, if it was made from the same
    inputs (`key`) and is still as written; None when it must be made."""
    path = urls.output_path(url)
    stored = holds(target, path, key) if target is not None else None
    return Page(url, path, b"", origin, stored=stored) if stored is not None else None


def _make(target: Target | None, url: str, origin: str, key: str, make: Callable[[], bytes]) -> Page:
    """Give the page at `url` made by `make`, put in the target when given."""
    page = Page(url, urls.output_path(url), make(), origin)
    return put(target, page, key) if target is not None else page


def _state(inputs: str, sources: Sources, options: BuildOptions, output: Path) -> state.State:
    """Give the state of a build that just completed: until when it stays right."""
    published_from, published_until = _window(sources, options)
    return state.State(
        format=state.FORMAT,
        inputs=inputs,
        options=state.options_digest(options.drafts, options.future, options.search, output),
        published_from=published_from,
        published_until=published_until,
        output_marker=state.marker_of(output, MARKER),
    )


def _window(sources: Sources, options: BuildOptions) -> tuple[str | None, str | None]:
    """Give the moments (ISO) between which a build writes what this one wrote: the date of the
    newest post already due, and of the next one. Before the first, that post is in the future
    again; from the second on, the next one is due: published, or no longer marked as scheduled
    (with --future)."""
    now = moment(options.now, sources.config)
    dates = [post.date for post in sources.posts if options.drafts or not post.draft]
    due = max((date for date in dates if date <= now), default=None)
    waiting = min((date for date in dates if date > now), default=None)
    return (due.isoformat() if due else None), (waiting.isoformat() if waiting else None)


def build(site_root: Path, output: Path, options: BuildOptions = BuildOptions(),
          memo: Memo | None = None, progress: Progress | None = None,
          inputs: state.Inputs | None = None, output_checked: Callable[[], bool] | None = None) -> BuildReport:
    """Build the site at `site_root` into `output`; raise `BuildFailed` with every problem.
    Without a memo, files are staged beside the output and published only once all are made,
    so a failed build changes nothing: with the cache, only the files that changed since the
    last build (by its ledger) are made and moved in; otherwise the output is replaced whole,
    with its search index made first. With a memo (a preview), what the output holds is kept
    in the memo too, not read again, and the output is never indexed, so that no edit waits
    for it. `inputs` are the inputs' sizes and times, if the caller took them already (before
    this build read anything). With the cache, after edits to posts that change no other page,
    a build takes the quick way (see `quick`), which checks the output's files against the
    ledger: `output_checked` gives the answer, if the caller started that check already
    (`ledger.output_as_recorded`, aside, before reading anything)."""
    if memo is not None:  # a preview is never indexed: no edit waits for Pagefind
        options = dataclasses.replace(options, search=False)
    with collector.paused():
        why_not_quick = "--no-cache"
        if options.cache:
            if inputs is None:
                inputs = state.read_inputs(site_root, theme_folders(site_root))
            quick_build = _quick(site_root, output, options, inputs, memo, output_checked)
            if isinstance(quick_build, BuildReport):
                return quick_build
            why_not_quick = quick_build
        report = _build(site_root, output, options, memo, progress, inputs)
        report.quick_way_not_because = why_not_quick
        return report


_NO_RECORD = "no record of the last build (a first build, one that failed, or one with warnings)"


def _quick(site_root: Path, output: Path, options: BuildOptions, inputs: state.Inputs, memo: Memo | None,
           output_checked: Callable[[], bool] | None) -> BuildReport | str:
    """Build the pages of the edited posts, and the feeds that hold them, from the last
    build's record (a preview's is in its memo); give why not when the quick way cannot
    build the edits."""
    report = BuildReport(quick_way=True)
    last = state.read_state(site_root) if memo is None else None
    if last is None and memo is None or memo is not None and memo.record is None:
        return _NO_RECORD
    try:
        config = report.stage("config", load_config, site_root)
    except BuildFailed:  # the whole way reports it
        return "the config has a problem"
    recover(output)  # a build stopped while moving files in is finished first: its marker then tells
    scope, marker, key = _scope(config, options), state.marker_of(output, MARKER), cache.cache_key(config)
    settings = state.options_digest(options.drafts, options.future, options.search, output)
    # (A preview's memo holds what its output holds while it has `marker`.)
    now = moment(options.now, config)
    if not (state.stands(last, settings, now, marker) if last is not None else state.within(*memo.window, now)):
        return "the output was replaced, or the moment publishes a post or withdraws one"
    with _output_check(site_root, output, memo, output_checked) as output_as_recorded:
        record = report.stage("record", quick.read_record, site_root) if memo is None else memo.record
        if record is None or (memo is None and record.inputs != last.inputs):
            return _NO_RECORD
        if record.scope != scope:
            return "the config, an option, the builder or a library changed"
        fetch = (partial(cache.read_some, site_root, key) if memo is None
                 else partial(_remembered_posts, memo, site_root))
        plan = report.stage("load", quick.plan, site_root, config, record, inputs, fetch)
        if isinstance(plan, str):
            return plan
        held = _output_held(site_root, output, scope, marker, memo, options.search)
        if isinstance(held, str):
            return f"no record of what the output holds: {held}"
        previous, edits = held
        report.posts, report.posts_read, report.posts_rendered = len(record.order), len(plan.loaded), plan.rendered
        report.warnings = _raw_html_warnings(plan.warned)
        report.drafts_left_out, report.future_left_out = record.left_out  # no edit of the quick way changes them
        # Nor the next post due: the end of the window the last build stays right in (`_window`).
        until = last.published_until if last is not None else memo.window[1]
        report.next_due = datetime.fromisoformat(until) if until and not options.future else None
        with staged(output, previous) as target:
            made = _quick_pages(site_root, target, plan, record, config, memo, report)
            # Written while the output's files are checked: the record names inputs that the
            # state names only once the files are published, and the cache is only a cache.
            report.stage("cache", cache.update_posts, site_root, key, plan.loaded)
            if memo is None:
                quick.write_edits(site_root, plan.record, plan.edited)
            if not output_as_recorded():
                return "a file of the output was changed since the last build: the whole way writes it again"
            files = {**previous, **made}
            _publish(target, files, options, config, report)
    marker = state.marker_of(output, MARKER)
    if edits is None:
        ledger.write_files(site_root, output, scope, marker, files)
    else:
        ledger.write_edits(site_root, output, marker, edits, made)
    report.pages = len(files) if edits is None else edits.count  # (the quick way adds no file, and deletes none)
    report.unchanged = report.pages - report.written
    if memo is not None:
        memo.held, memo.scope, memo.marker, memo.record = files, scope, marker, plan.record
        memo.posts.update((post.source, post) for post in plan.loaded)
    else:
        state.write_state(site_root, dataclasses.replace(last, inputs=inputs.digest, output_marker=marker))
    return report


def _output_check(site_root: Path, output: Path, memo: Memo | None,
                  started: Callable[[], bool] | None) -> AbstractContextManager[Callable[[], bool]]:
    """Give the check that every file of the output is as recorded (by the ledger, or a
    preview's memo): `started`, if the caller started it, else started now, in another process
    where this one can fork (17,000 files at 10,000 posts take as long as the rest of the quick way)."""
    if started is not None:
        return nullcontext(started)
    if memo is not None:
        return aside(ledger.untouched, output, memo.held or {})
    return aside(ledger.output_as_recorded, site_root, output)


def _output_held(site_root: Path, output: Path, scope: str, marker: tuple[int, int], memo: Memo | None,
                 search: bool) -> tuple[ledger.Ledger, ledger.Edits | None] | str:
    """Give what a quick build knows the output holds, and the edits it adds its files to: every
    file (a preview's memo; the ledger on disk when the search index needs every post page, or
    when the edits grew long), or only the files quick builds made since the ledger was written
    whole (then the edits), which spares decoding it; or why the output is not known."""
    if memo is not None:
        files, why = memo.previous(scope, marker)
        return (files, None) if files else why
    edits, why = ledger.read_edits(site_root, output, scope, marker)
    if edits is None:
        return why
    if not search and len(edits.files) < ledger.MOST_EDITED_FILES:
        return edits.files, edits
    files, why = ledger.read_ledger(site_root, output, scope, marker)
    return (files, None) if files else why


def _quick_pages(site_root: Path, target: Target, plan: quick.Plan, record: quick.Record, config: Config,
                 memo: Memo | None, report: BuildReport) -> ledger.Ledger:
    """Make the pages and feeds of a quick build in the target; give the files made."""
    if memo is not None and memo.templates is not None and memo.templates.config == config:
        env = memo.templates.env  # a preview's, with the templates it compiled already
    else:
        env = make_environment(theme_dirs(site_root, "templates"), config)
    made, report.rendered_because = report.stage("render", render_post_pages, env, record.digests, record.listed,
                                                 plan.pages, plan.advertised, config, record.shared, target)
    made += report.stage("feeds", _channel_feeds, plan.channels, config, target)
    report.rendered = sum(map(len, report.rendered_because.values()))
    return {page.path: page.stored for page in made}


def _remembered_posts(memo: Memo, site_root: Path, paths: set[str]) -> dict[str, Post]:
    """Give the posts at these paths (from the site root) as a preview's memo holds them."""
    found = {path: memo.posts.get(site_root / path) for path in paths}
    return {path: post for path, post in found.items() if post is not None}


def _build(site_root: Path, output: Path, options: BuildOptions, memo: Memo | None,
           progress: Progress | None, inputs: state.Inputs | None) -> BuildReport:
    """Build the site, as `build` says, the whole way."""
    report = BuildReport()
    sources = read_site(site_root, report, memo, options, progress)
    if any(problem.is_error for problem in sources.problems):
        raise BuildFailed(sources.problems, "load")
    report.warnings = (*sources.problems, *_raw_html_warnings(sources.posts))
    scope, marker = _scope(sources.config, options), state.marker_of(output, MARKER)
    if memo is not None and memo.held is not None:
        previous, report.whole_because = memo.previous(scope, marker)
    elif options.cache:  # a build, or a preview's first: from the ledger on disk
        previous, report.whole_because = ledger.read_ledger(site_root, output, scope, marker)
    else:
        previous, report.whole_because = None, "--no-cache"
    # A preview keeps its templates, compiled, while their sources stay the same.
    templates = report.stage("render", load_templates, theme_dirs(site_root, "templates"), sources.config,
                             memo.templates if memo is not None else None)
    if memo is not None:
        memo.templates = templates
    with staged(output, previous) as target:
        rendering = render_pages(site_root, sources, options, report, progress, target, templates)
        pages = report.stage("write", write_pages, rendering.pages, target, _for_stage(progress, "write"))
        files = {page.path: page.stored for page in pages if page.stored is not None}  # every page was put
        if options.cache:
            ledger.forget_ledger(site_root, output)  # until this build completes, what the output holds is unknown
        _publish(target, files, options, sources.config, report)
        report.unchanged = sum(_unchanged(target.previous.get(path), stored) for path, stored in files.items())
        report.restored = _restored(target.previous, files)
    report.pages = len(pages)
    marker = state.marker_of(output, MARKER)
    if memo is not None:
        memo.held, memo.scope, memo.marker = files, scope, marker
    if options.cache:  # on disk too, so that a preview started again goes on from there
        ledger.write_files(site_root, output, scope, marker, files)
    if options.cache:  # `inputs` were taken before reading: a file changed during the build makes them stale
        # No quick way after warnings (it would not repeat them; but it gives those of raw HTML shown as
        # text again, from the posts), or for posts `make_record` cannot name.
        record = None if sources.problems else quick.make_record(
            site_root, inputs, scope, sources.posts, rendering.index, rendering.shared, templates.digests,
            templates.listed, [page.url for page in sources.static],
            site_addresses(rendering.pages, rendering.index.posts), (report.drafts_left_out, report.future_left_out))
        if memo is not None:
            memo.record, memo.window = record, _window(sources, options)
        else:
            state.write_state(site_root, _state(inputs.digest, sources, options, output))
            if record is None:
                quick.forget_record(site_root)
            else:
                quick.write_record(site_root, record)
    return report


def _raw_html_warnings(posts: tuple[Post, ...] | list[Post]) -> tuple[Problem, ...]:
    """Give the warnings about raw HTML shown as text in these posts, in order: the quick way
    gives them again as the whole way does."""
    return sort_problems([warning for post in posts for warning in raw_html_warnings(post)])


def _publish(target: Target, files: ledger.Ledger, options: BuildOptions, config: Config, report: BuildReport) -> None:
    """Index the post pages if one changed, then put the staged files in place; `files` are
    the files of the build, as put in the target: every one, but in a quick build that knows
    only some of what the output holds (it deletes none, and makes no search index then)."""
    search = options.search and report.posts > 0  # Pagefind refuses a site without a page to index
    indexed = search and (target.replaces_whole or _post_pages_changed(target, files) or not _has_index(target))
    if indexed:
        report.stage("search", _index, target, files, config)
    # A new index replaces the old one whole; with no post left, or built with --no-search, the old one goes.
    anew = (urls.SEARCH_BUNDLE.strip("/"),) if indexed or not search else ()
    report.written, report.deleted = report.stage("publish", publish, target, files, anew)
    report.merged = not target.replaces_whole


def _scope(config: Config, options: BuildOptions) -> str:
    """Give what shapes every file a build writes: the builder, the libraries and the config
    (the cache's key), and the options. Templates are not in it: each page's key holds its
    template's digest, so that a template's change re-renders only the pages that use it. Nor
    is --no-search: only the search page depends on it (its key holds it), so that switching
    it rewrites that page and the index, not the other pages."""
    return ledger.scope_digest(cache.cache_key(config), options.drafts, options.future)


def _unchanged(before: Stored | None, now: Stored | None) -> bool:
    """Tell whether a file was left as the output held it."""
    return before is not None and now is not None and (before.digest, before.size, before.mtime_ns) == (
        now.digest, now.size, now.mtime_ns)


def _restored(previous: ledger.Ledger, files: ledger.Ledger) -> tuple[str, ...]:
    """Give the files written with the very bytes the output held by its ledger: a file is
    written again only when the output's is not as the last build wrote it (its size or time
    differs, or it is gone), so these were changed or deleted since, by another program."""
    return tuple(sorted(path for path, stored in files.items()
                        if path in previous and previous[path].digest == stored.digest
                        and not _unchanged(previous[path], stored)))


def _post_pages_changed(target: Target, files: ledger.Ledger) -> bool:
    """Tell whether a post page was written or deleted: only those are searched."""
    changed = [path for path, stored in files.items()
               if path not in target.previous or target.previous[path].digest != stored.digest]
    changed += [path for path in target.previous if path not in files]
    return any(fnmatch(path, urls.POST_PAGES_GLOB) for path in changed)


def _has_index(target: Target) -> bool:
    """Tell whether the output holds a search index (a build with --no-search removes it)."""
    return (target.output / urls.SEARCH_BUNDLE.strip("/") / "pagefind-entry.json").is_file()


def _index(target: Target, files: ledger.Ledger, config: Config) -> None:
    """Index the post pages of the site as it will be published, into the staging folder, so
    that a failed index leaves the output as it was."""
    if target.replaces_whole:
        index_site(target.staging, config)
        return
    with merged_view(target, [path for path in files if fnmatch(path, urls.POST_PAGES_GLOB)]) as view:
        index_site(view, config, target.staging / urls.SEARCH_BUNDLE.strip("/"))
