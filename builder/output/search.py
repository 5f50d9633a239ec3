"""Site search: Pagefind indexes the post pages of a written site, with the stemming of the
site's language, and writes its index and scripts beside them, for `/recherche/`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from builder.core import urls
from builder.core.errors import BuildFailed, Problem
from builder.core.model import Config

TIMEOUT_SECONDS = 600
_TOOL = Path("pagefind")  # what problems name: the index is no source file's fault
_INSTALL_HINT = "install it with `pip install 'pagefind[extended]'`, or build with --no-search"


def index_site(folder: Path, config: Config, into: Path | None = None) -> None:
    """Index the post pages under `folder` (a written site) into its `pagefind/` folder, or
    into the folder `into`; raise `BuildFailed` when Pagefind is missing or fails."""
    # The program, not the `pagefind.index` Python API: that API's service answers each request
    # after a 0.1 s poll, so giving it 2,000 pages one by one took 202 s against the program's
    # 1.6 s; and its `get_files` hung on that 11 MB index (it reads answers of 2 MiB at most).
    # Measured with pagefind 1.5.2 on bench/generate.py's site.
    # Paths relative to the site, so that no build folder's path can reach the index.
    where = ["--output-path", os.path.relpath(into, folder)] if into else ["--output-subdir", urls.SEARCH_BUNDLE.strip("/")]
    command = [
        str(pagefind_binary()),
        "--site", ".",
        *where,
        "--glob", urls.POST_PAGES_GLOB,
        "--force-language", config.language.split("-")[0].lower(),  # one index, French stemming
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
        raise BuildFailed([Problem(_TOOL, 1, 1, f"Pagefind failed (exit code {result.returncode}): {said}")], "search")


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
