"""The fast path to rebuild after editing posts: when the edits change nothing that a page shows
but the edited posts' own pages and the feeds that hold them, only those are made, from what the
last complete build recorded, without reading the whole site again.

After each complete build with the cache, `.cache/quick.pickle` records what a post's page and
the feeds are made from besides the posts themselves: the published posts in order, each one's
neighbours and related posts, each feed's posts, the values every page's key holds, every post
file's size and time (a fast-path build keeps what it changes of it in a small file of edits beside
it, `.cache/quick-edits.pickle`), and the posts with raw HTML shown as text, whose warnings a
fast-path build gives again, as a complete build does. A build takes the fast path when, since that
build, only post files changed (the config, the templates, the static files, the builder and
the options are the same, and no post file was added or removed) and each edited post still
shows other pages the same card (title, date, tags, summary…), the same images and the same
headings' anchors, its links resolve, and it has raw HTML shown as text only if it had.
Otherwise, or when the record is missing or damaged, a build is a complete build. Both give the
same bytes (tests/test_quick.py, and the property test, check it).

Both files are files of the store (`builder/incremental/store.py`), their bodies pickled dicts
of named fields (the record's are `Record`'s), each checked for its type as it is read back;
the edits' header says which record they amend (its `base`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from builder.content.folders import POSTS_DIR
from builder.content.links import (missing_static_images, post_link_targets, resolve_links, site_link_problems,
                                   site_links)
from builder.content.load import UNCHANGED, file_stamp, load_post, post_assets
from builder.core import urls
from builder.core.model import Channel, Config, Post, shown_by_card
from builder.incremental import post_cache, store
from builder.incremental.last_build import Inputs
from builder.output.headers import remote_images
from builder.site.index import Neighbours, SiteIndex

RECORD_FILE = Path(".cache") / "quick.pickle"
KIND, VERSION = "record", 4  # a record file's, in its header (see `store`): its body is the fields by name
# What fast-path builds changed in the record since it was written whole (see `write_edits`).
EDITS_FILE = Path(".cache") / "quick-edits.pickle"
EDITS_KIND, EDITS_VERSION = "record-edits", 2
# Post files edited by fast-path builds since the record was written whole: beyond, it is again.
MOST_EDITED_POSTS = 1_000
MOST_EDITS = 16  # beyond as many edited posts, a complete build is about as quick
NONE = -1  # the position of no post: the oldest has no older one


@dataclass(frozen=True, slots=True)
class Record:
    """What a complete build was made from, besides the posts themselves (in the cache)."""

    inputs: str  # the digest of its inputs, as its `State` holds it
    base: str  # the `inputs` of the record as written whole, which the edits of fast-path builds amend
    scope: str  # the ledger's: builder, libraries, config and options
    others: str  # the digest of its inputs but the post files
    files: dict[str, tuple[int, int]]  # every post file's (mtime_ns, size), by path from the site root
    shapes: dict[str, str]  # every post's `shape`, by path: what other pages and posts see of it
    order: tuple[str, ...]  # the published posts, newest first, by path
    around: tuple[tuple[int, int, tuple[int, ...]], ...]  # each one's older, newer and related posts, by position
    resolved: dict[str, tuple[str, tuple[tuple[str, str], ...]]]  # posts linking to posts: digest and hrefs
    channels: tuple[tuple[str, str, str, tuple[int, ...]], ...]  # each feed's listing URL, title, description, posts
    shared: dict[str, Any]  # what every page's context and key hold (`render.shared_values`)
    digests: dict[str, str]  # the templates' (`templates.template_digests`)
    listed: tuple[str, ...]  # what the templates show of a post other than a page's own
    static: tuple[str, ...]  # the URLs of the static files
    warned: tuple[str, ...] = ()  # the posts with raw HTML shown as text, whose warnings a fast-path build gives again
    addresses: tuple[str, ...] = ()  # every page's, feed's, static file's and alias's: what links may name
    left_out: tuple[int, int] = (0, 0)  # the drafts and the future posts the build left out


# Each field of a record and its type (from its annotation: str, dict or tuple), by which a
# record file's body, a dict of the fields by name, is checked as it is read back.
_FIELD_KINDS = {field.name: {"str": str, "dict": dict, "tuple": tuple}[str(field.type).partition("[")[0]]
                for field in dataclasses.fields(Record)}
# The fields of the edits' body, likewise (the record they amend is what their file is made for).
_EDITS_KINDS = {"inputs": str, "files": dict, "resolved": dict}


def _as_record(value: object) -> Record | None:
    """Give the record a file's body holds: a dict of each field of `Record` by name, with a
    value of its type; None for anything else."""
    if not (isinstance(value, dict) and value.keys() == _FIELD_KINDS.keys()):
        return None
    return Record(**value) if all(isinstance(value[name], kind) for name, kind in _FIELD_KINDS.items()) else None


@dataclass(frozen=True, slots=True)
class Plan:
    """What the fast path makes: the page of each edited post that is published, with the
    posts around it; the feeds that hold one; and what to record once they are in place."""

    pages: list[tuple[Post, Neighbours]]
    channels: list[Channel]
    advertised: dict[str, Channel]  # the feeds a post's page links to, by listing URL (their title is all it shows)
    loaded: list[Post]  # the edited posts as loaded, before their links resolve: for the cache
    edited: list[str]  # their files, by path from the site root
    rendered: int  # how many of them had new bytes, rendered from Markdown (the others were only touched)
    record: Record  # the record of the site once built
    warned: list[Post]  # the posts with raw HTML shown as text (`Record.warned`), edited or not


def make_record(site_root: Path, inputs: Inputs, scope: str, posts: tuple[Post, ...], index: SiteIndex,
                shared: dict[str, Any], digests: dict[str, str], listed: tuple[str, ...],
                static: list[str], addresses: set[str] | frozenset[str] = frozenset(),
                left_out: tuple[int, int] = (0, 0)) -> Record | None:
    """Give the record of a complete build of the site at `site_root`, of `posts` (drafts and
    future posts too) and of `index`, made of those it published; None if a post's file is not
    named from the site root, as the build's inputs are (then there is no fast path)."""
    prefix = post_cache.site_prefix(site_root)
    paths = {post.source: post_cache.site_relative(post.source, prefix) for post in posts}
    if None in paths.values() or set(paths.values()) != inputs.posts.keys():
        return None
    shapes = {paths[post.source]: shape(post) for post in posts}
    order = tuple(paths[post.source] for post in index.posts)
    position = {post.url: number for number, post in enumerate(index.posts)}

    def at(post: Post | None) -> int:
        return position[post.url] if post is not None else NONE

    around = tuple((at(near.older), at(near.newer), tuple(map(at, near.related)))
                   for near in (index.neighbours[post.url] for post in index.posts))
    resolved = {path: (post.digest, post.hrefs) for path, post in zip(order, index.posts) if post.hrefs}
    channels = tuple((channel.page, channel.title, channel.description, tuple(map(at, channel.posts)))
                     for channel in index.channels.values())
    warned = tuple(sorted(paths[post.source] for post in posts if post.raw_html))
    return Record(inputs.digest, inputs.digest, scope, inputs.others, dict(inputs.posts), shapes, order, around,
                  resolved, channels, shared, dict(digests), listed, tuple(sorted(static)), warned,
                  tuple(sorted(addresses)), left_out)


def read_record(site_root: Path) -> Record | None:
    """Give the record of the last complete build (as the edits of fast-path builds since amend
    it), or None when there is none or it is damaged."""
    record = _as_record(store.load(site_root / RECORD_FILE, KIND, VERSION))
    if record is None:
        return None
    edits = _edits(site_root, record.base)
    if edits is None:
        return record
    inputs, files, resolved = edits
    resolved = {path: entry for path, entry in {**record.resolved, **resolved}.items() if entry is not None}
    return dataclasses.replace(record, inputs=inputs, files={**record.files, **files}, resolved=resolved)


def write_record(site_root: Path, record: Record) -> None:
    """Keep the record of a complete build, whole (its edits go first: they amend the last)."""
    (site_root / EDITS_FILE).unlink(missing_ok=True)
    fields = {name: getattr(record, name) for name in _FIELD_KINDS}  # (not `asdict`: it copies every value)
    store.save(site_root / RECORD_FILE, KIND, VERSION, record.base, fields)


def write_edits(site_root: Path, record: Record, edited: list[str]) -> None:
    """Keep what a fast-path build changed in the record (`record`, as it is now): the edited post
    files' sizes and times, and their resolved links, beside what the fast-path builds since the
    record was written whole changed; a small file, rather than 2 MB at 10,000 posts. Past
    `MOST_EDITED_POSTS` post files, the record is written whole again."""
    _inputs, files, resolved = _edits(site_root, record.base) or ("", {}, {})
    files |= {path: record.files[path] for path in edited}
    resolved |= {path: record.resolved.get(path) for path in edited}
    if len(files) > MOST_EDITED_POSTS:
        write_record(site_root, dataclasses.replace(record, base=record.inputs))
    else:
        edits = {"inputs": record.inputs, "files": files, "resolved": resolved}
        store.save(site_root / EDITS_FILE, EDITS_KIND, EDITS_VERSION, record.base, edits)


def forget_record(site_root: Path) -> None:
    """Drop the record: the next build is a complete build."""
    (site_root / EDITS_FILE).unlink(missing_ok=True)
    (site_root / RECORD_FILE).unlink(missing_ok=True)


def _edits(site_root: Path, base: str) -> tuple[str, dict, dict] | None:
    """Give what fast-path builds changed in the record written whole with `base` for its inputs:
    the inputs since, and the files and resolved links (None: none any more) they changed;
    None when there are no such edits, or they amend another record, or they are damaged."""
    edits = store.load(site_root / EDITS_FILE, EDITS_KIND, EDITS_VERSION, base)
    if not (isinstance(edits, dict) and edits.keys() == _EDITS_KINDS.keys()
            and all(isinstance(edits[name], kind) for name, kind in _EDITS_KINDS.items())):
        return None
    return edits["inputs"], edits["files"], edits["resolved"]


# Gives the posts at these paths (from the site root) as loaded, before their links resolve:
# from the build cache, or a preview's memo.
Fetch = Callable[[set[str]], dict[str, Post]]


def plan(site_root: Path, config: Config, record: Record, inputs: Inputs, fetch: Fetch) -> Plan | str:
    """Give what to make for the post files changed since the record was made, or why the
    fast path cannot build them (then a complete build does, which also reports every problem)."""
    edits = _edited_posts(site_root, config, record, inputs, fetch)
    if isinstance(edits, str):
        return edits
    changed, before, loaded = edits
    # The posts their pages and feeds show, and those they link to, with their links resolved.
    where = {path: number for number, path in enumerate(record.order)}
    shown = [number for number in map(where.get, changed) if number is not None]
    touching = [number for number, (*_page, posts) in enumerate(record.channels) if set(shown) & set(posts)]
    around = _posts_around(site_root, record, changed, loaded, shown, touching, fetch)
    if isinstance(around, str):
        return around
    others, targets, warned = around
    edited = _resolved(loaded, [others[path] for path in sorted(targets)], site_root, record, where)
    if edited is None:
        return "an edited post has a broken link or image"
    shown_posts = tuple(post for path, post in zip(changed, edited) if path in where)
    why_not = _site_link_problem(shown_posts, site_root, record, config)
    if why_not:
        return why_not
    posts = {**{path: _as_resolved(post, record.resolved.get(path)) for path, post in others.items()},
             **dict(zip(changed, edited))}
    pages, channels, advertised = _pages_and_feeds(record, posts, shown, touching)
    resolved = {path: entry for path, entry in record.resolved.items() if path not in changed}
    resolved |= {path: (post.digest, post.hrefs) for path, post in zip(changed, edited) if post.hrefs and path in where}
    after = dataclasses.replace(record, inputs=inputs.digest, files=dict(inputs.posts), resolved=resolved)
    rendered = sum(path not in before or post.source_digest != before[path].source_digest
                   for path, post in zip(changed, loaded))
    warned_posts = [post for post in loaded if post.raw_html] + [warned[path] for path in sorted(warned)]
    return Plan(pages, channels, advertised, loaded, changed, rendered, after, warned_posts)


def _edited_posts(site_root: Path, config: Config, record: Record, inputs: Inputs,
                  fetch: Fetch) -> tuple[list[str], dict[str, Post], list[Post]] | str:
    """Give the post files changed since the record was made, the posts they held then, and
    the posts they hold now, each showing other pages what it showed them at the last build;
    or why the fast path cannot build them."""
    if record.others != inputs.others:
        return "a file other than a post changed (the config, a template, a static file, an image…)"
    if record.files.keys() != inputs.posts.keys():
        return "a post file was added or removed"
    if not shown_by_card(record.listed):
        return "the templates show more of the posts a page lists than their card"
    changed = sorted(path for path, stamp in inputs.posts.items() if record.files[path] != stamp)
    if not changed or len(changed) > MOST_EDITS:
        return f"{len(changed)} post files changed (the quick way takes 1 to {MOST_EDITS})"
    before = fetch(set(changed))
    loaded = [_reloaded(site_root / path, site_root, config, before.get(path)) for path in changed]
    for path, post in zip(changed, loaded):
        if post is None:
            return f"{path} has a problem"
        if shape(post) != record.shapes.get(path):
            return f"{path} shows other pages something new (its title, date, tags, summary, images or headings)"
        if bool(post.raw_html) != (path in record.warned):
            return f"{path} has raw HTML shown as text, or no longer has: the last build warned otherwise"
    return changed, before, loaded


def _posts_around(site_root: Path, record: Record, changed: list[str], loaded: list[Post], shown: list[int],
                  touching: list[int], fetch: Fetch) -> tuple[dict[str, Post], set[str], dict[str, Post]] | str:
    """Give the posts, other than the edited ones, that their pages and feeds show; the post
    files they link to; and the posts whose warnings the last build gave: all from `fetch`."""
    targets = {f"{POSTS_DIR.as_posix()}/{name}" for post in loaded
               for name in post_link_targets(post, site_root / POSTS_DIR)} - set(changed)
    if not targets <= record.files.keys():
        return "an edited post links to a post file that does not exist"
    wanted = {record.order[number] for at in shown for number in _around(record, at) if number != NONE}
    wanted |= {record.order[number] for channel in touching for number in record.channels[channel][3]}
    others = fetch((wanted | targets) - set(changed))
    if len(others) != len((wanted | targets) - set(changed)):
        return "the build cache lacks a post that the pages to make show"
    warned = fetch(set(record.warned) - set(changed))
    if len(warned) != len(set(record.warned) - set(changed)):
        return "the build cache lacks a post whose warnings the last build gave"
    return others, targets, warned


def _site_link_problem(shown_posts: tuple[Post, ...], site_root: Path, record: Record, config: Config) -> str:
    """Say why the edited posts' links to pages of the site, by address, keep the fast path
    out, as `assemble.site_problems` checks them; "" when they do not. The fast path makes
    no page and removes none, so the last build's addresses are the site's."""
    if site_link_problems(shown_posts, shown_posts, site_root / POSTS_DIR, set(record.addresses), config.base_url):
        return "an edited post has a broken link"
    own = {post.url for post in shown_posts}
    if any(fragment and path not in own
           for post in shown_posts for path, fragment, _ in site_links(post, config.base_url)):
        return "an edited post links to an anchor of another post's page by its address"
    return ""


def _pages_and_feeds(record: Record, posts: dict[str, Post], shown: list[int],
                     touching: list[int]) -> tuple[list[tuple[Post, Neighbours]], list[Channel], dict[str, Channel]]:
    """Give the edited posts' pages, with the posts around them; the feeds that hold one; and
    the feeds a post's page links to."""
    def at(number: int) -> Post | None:
        return posts[record.order[number]] if number != NONE else None

    pages = []
    for number in shown:
        older, newer, related = record.around[number]
        pages.append((at(number), Neighbours(at(older), at(newer), tuple(map(at, related)))))
    channels = [Channel(page, title, description, tuple(map(at, numbers)))
                for page, title, description, numbers in map(record.channels.__getitem__, touching)]
    advertised = {page: Channel(page, title, description, ()) for page, title, description, _posts in record.channels
                  if page == urls.HOME}
    return pages, channels, advertised


def _around(record: Record, number: int) -> list[int]:
    """Give the positions of the posts a post's page shows besides its own."""
    older, newer, related = record.around[number]
    return [older, newer, *related]


def _reloaded(source: Path, site_root: Path, config: Config, before: Post | None) -> Post | None:
    """Give an edited post as loaded (before its links resolve; `before`, the cache's, if its
    bytes are the same), or None when it cannot be loaded without a problem."""
    loaded = load_post(source, site_root, config, before)
    if loaded == UNCHANGED and before is not None:  # (the cache may be newer than the last build: a preview's)
        return dataclasses.replace(before, stamp=file_stamp(source) or (0, 0))
    if not isinstance(loaded, Post):
        return None
    assets, missing = post_assets(loaded, site_root)
    return None if missing else dataclasses.replace(loaded, assets=assets)


def shape(post: Post) -> str:
    """Give a digest of what other pages show of a post (its card), of what is published
    beside its page (its images, and the hosts of its remote ones, which `_headers` names),
    and of what links to it are checked against (its anchors)."""
    hosts = tuple(sorted({urlsplit(target)[:2] for target in remote_images(post)}))
    values = (post.card, post.assets, tuple(heading.anchor for heading in post.headings), hosts)
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def _resolved(loaded: list[Post], targets: list[Post], site_root: Path, record: Record,
              where: dict[str, int]) -> list[Post] | None:
    """Give the edited posts with their links resolved, or None when one has a problem: a
    link to a missing anchor or to a post left unpublished, or an image not in static/."""
    everything = (*loaded, *targets)
    resolved, problems = resolve_links(everything, site_root / POSTS_DIR, tuple(post.source for post in everything))
    edited = list(resolved[:len(loaded)])
    sources = {post.source for post in loaded}
    if any(problem.path in sources for problem in problems):
        return None
    if missing_static_images(tuple(edited), set(record.static)):
        return None
    prefix = post_cache.site_prefix(site_root)
    for post in edited:
        published = post_cache.site_relative(post.source, prefix) in where
        if published and any(post_cache.site_relative(link.target, prefix) not in where for link in post.post_links):
            return None
    return edited


def _as_resolved(post: Post, resolved: tuple[str, tuple[tuple[str, str], ...]] | None) -> Post:
    """Give a post from the cache as the last build resolved its links (what its body shows)."""
    if resolved is None:
        return post
    digest, hrefs = resolved
    return dataclasses.replace(post, digest=digest, hrefs=hrefs)
