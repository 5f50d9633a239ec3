"""The one orchestrator: a build is a list of named, timed stages."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from builder import urls
from builder.config import load_config
from builder.errors import BuildFailed, Problem
from builder.feeds import rss_feed
from builder.index import build_index, published
from builder.load import load_posts
from builder.markdown import code_stylesheet
from builder.model import Page
from builder.render import make_environment, render_site
from builder.theme import theme_dirs
from builder.write import static_pages, write_site

CODE_CSS = "/css/code.css"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What a build includes: drafts and future posts only when asked; `now` decides the future."""

    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # None: the clock; without an offset, in the site's timezone


@dataclass(slots=True)
class BuildReport:
    """What a build did: pages written, posts published, warnings, and each stage's seconds."""

    pages: int = 0
    posts: int = 0
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
        finally:
            self.timings[name] = time.perf_counter() - start


def build(site_root: Path, output: Path, options: BuildOptions = BuildOptions()) -> BuildReport:
    """Build the site at `site_root` into `output`; raise `BuildFailed` with every problem."""
    report = BuildReport()
    config = report.stage("config", load_config, site_root)
    loaded = report.stage("load", load_posts, site_root, config)
    errors = [problem for problem in loaded.problems if problem.is_error]
    if errors:
        raise BuildFailed(loaded.problems, "load")
    report.warnings = loaded.problems
    zone = ZoneInfo(config.timezone)
    now = options.now or datetime.now(zone)
    now = now if now.tzinfo else now.replace(tzinfo=zone)
    posts = published(loaded.posts, now, options.drafts, options.future)
    index = report.stage("index", build_index, posts, config)
    env = make_environment(theme_dirs(site_root, "templates"), config)
    pages = report.stage("render", render_site, env, index, config)
    pages.append(report.stage("feeds", rss_feed, index.posts, config))
    pages.append(Page(CODE_CSS, urls.output_path(CODE_CSS), code_stylesheet().encode("utf-8"), "code stylesheet"))
    pages += report.stage("static", static_pages, theme_dirs(site_root, "static"))
    report.stage("write", write_site, pages, output)
    report.pages, report.posts = len(pages), len(index.posts)
    return report
