"""`blog build`'s pipeline: config, load, index and render, write, each a named, timed stage.
What a build may skip it asks of its `BuildCache` (builder.incremental), and tells it what it
made; the stages themselves never know a cache exists."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from builder.content.config import read_config
from builder.content.folders import POSTS_DIR, theme_dirs
from builder.content.links import missing_static_images, resolve_links
from builder.content.load import load_posts, raw_html_warnings_of
from builder.content.static import static_pages
from builder.core.errors import BuildFailed, Problem
from builder.core.gc_pause import paused
from builder.core.model import Page, Post, Sources
from builder.core.report import BuildOptions, BuildReport, Progress, for_stage
from builder.incremental.build_cache import BuildCache
from builder.incremental.last_build import Inputs
from builder.incremental.memo import Memo
from builder.output.assemble import assemble
from builder.output.headers import image_problems
from builder.writer.publish import publish_site, restored, unchanged
from builder.writer.write import staged, write_pages

__all__ = ["BuildOptions", "BuildReport", "Memo", "Sources", "build", "read_site"]


def build(site_root: Path, output: Path, options: BuildOptions = BuildOptions(),
          memo: Memo | None = None, progress: Progress | None = None,
          inputs: Inputs | None = None, output_checked: Callable[[], bool] | None = None) -> BuildReport:
    """Build the site at `site_root` into `output`; raise `BuildFailed` with every problem.
    Files are staged beside the output and published only once all are made, so a failed
    build changes nothing. With the cache, only the files whose inputs changed since the last
    build are made and moved in, and edits to a few posts take the fast path; otherwise the
    output is replaced whole. A preview passes its `memo`, and is never indexed for search, so
    that no edit waits for Pagefind. `inputs` (the inputs' sizes and times) and
    `output_checked` (the check of the output's files) are the caller's, if it started them
    before reading anything."""
    if memo is not None:
        options = dataclasses.replace(options, search=False)
    with paused():  # the one place: a build makes many objects and almost no cycles (see `gc_pause`)
        cache = BuildCache(site_root, output, options, memo, inputs, output_checked)
        fast = cache.fast_build()
        if isinstance(fast, BuildReport):
            return fast
        report = complete_build(site_root, output, options, cache, progress)
        report.fast_path_not_because = fast
        return report


def complete_build(site_root: Path, output: Path, options: BuildOptions, cache: BuildCache,
                   progress: Progress | None = None) -> BuildReport:
    """Build the whole site: read it, then make every file the output does not hold already."""
    report = BuildReport()
    sources = read_site(site_root, report, options, progress, cache)
    if any(problem.is_error for problem in sources.problems):
        raise BuildFailed(sources.problems, "load")
    report.warnings = (*sources.problems, *raw_html_warnings_of(sources.posts))
    previous, report.replaced_whole_because = cache.previous_output(sources.config)
    templates = report.stage("render", cache.templates, theme_dirs(site_root, "templates"), sources.config)
    with staged(output, previous) as target:
        rendering = assemble(site_root, sources, templates, options, report, target,
                             cache.related(sources.config), progress)
        pages = report.stage("write", write_pages, rendering.pages, target, for_stage(progress, "write"))
        files = {page.path: page.stored for page in pages if page.stored is not None}  # every page was put
        cache.publishing()
        publish_site(target, files, options, sources.config, report)
        report.unchanged = sum(unchanged(target.previous.get(path), stored) for path, stored in files.items())
        report.restored = restored(target.previous, files)
    report.pages = len(pages)
    cache.built(sources, rendering, files, templates, report)
    return report


def read_site(site_root: Path, report: BuildReport, options: BuildOptions = BuildOptions(),
              progress: Progress | None = None, cache: BuildCache | None = None) -> Sources:
    """Read the config, the posts and the static files, and check what links them; posts
    loaded by earlier builds come from the `cache`, when given, while their files are unchanged."""
    config, config_problems = report.stage("config", read_config, site_root)
    if config_problems or config is None:  # listed with the posts' own, read with what the config gives, all at once
        posts = load_posts(site_root, config, jobs=options.jobs).problems if config else ()
        raise BuildFailed((*config_problems, *posts), "config")
    known = cache.known_posts(config, report) if cache is not None else None
    loaded = report.stage("load", load_posts, site_root, config, known, options.jobs, for_stage(progress, "load"))
    report.posts_read, report.posts_rendered = loaded.read, loaded.rendered
    if cache is not None:
        cache.loaded(config, loaded.posts, report)
    static, static_problems = report.stage("static", static_pages, theme_dirs(site_root, "static"))
    posts, link_problems = report.stage("links", resolve_links, loaded.posts, site_root / POSTS_DIR, loaded.files)
    problems = (*loaded.problems, *static_problems, *link_problems, *_image_problems(posts, static))
    unread = tuple(sorted(set(loaded.files) - {post.source for post in posts}))
    return Sources(config, posts, tuple(static), problems, unread)


def _image_problems(posts: tuple[Post, ...], static: list[Page]) -> list[Problem]:
    """Give the problems of the posts' images: a local one not in static/, a remote one refused."""
    return [*missing_static_images(posts, {page.url for page in static}), *image_problems(posts)]
