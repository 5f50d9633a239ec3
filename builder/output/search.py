"""Site search: Pagefind indexes the post pages of a written site, with the stemming of the
site's language, one bundle (index and scripts) per quarter of posts under `/pagefind/`, which
`/recherche/` merges."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

from builder.core import urls
from builder.core.errors import BuildFailed, Problem
from builder.core.model import Config

TIMEOUT_SECONDS = 600
_TOOL = Path("pagefind")  # what problems name: the index is no source file's fault
_INSTALL_HINT = "install it with `pip install 'pagefind[extended]'`, or build with --no-search"


def index_bundles(bundles: dict[str, list[str]], view: Callable[[list[str]], AbstractContextManager[Path]],
                  into: Path, config: Config, jobs: int) -> None:
    """Index each search bundle (its name, and the output paths of its post pages) into its own
    folder under `into`, reading the pages in a folder `view(paths)` gives (the bundle's glob
    picks them there, among others it may hold), up to `jobs` runs at a time; raise
    `BuildFailed` naming every run that failed, once all have ended."""
    # One run per bundle, so that an edit re-indexes one bundle (half a second), not the whole
    # site; the search page merges the bundles (Pagefind's mergeIndex). The runs are processes:
    # threads here only wait for them.
    def index(name: str) -> tuple[Problem, ...]:
        with view(bundles[name]) as folder:
            try:
                index_site(folder, config, into / name, urls.search_bundle_glob(name))
            except BuildFailed as failed:
                return failed.problems
        return ()

    names = sorted(bundles)
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(names)))) as pool:
        problems = dict.fromkeys(problem for found in pool.map(index, names) for problem in found)
    if problems:  # a missing program is one problem, not one per bundle
        raise BuildFailed(list(problems), "search")


def index_site(folder: Path, config: Config, into: Path, glob: str) -> None:
    """Index the post pages under `folder` (a written site, or a part of it) that `glob`
    matches into the folder `into`; raise `BuildFailed` when Pagefind is missing or fails."""
    # The program, not the `pagefind.index` Python API: that API's service answers each request
    # after a 0.1 s poll, so giving it 2,000 pages one by one took 202 s against the program's
    # 1.6 s; and its `get_files` hung on that 11 MB index (it reads answers of 2 MiB at most).
    # Measured with pagefind 1.5.2 on bench/generate.py's site.
    # Paths relative to the site, so that no build folder's path can reach the index.
    into.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(pagefind_binary()),
        "--site", ".",
        "--output-path", os.path.relpath(into, folder),
        "--glob", glob,
        "--force-language", config.language.split("-")[0].lower(),  # French stemming
        "--quiet",
    ]
    try:
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise BuildFailed([Problem(_TOOL, 1, 1, f"Pagefind took more than {TIMEOUT_SECONDS} s")], "search") from None
    except OSError as error:
        raise BuildFailed([Problem(_TOOL, 1, 1, f"cannot run Pagefind: {error.strerror}", hint=_INSTALL_HINT)],
                          "search") from None
    if result.returncode != 0:
        said = " / ".join(line.strip() for line in (result.stdout + result.stderr).splitlines() if line.strip())
        message = f"Pagefind failed on bundle {into.name} (exit code {result.returncode}): {said}"
        raise BuildFailed([Problem(_TOOL, 1, 1, message)], "search")


def pagefind_binary() -> Path:
    """Give the Pagefind program the `pagefind` package finds (`PAGEFIND_BINARY_PATH`, then
    the one `pagefind[extended]` ships); raise `BuildFailed` when there is none."""
    try:
        from pagefind.service import get_executable  # only builds that index need it
    except ImportError:
        binary = None
    else:
        binary = get_executable()
    if binary is None:
        raise BuildFailed([Problem(_TOOL, 1, 1, "Pagefind is not installed", hint=_INSTALL_HINT)], "search")
    return binary
