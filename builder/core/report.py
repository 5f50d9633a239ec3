"""What a build is asked to do (`BuildOptions`) and what it did (`BuildReport`), stage by stage."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from builder.core.errors import BuildFailed, Problem

T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # (stage, done, total), to draw a progress bar


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What a build includes: drafts and future posts only when asked; `now` decides the
    future; the search index unless skipped (previews and fast-path builds do without)."""

    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # None: the clock; without an offset, in the site's timezone
    jobs: int = 1  # processes for the work that can be spread
    cache: bool = False  # read and update the build cache in the site's .cache/
    search: bool = True  # index the post pages with Pagefind (never in a preview)


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
    replaced_whole_because: str = ""  # why the output was replaced whole, if it was
    fast_path: bool = False  # only edited posts' pages and feeds were made, from the last build's record
    fast_path_not_because: str = ""  # why a build with the cache did not take the fast path
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


def for_stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    """Give a stage's own progress callback, naming the stage."""
    return (lambda done, total: progress(stage, done, total)) if progress else None
