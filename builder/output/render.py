"""Render pages in memory with Jinja, each template given an explicit context, on processes;
locate the errors of broken templates."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from builder.core import urls
from builder.core.errors import BuildFailed, Problem
from builder.core.model import Channel, Config, Page, Post, Stored
from builder.core.parallel import in_parallel
from builder.output.destination import WHOLE, Destination
from builder.output.keys import PageKeys, fingerprint, post_views
from builder.output.pages import PageJob, page_jobs, post_job, with_meta
from builder.output.templates import Templates
from builder.site.index import Neighbours, SiteIndex


def render_site(templates: Templates, index: SiteIndex, config: Config, shared: dict[str, Any],
                searchable: bool = False, jobs: int = 1,
                progress: Callable[[int, int], None] | None = None,
                destination: Destination | None = None) -> tuple[list[Page], Rendered]:
    """Render every HTML page of the site on `jobs` processes; give the pages, and the URLs of
    those rendered anew by why. `shared` is what every page's context holds (`shared_values`);
    `searchable` says whether a search index will be built. Given a `destination`, each page
    is put there at once (and given back without its bytes), and a page the output holds,
    made from the same inputs, is not rendered at all. Raise `BuildFailed` naming each broken
    template."""
    keys = PageKeys(fingerprint(shared), templates.digests, post_views(index.posts, templates.listed))
    work = list(page_jobs(index, config, searchable, keys))
    return _render_all(templates.env, work, shared, jobs, progress, destination, index.channels, config)


def shared_values(posts: tuple[Post, ...], now: datetime, assets: Mapping[str, str]) -> dict[str, Any]:
    """Give what every page's context holds besides its own values (part of every key): the
    posts published ahead of `now`, and the published URL of each stylesheet and script."""
    return {"scheduled": tuple(sorted(post.url for post in posts if post.date > now)), "assets": dict(assets)}


def render_post_pages(env: jinja2.Environment, digests: dict[str, str], listed: tuple[str, ...],
                      posts: list[tuple[Post, Neighbours]], channels: dict[str, Channel], config: Config,
                      shared: dict[str, Any], destination: Destination) -> tuple[list[Page], Rendered]:
    """Render the pages of these posts alone, each with the posts around it, as `render_site`
    would (`digests`, `listed`: the templates'; `channels`: the feeds pages link to, by
    listing URL), into the destination."""
    views = post_views(tuple({other.url: other for post, around in posts
                              for other in (post, around.older, around.newer, *around.related) if other}.values()),
                       listed)
    keys = PageKeys(fingerprint(shared), digests, views)
    work = [post_job(post, around, keys) for post, around in posts]
    return _render_all(env, work, shared, 1, None, destination, channels, config)


@dataclass(frozen=True, slots=True)
class RenderWork:
    """What the processes that render pages share: the environment, every job and the
    positions of those to render, what every context holds, where pages go, and the feeds
    pages link to. A forked worker inherits it: it is never pickled."""

    env: jinja2.Environment
    jobs: list[PageJob]
    shared: dict[str, Any]
    todo: list[int]
    destination: Destination | None
    channels: dict[str, Channel]
    config: Config


_CHUNK = 64  # pages a worker renders per task: few round trips, an even spread
# The URLs of the pages rendered anew, by why (`destination.NEW_PAGE`…).
Rendered = dict[str, list[str]]


def _render_all(env: jinja2.Environment, work: list[PageJob], shared: dict[str, Any], jobs: int,
                progress: Callable[[int, int], None] | None, destination: Destination | None,
                channels: dict[str, Channel], config: Config) -> tuple[list[Page], Rendered]:
    """Render the jobs whose page the destination does not hold already, on `jobs` processes
    that share the jobs and the environment, putting each page there when given; give every
    page, and the URLs of those rendered by why. Raise `BuildFailed` with the first problem
    of each broken template."""
    results: dict[int, bytes | Stored | Problem] = {}
    if destination is not None:
        for position, job in enumerate(work):
            stored = destination.held(urls.output_path(job.url), job.key)
            if stored is not None:
                results[position] = stored
    todo = [position for position in range(len(work)) if position not in results]
    spans = [(start, min(start + _CHUNK, len(todo))) for start in range(0, len(todo), _CHUNK)]
    pages_done = (lambda done, total: progress(min(done * _CHUNK, len(todo)), len(todo))) if progress else None
    shared_work = RenderWork(env, work, shared, todo, destination, channels, config)
    chunks = in_parallel(_render_span, spans, jobs, share=shared_work, progress=pages_done)
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
        job = work[position]
        reason = destination.why_made(urls.output_path(job.url), job.key) if destination is not None else WHOLE
        why.setdefault(reason, []).append(job.url)
    return pages, why


def _render_span(work: RenderWork, start: int, stop: int) -> list[bytes | Stored | Problem]:
    """Render the jobs `work.todo[start:stop]` (in a worker, or in this process); give each
    page's bytes, or what is known of its file once put in the work's destination."""
    env, shared, destination = work.env, work.shared, work.destination
    results: list[bytes | Stored | Problem] = []
    for position in work.todo[start:stop]:
        job = work.jobs[position]
        try:
            # The context and its metadata are made here, page by page, not held for every page.
            context = with_meta(job.url, {**job.context(job.inputs, work.config), **shared}, work.channels, work.config)
            html = env.get_template(job.template).render(context, page_url=job.url).encode("utf-8")
        except jinja2.TemplateError as error:
            results.append(template_problem(error, env, job.template))
            continue
        page = Page(job.url, urls.output_path(job.url), html, job.origin)
        results.append(html if destination is None else destination.put(page, job.key).stored)
    return results


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
