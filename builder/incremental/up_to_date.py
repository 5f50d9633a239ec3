"""Whether a build has nothing to do: the check `blog build` runs before loading the rest of the
builder (no Jinja, markdown-it, Pygments), from the sizes and times of the inputs alone."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timezone
from pathlib import Path

from builder.content.folders import theme_folders
from builder.core.parallel import aside
from builder.incremental import last_build
from builder.incremental.output_record import output_as_recorded
from builder.writer.write import MARKER

STATE_FILE = last_build.STATE_FILE  # where the last build's inputs are recorded, for `blog build --explain`


def check_output(site_root: Path, output: Path, cached: bool) -> AbstractContextManager[Callable[[], bool] | None]:
    """Start the check that every file of the output is as the last build left it, in another
    process beside this one's work (stopped if nobody asks for its answer); nothing without the cache."""
    return aside(output_as_recorded, site_root, output) if cached else nullcontext()


def read_inputs(site_root: Path) -> last_build.Inputs:
    """Give the sizes and times of every input of a build of the site (its theme's too)."""
    return last_build.read_inputs(site_root, theme_folders(site_root))


def nothing_to_do(site_root: Path, output: Path, drafts: bool, future: bool, search: bool, now: datetime | None,
                  inputs: last_build.Inputs) -> bool:
    """Tell, from sizes and times alone, whether the last build's output is what a build would
    write now: same inputs, options and output, and no post published or unpublished by the
    passing of time (the output's own files are checked apart: `check_output`)."""
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:  # read in the site's timezone: leave it to a real build
        return False
    return last_build.is_current(last_build.read_state(site_root), inputs.digest,
                            last_build.options_digest(drafts, future, search, output),
                            moment, last_build.marker_of(output, MARKER))
