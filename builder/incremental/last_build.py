"""What the last build was made from, so that a build with nothing to do knows it at once.

After each complete build, `.cache/state.json` records a digest of every input's size and
time (config, posts, templates, static files, the builder's own code), the options, the
window of time in which the same posts are published (or, with --future, marked as
scheduled), and the output's marker file: a file of the store (`builder/incremental/store.py`)
of kind `state` whose body is JSON. A build whose inputs, options, moment and output all match
has nothing to write. This module imports little on purpose (the store uses the standard
library alone): it runs before the rest of the builder is loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from builder.content.folders import POSTS_DIR
from builder.incremental import store

STATE_FILE = Path(".cache") / "state.json"
KIND, FORMAT = "state", 2  # the store's kind and version of the body (`State.format`)
_PACKAGE = Path(__file__).resolve().parent.parent  # the `builder` package, every subpackage in it


@dataclass(frozen=True, slots=True)
class State:
    """The inputs and options of a complete build, and how long its output stays right."""

    format: int
    inputs: str  # digest of every input file's path, size and time, and of the builder's code
    options: str  # drafts, future, search, output folder
    published_from: str | None  # ISO: the newest post already due; an earlier `now` makes it future again
    published_until: str | None  # ISO: the next future post; from then on it is due
    output_marker: tuple[int, int]  # inode and time of the output's marker file


@dataclass(frozen=True, slots=True)
class Inputs:
    """The inputs of a build, by their paths, sizes and times: the post files one by one, so
    that a build can tell which of them changed, and the others as one digest."""

    digest: str  # of every input, and of the builder's code and libraries: what `State` records
    others: str  # of every input but the post files, and of the builder's code and libraries
    posts: dict[str, tuple[int, int]]  # each post file's (mtime_ns, size), by its path from the site root


def read_inputs(site_root: Path, folders: tuple[Path, ...]) -> Inputs:
    """Give the path, size and modification time of every input file (`folders`: the theme's)."""
    site_root = site_root.resolve()  # the same site, however the command names it
    others = hashlib.blake2b(digest_size=16)
    others.update(repr(library_versions()).encode())
    others.update(code_digest().encode())  # the builder itself: a new version rebuilds
    root, posts_folder = os.path.join(site_root, ""), os.path.join(site_root, POSTS_DIR, "")
    posts = {}
    for top in (site_root / "site.yaml", site_root / "content", *folders):
        for path, info in _walk(top):
            if path.startswith(posts_folder) and path.endswith(".md"):
                posts[path[len(root):].replace(os.sep, "/")] = (info.st_mtime_ns, info.st_size)
            else:
                others.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    digest = hashlib.blake2b(f"{others.hexdigest()} {site_root}".encode(), digest_size=16)
    digest.update(pickle.dumps(list(posts.items()), protocol=4))  # the same stamps, the same bytes; 4 × repr's speed
    return Inputs(digest.hexdigest(), others.hexdigest(), posts)


# The libraries whose upgrade may change what a build writes.
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "nh3", "pygments", "pyyaml", "python-slugify")


@lru_cache(maxsize=1)  # the code a process runs does not change while it runs
def code_digest() -> str:
    """Give a digest of the builder's own Python files, each named by its path in the package:
    those of its subpackages too, so that moving a module into one, or editing it there, still
    makes the caches stale."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)  # the same for the life of a process
def library_versions() -> tuple[str, ...]:
    """Give the installed version of each of `LIBRARIES`. A wheel installs its metadata in a
    `name-version.dist-info` folder: the first such folder on `sys.path` names the version, as
    `importlib.metadata` would find it, without its 40 ms of imports and scans on every build.
    A library installed otherwise (an `.egg-info`) is asked of `importlib.metadata`."""
    wanted = {_normalized(name) for name in LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for entry in entries:
            name, _, version = entry.removesuffix(".dist-info").rpartition("-")
            key = _normalized(name)
            if entry.endswith(".dist-info") and key in wanted and key not in found:
                found[key] = version
    if len(found) < len(wanted):
        from importlib.metadata import version as installed  # here: most builds never need it

        return tuple(found.get(_normalized(name)) or installed(name) for name in LIBRARIES)
    return tuple(found[_normalized(name)] for name in LIBRARIES)


def _normalized(name: str) -> str:
    """Give a distribution's name as its metadata folder spells it (PEP 503, with underscores)."""
    return name.lower().replace("-", "_").replace(".", "_")


def _walk(top: Path):
    """Give (path, stat) of every file under `top` (or `top` itself), in a stable order."""
    if top.is_file():
        yield str(top), top.stat()
        return
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                yield path, os.stat(path)
            except FileNotFoundError:  # gone while we looked: the digest differs anyway
                continue


def options_digest(drafts: bool, future: bool, search: bool, output: Path) -> str:
    """Give a digest of the options that change what a build writes."""
    return json.dumps([drafts, future, search, str(output.resolve())])


def marker_of(output: Path, marker: str) -> tuple[int, int]:
    """Give the inode and time of the output's marker: another build or a removal changes them."""
    try:
        info = (output / marker).stat()
    except OSError:
        return (0, 0)
    return (info.st_ino, info.st_mtime_ns)


def read_state(site_root: Path) -> State | None:
    """Give the recorded state, or None when there is none or it cannot be read."""
    found = store.read(site_root / STATE_FILE, KIND, FORMAT)
    if found is None:
        return None
    try:
        data = json.loads(found[1])
        state = State(**{**data, "output_marker": tuple(data["output_marker"])})
    except (ValueError, TypeError, KeyError):
        return None
    return state if state.format == FORMAT else None


def write_state(site_root: Path, state: State) -> None:
    """Record the state of a complete build (see `store.write`), for any build of the site."""
    store.write(site_root / STATE_FILE, KIND, FORMAT, "", json.dumps(asdict(state), sort_keys=True).encode())


def forget_state(site_root: Path) -> None:
    """Drop the recorded state: the next build does the whole work."""
    (site_root / STATE_FILE).unlink(missing_ok=True)


def is_current(state: State | None, inputs: str, options: str, now: datetime, marker: tuple[int, int]) -> bool:
    """Tell whether a build now would write exactly what the last one wrote."""
    return state is not None and state.inputs == inputs and still_current(state, options, now, marker)


def still_current(state: State, options: str, now: datetime, marker: tuple[int, int]) -> bool:
    """Tell whether the output of the last build is still there, untouched, and made with the
    same options for the same published posts as a build now would be, its inputs aside."""
    if state.options != options or state.output_marker != marker or marker == (0, 0):
        return False
    return in_window(state.published_from, state.published_until, now)


def in_window(published_from: str | None, published_until: str | None, now: datetime) -> bool:
    """Tell whether `now` lies between two moments (ISO; None: no bound), the second excluded."""
    if published_from and now < datetime.fromisoformat(published_from):
        return False
    return not (published_until and now >= datetime.fromisoformat(published_until))
