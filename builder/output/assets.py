"""Stylesheets and scripts published under names that carry a digest of their bytes
(`style.3f9a1c2b7e.css`), so that a host may let browsers keep them for a year: a new
version has a new name."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from posixpath import splitext

from builder.core import urls
from builder.core.model import Page

FINGERPRINTED = (".css", ".js")
DIGEST_LENGTH = 10  # hex digits: ample to tell a handful of versions of one file apart


@dataclass(frozen=True, slots=True)
class Assets:
    """The static files to publish, and the published URL of each fingerprinted one."""

    pages: tuple[Page, ...]
    urls: Mapping[str, str]  # URL as templates name it ("/css/style.css") -> published URL


def fingerprinted_url(url: str, data: bytes) -> str:
    """Give `url` with a digest of `data` before its extension: "/css/style.css" -> "/css/style.<digest>.css"."""
    stem, extension = splitext(url)
    digest = hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]
    return f"{stem}.{digest}{extension}"


def fingerprint(pages: Iterable[Page]) -> Assets:
    """Rename the stylesheets and scripts among `pages` after their content; other files keep their URL."""
    published, names = [], {}
    for page in pages:
        if page.url.endswith(FINGERPRINTED):
            names[page.url] = fingerprinted_url(page.url, page.data)
            page = replace(page, url=names[page.url], path=urls.output_path(names[page.url]))
        published.append(page)
    return Assets(tuple(published), dict(sorted(names.items())))
