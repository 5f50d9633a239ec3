"""The only writer of the output. Every file a build writes is staged in a sibling folder first.
A build that replaces the output whole swaps that folder in, in one atomic step, with the search
index made inside it. A build that knows what the output holds (its ledger) stages only the files
whose bytes changed, then moves them in through a journal that the next build completes if this
one is killed on the way."""

from __future__ import annotations

import ctypes
import dataclasses
import filecmp
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from builder.core.errors import BuildFailed, Problem
from builder.core.model import Page, Stored
from builder.output.destination import CHANGED_FILE, NEW_INPUTS, NEW_PAGE, WHOLE
from builder.output.paths import check_pages, leaves_folder, path_problem

# What the output holds, as far as a build knows: each file's `Stored`, by output path.
Ledger = dict[str, Stored]

# Marks a folder as one `blog build` made, so that it never replaces a folder it did not make.
MARKER = ".blog-build"
MARKER_TEXT = b"This folder is written by `blog build`; each build replaces what it holds.\n"


def replaceable(output: Path) -> bool:
    """Tell whether `output` may be replaced: absent, empty, or made by a previous build."""
    if not output.exists():
        return True
    return output.is_dir() and (not any(output.iterdir()) or (output / MARKER).is_file())


@dataclass(frozen=True, slots=True)
class Target:
    """Where a build puts the files it makes: a staging folder beside the output, whether it
    will replace the output whole, and what the output holds already, as far as known: every
    file (the ledger), or only some (the files fast-path builds made since), or none."""

    staging: Path
    output: Path
    previous: Ledger
    replaces_whole: bool

    # A `Destination`, for the output code, which does not import this module.
    def held(self, path: str, key: str) -> Stored | None:
        """Give what the output holds at `path` if that file was made from the same inputs (`key`)
        and is still as it was written; None when the file must be made again."""
        entry = self.previous.get(path)
        if entry is None or not key or entry.key != key or not file_untouched(f"{self.output}/{path}", entry):
            return None  # (a path joined as text: this runs for every page, and pathlib is slow)
        return entry

    def put(self, page: Page, key: str = "") -> Page:
        """Stage a page, unless the output holds its very bytes (see `put`)."""
        return put(self, page, key)

    def why_made(self, path: str, key: str) -> str:
        """Say why the file at `path`, made from the inputs `key`, was made anew."""
        if self.replaces_whole:
            return WHOLE
        held = self.previous.get(path)
        if held is None:  # not in the ledger, or a fast-path build's target, which knows only some files
            return NEW_INPUTS if os.path.isfile(f"{self.output}/{path}") else NEW_PAGE
        return NEW_INPUTS if held.key != key else CHANGED_FILE


@contextmanager
def staged(output: Path, previous: Ledger | None = None) -> Iterator[Target]:
    """Give a target with a new, empty staging folder beside `output`; with `previous`, what
    the output holds, the build stages only the files that changed (a file `previous` does not
    list is compared with the output's), otherwise it replaces the output whole. On leaving,
    whatever happened, the staging folder is removed: unless `publish` put the staged files in
    place, the previous output stays as it was."""
    output = output.resolve()
    if not replaceable(output):
        raise BuildFailed([Problem(output, 1, 1, f"refusing to replace {output}: it was not made by `blog build`",
                                   hint=f"choose another --output, or empty it (a build leaves a {MARKER} file)")], "write")
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp's folder is private; a published site is not
    merges = previous is not None and output.is_dir()
    try:
        yield Target(staging, output, previous if merges else {}, not merges)
    finally:
        if _journal_path(output).exists():  # stopped while moving files in: finish, never half
            _apply_journal(output)
        shutil.rmtree(staging, ignore_errors=True)


def publish(target: Target, paths: Collection[str], whole: tuple[str, ...] = ()) -> tuple[int, int]:
    """Put the staged files in place: swap the staging folder in whole, or move each staged
    file in and delete the files that are not among the build's `paths` any more, through a
    journal; a folder named in `whole` (the search index or one of its bundles, made by a
    tool) replaces its old self: the files it no longer has (all, when none was staged) are
    deleted. Give (files
    written, files deleted)."""
    if target.replaces_whole:
        (target.staging / MARKER).write_bytes(MARKER_TEXT)
        _swap(target.staging, target.output)
        return len(paths), 0
    wanted = set(paths)
    moves = sorted(path for path in _files_under(target.staging) if not _kept(target, path, whole))
    deletes = [path for path in target.previous if path not in wanted]
    for folder in whole:
        deletes += [f"{folder}/{path}" for path in _files_under(target.output / folder)
                    if not (target.staging / folder / path).is_file()]
    journal = {"staging": target.staging.name, "moves": moves, "deletes": sorted(deletes)}
    atomic_write(_journal_path(target.output), json.dumps(journal).encode())
    _apply_journal(target.output)
    return len(journal["moves"]), len(journal["deletes"])


@contextmanager
def merged_view(target: Target, paths: list[str]) -> Iterator[Path]:
    """Give a folder beside the output holding the files at `paths` as the output will hold
    them once published (hard links to the staged file, or to the output's), for a tool that
    reads the whole site before anything is published: the search indexer."""
    view = Path(tempfile.mkdtemp(prefix=f".{target.output.name}.staging-view-", dir=target.output.parent))
    try:
        for path in paths:
            source = target.staging / path
            if not source.is_file():
                source = target.output / path
            (view / path).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, view / path)
            except OSError:  # a file system without hard links
                shutil.copyfile(source, view / path)
        yield view
    finally:
        shutil.rmtree(view, ignore_errors=True)


def _kept(target: Target, path: str, whole: tuple[str, ...]) -> bool:
    """Tell whether a file a tool staged (in a folder of `whole`) is in the output already,
    with the same bytes: it need not move (pages are compared as they are staged)."""
    output_file = target.output / path
    return (any(path.startswith(f"{folder}/") for folder in whole) and output_file.is_file()
            and filecmp.cmp(target.staging / path, output_file, shallow=False))


def _files_under(root: Path) -> Iterator[str]:
    """Give the path, relative to `root`, of every file under it."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            yield Path(folder, name).relative_to(root).as_posix()


def _journal_path(output: Path) -> Path:
    """Give where the journal of a build that merges its files into `output` is kept."""
    return output.parent / f".{output.name}.journal"


def _apply_journal(output: Path) -> None:
    """Carry out the journal beside `output` (again, if a build was killed while carrying it
    out: a file already moved is skipped), then drop it with its staging folder."""
    journal = _journal_path(output)
    try:
        plan = json.loads(journal.read_bytes())
        name, moves, deletes = plan["staging"], list(plan["moves"]), list(plan["deletes"])
    except (OSError, ValueError, TypeError, KeyError):
        journal.unlink(missing_ok=True)  # never written whole (it is renamed in): nothing was moved
        return
    ours = isinstance(name, str) and name.startswith(f".{output.name}.staging-") and "/" not in name
    if not ours or any(not isinstance(path, str) or leaves_folder(path) for path in (*moves, *deletes)):
        journal.unlink(missing_ok=True)  # not one of ours: never act on it
        return
    staging = output.parent / name
    for path in moves:
        source = staging / path
        if source.is_file():
            (output / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, output / path)
    for path in deletes:
        (output / path).unlink(missing_ok=True)
        _prune_empty(output, (output / path).parent)
    atomic_write(output / MARKER, MARKER_TEXT)  # a new marker: the output is not what it was
    # A build killed while writing that marker left its temporary file: gone before the journal is.
    for stale in output.glob(f".{MARKER}.*"):
        stale.unlink(missing_ok=True)
    journal.unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _prune_empty(output: Path, folder: Path) -> None:
    """Remove `folder` and its parents up to `output` while they are empty."""
    while folder != output and folder.is_relative_to(output):
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone): stop here
            return
        folder = folder.parent


def recover(output: Path) -> None:
    """Finish or undo what a build killed mid-way left beside `output`: carry out a journal
    of moves (and the temporary file of a marker it was writing then), put back a site that was
    moved aside but not replaced, and delete staging and retired folders."""
    if _journal_path(output).exists():
        _apply_journal(output)
    leftovers = sorted(output.parent.glob(f".{output.name}.staging-*")) + sorted(output.parent.glob(f".{output.name}.old-*"))
    if not output.exists():
        retired = [path / output.name for path in leftovers if (path / output.name / MARKER).is_file()]
        if retired:
            os.replace(retired[-1], output)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def put(target: Target, page: Page, key: str = "") -> Page:
    """Stage a page, unless the output already holds its very bytes; give it back without its
    bytes, with what is known of its file. A path that would leave the output is refused;
    two pages on one path are found by `write_pages`, before anything is published."""
    problem = path_problem(page)
    if problem:
        raise BuildFailed([problem], "write")
    digest = hashlib.blake2b(page.data, digest_size=16).hexdigest()
    held = None if target.replaces_whole else _held(target, page, digest)
    if held is not None:
        stored = Stored(key, digest, *held)
    else:
        staged_file = target.staging / page.path
        staged_file.parent.mkdir(parents=True, exist_ok=True)
        staged_file.write_bytes(page.data)
        info = staged_file.stat()  # a rename keeps them: the size and time the output will show
        stored = Stored(key, digest, info.st_size, info.st_mtime_ns)
    return dataclasses.replace(page, data=b"", stored=stored)


def _held(target: Target, page: Page, digest: str) -> tuple[int, int] | None:
    """Give the size and time of the output's file at the page's path if it holds the page's
    very bytes (`digest`): as the ledger says and the file's size and time confirm, or, for a
    file the ledger does not list, as the file itself shows."""
    path = f"{target.output}/{page.path}"  # (joined as text: this runs for every page)
    entry = target.previous.get(page.path)
    if entry is not None:
        return (entry.size, entry.mtime_ns) if entry.digest == digest and file_untouched(path, entry) else None
    try:
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            same = info.st_size == len(page.data) and file.read() == page.data
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if same else None


def write_pages(pages: list[Page], target: Target, progress: Callable[[int, int], None] | None = None) -> list[Page]:
    """Put every page not yet put in place (see `put`), after raising `BuildFailed` if two
    pages share a path or one leaves the output; give every page, without its bytes.
    `progress(done, total)` hears every 100 files."""
    problems = check_pages(pages)
    if problems:
        raise BuildFailed(problems, "write")
    waiting = sum(page.stored is None for page in pages)
    done, result = 0, []
    for page in pages:
        if page.stored is None:
            page = put(target, page)
            done += 1
            if progress and (done % 100 == 0 or done == waiting):
                progress(done, waiting)
        result.append(page)
    return result


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


def file_untouched(path: Path | str, entry: Stored) -> bool:
    """Tell whether a file of the output still has the size and time it was written with."""
    return as_written(path, entry.size, entry.mtime_ns)


def as_written(path: Path | str, size: int, mtime_ns: int) -> bool:
    """Tell whether a file has this size and time (it was not changed or deleted since)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_size == size and info.st_mtime_ns == mtime_ns
