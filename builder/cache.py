"""The build cache in `.cache/`: posts as loaded (front-matter validated, Markdown rendered),
kept between builds so that an unchanged file is neither read nor rendered again.

The file carries a header that says what it was made by and for (format, builder version,
config), and a checksum of its body: a cache that is stale, truncated or corrupted is detected
and ignored, never trusted. Only the builder's own data types can be read back from it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

from builder import __version__
from builder.model import Config, Post
from builder.state import library_versions

CACHE_DIR = ".cache"
POSTS_FILE = "posts.pickle"
FORMAT = b"blog-cache-1"
# What a cache file may contain: the model's types and the plain values they hold.
_ALLOWED = {
    ("builder.model", name) for name in ("Post", "Topic", "Tag", "Heading", "Reference", "PostLink", "Asset")
} | {
    ("datetime", "datetime"), ("datetime", "timezone"), ("datetime", "timedelta"),
    ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"), ("copyreg", "_reconstructor"), ("builtins", "object"),
}


class _Pickler(pickle.Pickler):
    """A pickler that writes time zones by name (their own pickling goes through getattr)."""

    def persistent_id(self, obj: object) -> str | None:
        return f"zone:{obj.key}" if isinstance(obj, ZoneInfo) else None


class _Unpickler(pickle.Unpickler):
    """An unpickler that refuses every class but the model's: a cache file is data, never code."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)

    def persistent_load(self, pid: str) -> ZoneInfo:
        if not isinstance(pid, str) or not pid.startswith("zone:"):
            raise pickle.UnpicklingError("unknown reference in the cache")
        return ZoneInfo(pid.removeprefix("zone:"))


def cache_key(config: Config) -> bytes:
    """Give what a cached post depends on besides its own file: the builder's code (any change
    to it may change a post's HTML or its data's shape), the libraries, and the settings."""
    text = repr((__version__, _code_digest(), library_versions(), config))  # the config holds the Markdown settings
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Give a digest of the builder's own Python files."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()




def read_posts(site_root: Path, key: bytes) -> dict[Path, Post]:
    """Give the cached posts by source path, or nothing when the cache is absent, was made
    for another builder or config, or fails its checksum."""
    try:
        file = (site_root / CACHE_DIR / POSTS_FILE).open("rb")
    except OSError:
        return {}
    with file:  # read twice, checksum then objects, rather than held whole in memory
        header = file.readline().rstrip(b"\n")
        body_start = file.tell()
        digest = hashlib.blake2b(digest_size=16)
        while chunk := file.read(1 << 20):
            digest.update(chunk)
        if header != FORMAT + b" " + key.hex().encode() + b" " + digest.hexdigest().encode():
            return {}
        file.seek(body_start)
        return _read_entries(file, site_root)


def _read_entries(file, site_root: Path) -> dict[Path, Post]:
    """Unpickle the cached posts from `file`, or nothing if anything is wrong with them."""
    try:
        entries = _Unpickler(file).load()
        # Posts are kept with paths relative to the site root, so the cache survives a move.
        return {site_root / relative: dataclasses.replace(post, source=site_root / relative)
                for relative, post in entries.items() if isinstance(post, Post) and isinstance(relative, PurePath)}
    except Exception:  # any damage the checksum missed: rebuild rather than trust it
        return {}


def write_posts(site_root: Path, key: bytes, posts: dict[Path, Post]) -> None:
    """Save the posts to the cache atomically (temp file, then rename)."""
    entries = {path.relative_to(site_root): post for path, post in posts.items() if path.is_relative_to(site_root)}
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(entries)
    body = buffer.getvalue()
    header = FORMAT + b" " + key.hex().encode() + b" " + hashlib.blake2b(body, digest_size=16).hexdigest().encode()
    folder = site_root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{POSTS_FILE}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(header + b"\n" + body)
        os.replace(temporary, folder / POSTS_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
