"""Old URLs kept: each post's `aliases` become permanent redirects in Netlify's `_redirects`."""

from __future__ import annotations

from urllib.parse import unquote

from builder.core import urls
from builder.core.errors import Problem, quoted
from builder.core.model import Page, Post

REDIRECTS = "/_redirects"


def redirect_rules(posts: tuple[Post, ...], page_urls: set[str]) -> tuple[Page, list[Problem]]:
    """Give `_redirects` with one `alias target 301` line per alias, sorted; a problem for an
    alias that is a page of the site or another post's alias (a redirect would hide it),
    however it is spelled."""
    pages = {_matched(url): url for url in sorted(page_urls)}
    rules: dict[str, str] = {}
    owners: dict[str, tuple[Post, str]] = {}  # each alias as Netlify matches it -> its post and spelling
    problems = []
    for post in posts:
        for alias in post.aliases:
            matched = _matched(alias)
            owner, spelling = owners.get(matched, (post, alias))
            if matched in pages:
                problems.append(Problem(post.source, post.line_of("aliases"), 1,
                                        f"alias {quoted(alias)} is the page {pages[matched]}",
                                        hint="an alias names an old address that no page has any more"))
            elif owner is not post:
                problems.append(Problem(post.source, post.line_of("aliases"), 1,
                                        f"alias {quoted(alias)} is also an alias of {owner.source}"
                                        + (f", spelled {quoted(spelling)}" if spelling != alias else "")))
            else:
                owners.setdefault(matched, (post, alias))
                rules[alias] = post.url
    text = "".join(f"{alias} {target} 301\n" for alias, target in sorted(rules.items()))
    return Page(REDIRECTS, urls.output_path(REDIRECTS), text.encode("utf-8"), "aliases"), problems


def _matched(path: str) -> str:
    """Give the one form of the paths Netlify takes for `path`: it decodes percent-escapes,
    ignores case (it lowercases paths) and a trailing slash, and serves `x/index.html` at `x/`."""
    path = unquote(path).lower()
    if path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    return path.rstrip("/") or "/"
