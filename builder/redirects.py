"""Old URLs kept: each post's `aliases` become permanent redirects in Netlify's `_redirects`."""

from __future__ import annotations

from builder import urls
from builder.errors import Problem, quoted
from builder.model import Page, Post

REDIRECTS = "/_redirects"


def redirect_rules(posts: tuple[Post, ...], page_urls: set[str]) -> tuple[Page, list[Problem]]:
    """Give `_redirects` with one `alias target 301` line per alias, sorted; a problem for an
    alias that is a page of the site or another post's alias (a redirect would hide it)."""
    rules: dict[str, str] = {}
    owners: dict[str, Post] = {}
    problems = []
    for post in posts:
        for alias in post.aliases:
            taken = _taken(alias, page_urls)
            if taken:
                problems.append(Problem(post.source, post.line_of("aliases"), 1, f"alias {quoted(alias)} is the page {taken}",
                                        hint="an alias names an old address that no page has any more"))
            elif alias in owners and owners[alias] is not post:
                problems.append(Problem(post.source, post.line_of("aliases"), 1,
                                        f"alias {quoted(alias)} is also an alias of {owners[alias].source}"))
            else:
                owners[alias], rules[alias] = post, post.url
    text = "".join(f"{alias} {target} 301\n" for alias, target in sorted(rules.items()))
    return Page(REDIRECTS, urls.output_path(REDIRECTS), text.encode("utf-8"), "aliases"), problems


def _taken(alias: str, page_urls: set[str]) -> str | None:
    """Give the page URL an alias would shadow, with or without its trailing slash."""
    for candidate in (alias, alias.rstrip("/") + "/", alias.rstrip("/")):
        if candidate in page_urls:
            return candidate
    return None
