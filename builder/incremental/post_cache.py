"""The build cache in `.cache/`: posts as loaded (front-matter validated, Markdown rendered),
kept between builds so that an unchanged file is neither read nor rendered again.

The posts are spread over a fixed number of shard files by a stable hash of their path, so
that an edit rewrites one small file, not the whole cache; within a file, each post is pickled
on its own, so that a fast-path build decodes only the few posts it wants. Each file is a file of
the store (`builder/incremental/store.py`): its header says it holds posts, made for the
cache key (builder, libraries, config) and its own shard number, with a checksum of its body;
a file that is stale, truncated, corrupted or misplaced is detected and ignored, never
trusted, and only its posts are read again. Only the builder's own data types can be read
back from it.

Beside the posts, `.cache/memo/` keeps the last result of a few pure functions over the whole
site (`remembered`: related posts), in files of the store too, made for a digest of their
argument."""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import os
import pickle
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from builder import __version__
from builder.core.model import Config, Post
from builder.incremental import store
from builder.incremental.last_build import code_digest, library_versions

CACHE_DIR = ".cache"
SHARDS_DIR = Path(CACHE_DIR) / "posts"
SHARDS = 64  # at 10,000 posts, about 150 posts and 1 MB a file
KIND, VERSION = "posts", 3  # a shard file's, in its header (see `store`)
LEGACY_FILE = Path(CACHE_DIR) / "posts.pickle"  # the single file of format 1, removed on write
MEMO_DIR = Path(CACHE_DIR) / "memo"  # results of pure functions over the whole site (`remembered`)
MEMO_KIND, MEMO_VERSION = "memo", 1
A, R = TypeVar("A"), TypeVar("R")

# A post is kept as its fields after `source`, its first: the path is kept apart, relative.
# The post itself is not pickled: `read_posts` makes it, from its path and its other fields.
_post_rest = operator.attrgetter(*(field.name for field in dataclasses.fields(Post)[1:]))


def cache_key(config: Config) -> bytes:
    """Give what a cached post depends on besides its own file: the builder's code (any change
    to it may change a post's HTML or its data's shape), the libraries, and the settings."""
    text = repr((__version__, code_digest(), library_versions(), config))  # the config holds the Markdown settings
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def shard_of(relative: str) -> int:
    """Give the shard of a post from its path relative to the site root, with forward slashes:
    the same on every run and every machine (unlike `hash`)."""
    return zlib.crc32(relative.encode("utf-8", "surrogateescape")) % SHARDS


def _shard_name(number: int) -> str:
    """Give the file name of a shard."""
    return f"{number:02x}.pickle"


def _made_for(key: bytes, number: int) -> str:
    """Give what a shard file's header says it was made for: the cache key and its number."""
    return f"{key.hex()} {number}"


def read_posts(site_root: Path, key: bytes) -> dict[Path, Post]:
    """Give the cached posts by source path: those of every shard file that is present, was
    made for this builder and config, and passes its checksum and the allow-list."""
    posts = {}
    for number in range(SHARDS):  # (many objects, none in a cycle: `build` pauses the collector)
        decoded = _decoded(site_root, _read_shard(site_root, key, number))
        posts.update((post.source, post) for post in decoded.values())
    return posts


def read_some(site_root: Path, key: bytes, relatives: list[str] | set[str]) -> dict[str, Post]:
    """Give the cached posts at these paths (from the site root, with forward slashes) that the
    cache holds, by path, reading only their shards, and decoding only them."""
    posts = {}
    for number in sorted({shard_of(relative) for relative in relatives}):
        entries = _read_shard(site_root, key, number)
        posts.update(_decoded(site_root, [entry for entry in entries if entry[0] in relatives]))
    return posts


def update_posts(site_root: Path, key: bytes, posts: list[Post]) -> None:
    """Save these posts in their shard files, beside the posts those files hold already."""
    prefix = site_prefix(site_root)
    folder = site_root / SHARDS_DIR
    by_shard: dict[int, dict[str, bytes]] = {}
    for post in posts:
        if (relative := site_relative(post.source, prefix)) is not None:
            by_shard.setdefault(shard_of(relative), {})[relative] = _encoded(post)
    for number, changed in sorted(by_shard.items()):
        held = dict(_read_shard(site_root, key, number))
        _write_shard(folder, key, number, sorted({**held, **changed}.items(), key=operator.itemgetter(0)))


def _read_shard(site_root: Path, key: bytes, number: int) -> list[tuple[str, bytes]]:
    """Give the posts of one shard file, each as its path from the site root and its fields
    pickled (see `_decoded`), or nothing if anything is wrong with the file."""
    found = store.read(site_root / SHARDS_DIR / _shard_name(number), KIND, VERSION, _made_for(key, number))
    if found is None:
        return []
    try:
        entries = store.unpickled(found[1])
    except Exception:  # any damage the checksum missed: read the posts again rather than trust it
        return []
    well_formed = isinstance(entries, list) and all(
        isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], bytes)
        for entry in entries)
    return entries if well_formed else []


def _decoded(site_root: Path, entries: list[tuple[str, bytes]]) -> dict[str, Post]:
    """Give the posts of a shard's entries, by path from the site root; nothing if one is damaged."""
    posts = {}
    try:
        for relative, data in entries:
            # Kept with paths relative to the site root, so that the cache survives a move.
            fields = store.unpickled(data)
            if isinstance(fields, tuple):
                posts[relative] = Post(site_root / relative, *fields)
    except Exception:  # any damage the checksum missed: read the posts again rather than trust them
        return {}
    return posts


def _encoded(post: Post) -> bytes:
    """Give a post's fields but its path, pickled on their own: a shard is a list of such
    entries, so that a fast-path build decodes only the few posts it wants of a shard."""
    return store.pickled(_post_rest(post))


def write_posts(site_root: Path, key: bytes, posts: dict[Path, Post],
                previous: dict[Path, Post] | None = None) -> None:
    """Save the posts to the cache: the shard files whose posts differ from `previous` (what
    the cache held before), or all of them when it is not given; each atomically."""
    prefix = site_prefix(site_root)
    shards: list[list[tuple[str, Post]]] = [[] for _ in range(SHARDS)]
    for path, post in posts.items():
        if (relative := site_relative(path, prefix)) is not None:
            shards[shard_of(relative)].append((relative, post))
    changed = set(range(SHARDS)) if previous is None else _changed_shards(posts, previous, prefix)
    folder = site_root / SHARDS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for number in sorted(changed):
        entries = sorted(shards[number], key=operator.itemgetter(0))
        _write_shard(folder, key, number, [(relative, _encoded(post)) for relative, post in entries])
    (site_root / LEGACY_FILE).unlink(missing_ok=True)


def _changed_shards(posts: dict[Path, Post], previous: dict[Path, Post], prefix: str) -> set[int]:
    """Give the shards of the posts added, removed or changed since `previous`."""
    changed = set()
    for path in posts.keys() | previous.keys():
        post, old = posts.get(path), previous.get(path)
        # A post reused from the cache is the very object read from it: no need to compare fields.
        if post is not old and post != old and (relative := site_relative(path, prefix)) is not None:
            changed.add(shard_of(relative))
    return changed


def site_prefix(site_root: Path) -> str:
    """Give what the paths of a site's files start with (`site_relative`'s prefix), as `Path`
    joins them: the site root and a separator, or nothing for `.` (`Path(".") / "content"` is
    `content`)."""
    return str(site_root / "_")[:-1]


def site_relative(path: Path, prefix: str) -> str | None:
    """Give a path relative to the site root (`prefix`, ending with a separator) with forward
    slashes, or None when it lies elsewhere; string work, as pathlib's is slow at this scale."""
    text = str(path)
    return text[len(prefix):].replace(os.sep, "/") if text.startswith(prefix) else None


def _write_shard(folder: Path, key: bytes, number: int, entries: list[tuple[str, bytes]]) -> None:
    """Write one shard file: its posts, each as its path from the site root and `_encoded`."""
    body = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
    store.write(folder / _shard_name(number), KIND, VERSION, _made_for(key, number), body)


def remembered(site_root: Path, key: bytes, name: str, compute: Callable[[A], R]) -> Callable[[A], R]:
    """Give `compute`, a pure function of one argument made of plain values (tuples, strings,
    numbers) that gives plain values, remembered in the cache: the last result is kept in
    `.cache/memo/NAME.pickle` with a digest of its argument (and of `key`: the builder and
    config), and given again while the argument is the same; checked as the posts' files are."""
    path = site_root / MEMO_DIR / f"{name}.pickle"

    def call(argument: A) -> R:
        asked = hashlib.blake2b(key + repr(argument).encode(), digest_size=16).hexdigest()
        result = store.load(path, MEMO_KIND, MEMO_VERSION, asked)
        if result is None:  # never remembered, or damaged: computed again, never trusted
            result = compute(argument)
            store.save(path, MEMO_KIND, MEMO_VERSION, asked, result)
        return result

    return call
