"""The keys of pages: digests of everything a page is made from, so that a page whose key did
not change need not be rendered again."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

from builder.core.model import CARD, Post, shown_by_card, view_digest


def fingerprint(value: Any) -> str:
    """Give a digest of everything a page is rendered from; a post counts by its digest."""
    digest = hashlib.blake2b(digest_size=16)
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest: "hashlib._Hash", value: Any) -> None:
    """Feed a value's stable description to `digest`, recursively."""
    if isinstance(value, Post):
        digest.update(b"P" + value.digest.encode())
    elif isinstance(value, dict):
        digest.update(b"{")
        for key in sorted(value):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, (list, tuple, frozenset, set)):
        digest.update(b"[")
        for item in sorted(value) if isinstance(value, (set, frozenset)) else value:
            _feed(digest, item)
        digest.update(b"]")
    elif dataclasses.is_dataclass(value):
        digest.update(type(value).__name__.encode())
        _feed(digest, [getattr(value, f.name) for f in dataclasses.fields(value)])
    else:
        digest.update(f"{type(value).__name__}:{value!r};".encode())


Keyer = Callable[..., str]  # (template, *values) -> the key of a page rendered by that template


def keyer(shared_key: str, templates: dict[str, str]) -> Keyer:
    """Give the function that makes page keys: of the template (by its digest and those of
    the templates it uses), of what every context holds (`shared_key`), and of the page's
    own values."""
    def key(template: str, *values: str) -> str:
        return _key(shared_key, templates.get(template, ""), template, *values)
    return key


def _key(*parts: str) -> str:
    """Give a digest of strings (by their tuple's repr, which no other tuple has)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def post_views(posts: tuple[Post, ...], listed: tuple[str, ...]) -> dict[str, str]:
    """Give, by URL, a digest of what pages other than a post's own may show of it: its card,
    made when it was loaded, unless their templates read more of it (`listed`). A post's own
    page is keyed by its whole digest instead."""
    if shown_by_card(listed):
        return {post.url: post.card for post in posts}
    names = sorted({*listed, *CARD})
    return {post.url: view_digest(post, names) for post in posts}


def seen_by(views: dict[str, str]) -> Callable[..., list[str]]:
    """Give what tells posts apart in the key of a page that lists them: their views (`post_views`),
    an empty string for none."""
    def seen(*posts: Post | None) -> list[str]:
        return [views[post.url] if post is not None else "" for post in posts]
    return seen
