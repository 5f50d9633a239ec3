"""The only writer of the output: every file staged in a sibling folder, swapped in whole; the
search index is made inside the staging folder, before the swap."""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from builder.errors import BuildFailed, Problem
from builder.model import Page
from builder.sources import outside

# Marks a folder as one `blog build` made, so that it never replaces a folder it did not make.
MARKER = ".blog-build"
MARKER_TEXT = b"This folder is written by `blog build`; it is replaced whole on each build.\n"


def path_problem(page: Page) -> Problem | None:
    """Give a problem when a page's path would leave the output folder."""
    parts = PurePosixPath(page.path).parts
    if not parts or page.path.startswith("/") or "\\" in page.path or "\0" in page.path or ".." in parts:
        return Problem(Path(page.origin), 1, 1, f"output path {page.path!r} is outside the output folder")
    return None


def check_pages(pages: list[Page]) -> list[Problem]:
    """Give a problem for each page whose path leaves the output folder or is already taken."""
    problems, owners = [], {}
    for page in pages:
        problem = path_problem(page)
        if problem:
            problems.append(problem)
        elif page.path in owners:
            problems.append(Problem(Path(page.origin), 1, 1,
                                    f"{page.path} is written twice: {owners[page.path]} writes it too"))
        else:
            owners[page.path] = page.origin
    return problems


def static_pages(folders: tuple[Path, ...]) -> tuple[list[Page], list[Problem]]:
    """Read the static files to copy, the first folder's winning over later ones; a file
    that links out of its folder is a problem, not a page."""
    found: dict[str, Path] = {}
    problems = []
    for folder in reversed(folders):  # later (default) first, so the site's files replace them
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            problem = outside(path, folder)
            if problem:
                problems.append(problem)
            else:
                found[path.relative_to(folder).as_posix()] = path
    return [Page("/" + rel, rel, path.read_bytes(), str(path)) for rel, path in sorted(found.items())], problems


def replaceable(output: Path) -> bool:
    """Tell whether `output` may be replaced: absent, empty, or made by a previous build."""
    if not output.exists():
        return True
    return output.is_dir() and (not any(output.iterdir()) or (output / MARKER).is_file())


@contextmanager
def staged(output: Path) -> Iterator[Path]:
    """Give a new, empty staging folder beside `output` for the next site; when the block
    ends without error, swap it in place of `output`. On any failure (or interruption) the
    staging folder is removed and the previous output stays as it was."""
    output = output.resolve()
    if not replaceable(output):
        raise BuildFailed([Problem(output, 1, 1, f"refusing to replace {output}: it was not made by `blog build`",
                                   hint=f"choose another --output, or empty it (a build leaves a {MARKER} file)")], "write")
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
    try:
        yield staging
        (staging / MARKER).write_bytes(MARKER_TEXT)
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def recover(output: Path) -> None:
    """Undo what a build killed mid-way left beside `output`: put back a site that was
    moved aside but not replaced, and delete staging and retired folders."""
    leftovers = sorted(output.parent.glob(f".{output.name}.staging-*")) + sorted(output.parent.glob(f".{output.name}.old-*"))
    if not output.exists():
        retired = [path / output.name for path in leftovers if (path / output.name / MARKER).is_file()]
        if retired:
            os.replace(retired[-1], output)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def write_page(folder: Path, page: Page) -> None:
    """Write one page into `folder` (a staging folder) as soon as it is made, so that pages need
    not all be held in memory; a path that would leave the folder is refused first. Two pages
    on one path are found by `write_pages`, before the staging folder is swapped in."""
    problem = path_problem(page)
    if problem:
        raise BuildFailed([problem], "write")
    target = folder / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page.data)


def write_pages(pages: list[Page], folder: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Write every page not written yet into `folder` (a staging folder); raise `BuildFailed`
    first if two pages share a path or one leaves the folder. `progress(done, total)` hears
    every 100 files."""
    problems = check_pages(pages)
    if problems:
        raise BuildFailed(problems, "write")
    pages = [page for page in pages if not page.written]
    for parent in sorted({(folder / page.path).parent for page in pages}):
        parent.mkdir(parents=True, exist_ok=True)  # each once, parents first: pages share folders
    for done, page in enumerate(pages, start=1):
        (folder / page.path).write_bytes(page.data)
        if progress and (done % 100 == 0 or done == len(pages)):
            progress(done, len(pages))


def _swap(staging: Path, output: Path) -> None:
    """Put `staging` in place of `output` so that, whenever the process dies, `output`
    holds either the whole old site or the whole new one."""
    if not output.exists():
        os.replace(staging, output)
    elif _exchange(staging, output):
        shutil.rmtree(staging)  # now the old site
    else:  # two renames; `recover` puts the old site back if we die between them
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        os.replace(output, retired / output.name)
        os.replace(staging, output)
        shutil.rmtree(retired, ignore_errors=True)


_RENAME_EXCHANGE = 2  # from <linux/fs.h>
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 with RENAME_EXCHANGE); give
    False where the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:  # the running process's own symbols include libc's (find_library would spawn ldconfig)
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


# What an in-place writer last wrote: output path -> digest of its bytes.
Manifest = dict[str, str]


def sync_site(pages: list[Page], output: Path, manifest: Manifest) -> tuple[int, int]:
    """Update `output` in place to hold exactly `pages`, for a preview: write only the files
    whose bytes changed since `manifest` (updated here), each atomically, and delete the
    files no page writes any more. Give (files written, files deleted)."""
    problems = check_pages(pages)
    if problems:
        raise BuildFailed(problems, "write")
    output.mkdir(parents=True, exist_ok=True)
    (output / MARKER).write_bytes(MARKER_TEXT)
    wanted: Manifest = {}
    written = 0
    for page in pages:
        digest = hashlib.blake2b(page.data, digest_size=16).hexdigest()
        wanted[page.path] = digest
        target = output / page.path
        if manifest.get(page.path) == digest and target.is_file():
            continue
        atomic_write(target, page.data)
        written += 1
    stale = [path for path in manifest if path not in wanted]
    for path in stale:
        (output / path).unlink(missing_ok=True)
    manifest.clear()
    manifest.update(wanted)
    return written, len(stale)


def atomic_write(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file in the same folder, so a reader
    sees the old bytes or the new ones, never a part."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
