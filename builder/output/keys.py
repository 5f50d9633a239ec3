"""The keys of pages: digests of everything a page is made from, so that a page whose key did
not change need not be rendered again."""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from operator import attrgetter
from typing import Any

from builder.core.model import CARD, Post, shown_by_card, view_digest
from builder.output.template_reads import OWN_POST


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


def post_views(posts: tuple[Post, ...], listed: tuple[str, ...]) -> dict[str, str]:
    """Give, by URL, a digest of what pages other than a post's own may show of it: its card,
    made when it was loaded, unless their templates read more of it (`listed`). A post's own
    page is keyed by its whole digest instead."""
    if shown_by_card(listed):
        return {post.url: post.card for post in posts}
    names = sorted({*listed, *CARD})
    return {post.url: view_digest(post, names) for post in posts}


# Values a key holds as they are (`marshal` writes them, with their types).
_PLAIN = frozenset({str, int, float, bool, type(None)})
# The version of `marshal`'s format that keys are written in: the last one without references,
# so that equal values give equal bytes, whether or not they are the same objects.
_MARSHAL_VERSION = 2


@dataclass(frozen=True, slots=True)
class PageKeys:
    """What the key of every page is made of besides its own inputs: the fingerprint of what
    every context holds (`shared_values`), each template's digest (of its source and those of
    the templates it uses), and each post's view (`post_views`), by URL."""

    shared: str
    digests: dict[str, str]
    views: dict[str, str]

    def key(self, template: str, url: str, inputs: Mapping[str, Any]) -> str:
        """Give the key of the page at `url` rendered by `template` from `inputs`, the values
        its context is made from: the page's own post (`inputs["post"]`) counts by its whole
        digest, any other post by its view. Made of one flat list, written by `marshal` (in C,
        three times as fast as its repr) and digested once: it runs for every page of every build."""
        parts: list[Any] = [self.shared, self.digests.get(template, ""), template, url, tuple(inputs)]
        own = inputs.get(OWN_POST)
        if type(own) is Post:
            parts.append(("own", own.digest))
            values: Iterable[Any] = [value for name, value in inputs.items() if name != OWN_POST]
        else:
            values = inputs.values()
        _add_items(values, self.views, parts)
        return hashlib.blake2b(marshal.dumps(parts, _MARSHAL_VERSION), digest_size=16).hexdigest()


def _add_items(items: Iterable[Any], views: dict[str, str], parts: list[Any]) -> None:
    """Add what tells each item apart to the flat list `parts`: a plain value as it is, a post
    by its view (`views`), a date as a tuple, a sequence or a dataclass item by item after a
    tuple that says what follows (no plain value is a tuple, so no two values give one list)."""
    for item in items:
        kind = type(item)
        if kind in _PLAIN:
            parts.append(item)
        elif kind is Post:
            parts.append(("post", views[item.url]))
        elif kind is tuple or kind is list:
            parts.append(("items", len(item)))
            _add_items(item, views, parts)
        elif kind is datetime or kind is date:
            parts.append((kind.__name__, item.isoformat(), str(getattr(item, "tzinfo", None))))
        else:
            fields = _fields(kind)
            if fields is None:  # never guessed at: a key that missed part of a value would leave pages stale
                raise TypeError(f"a page's inputs cannot hold a {kind.__name__}: {item!r}")
            parts.append((kind.__name__, len(fields[0])))
            _add_items(fields[1](item), views, parts)


@cache
def _fields(kind: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]] | None:
    """Give the names of a dataclass's fields, in order, and the function that gives their
    values; None for a type that is no dataclass."""
    if not dataclasses.is_dataclass(kind):
        return None
    names = tuple(field.name for field in dataclasses.fields(kind))
    return names, (attrgetter(*names) if len(names) > 1 else lambda value: (getattr(value, names[0]),))
