"""The Content-Security-Policy the site is served with, in Netlify's `_headers`: the site's own
files only, plus the hosts of the remote images its posts show, so that a post may show
`https://images.example.org/logo.png` and the policy stays as tight as it can be."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from builder.core import urls
from builder.core.errors import Problem, Severity, quoted
from builder.core.model import Page, Post

HEADERS = "/_headers"
# Every path: the site's own files, plus what Pagefind needs on the search page: WebAssembly
# ('wasm-unsafe-eval', which does not allow eval()), its worker, its fetches, and the data: icon
# of its stylesheet (post images may be data: too). One policy for every path: a narrower one
# for /recherche/ would need two rules to overlap. Remote image hosts join `img-src`.
POLICY = (
    ("default-src", ("'none'",)),
    ("script-src", ("'self'", "'wasm-unsafe-eval'")),
    ("style-src", ("'self'",)),
    ("img-src", ("'self'", "data:")),
    ("connect-src", ("'self'",)),
    ("worker-src", ("'self'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
    ("frame-ancestors", ("'none'",)),
)
# A host name as a policy may name it (lower case, ASCII: markdown-it writes a domain name in
# punycode): nothing that could end a source (a space) or a directive (`;`) in the header.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


def headers_file(posts: tuple[Post, ...]) -> Page:
    """Give `_headers`: the policy on every path, with the image hosts the posts show."""
    text = ("# Written by `blog build` (builder/output/headers.py): the Content-Security-Policy, with the\n"
            "# hosts of the posts' remote images. netlify.toml sets the other headers.\n"
            f"/*\n  Content-Security-Policy: {content_security_policy(image_origins(posts))}\n")
    return Page(HEADERS, urls.output_path(HEADERS), text.encode("utf-8"), "Content-Security-Policy")


def content_security_policy(origins: tuple[str, ...] = ()) -> str:
    """Give the policy, `origins` (`https://host`) allowed as image sources too."""
    return "; ".join(" ".join((name, *sources, *(origins if name == "img-src" else ())))
                     for name, sources in POLICY)


def image_origins(posts: tuple[Post, ...]) -> tuple[str, ...]:
    """Give the `https://host[:port]` of every remote image the posts show, sorted, once each."""
    return tuple(sorted({origin for post in posts for target in remote_images(post)
                         if (origin := _https_origin(urlsplit(target)))}))


def remote_images(post: Post) -> tuple[str, ...]:
    """Give the targets of a post's images that another host serves (`https://host/x.png`,
    `//host/x.png`), in the order written."""
    return tuple(reference.target for reference in post.references
                 if reference.image and urlsplit(reference.target).netloc)


def image_problems(posts: tuple[Post, ...]) -> list[Problem]:
    """Give a problem for each remote image a reader's browser will not show: one not served
    over https (a warning: the page itself is), or whose host cannot be named in the policy."""
    problems = []
    for post in posts:
        for reference in post.references:
            parts = urlsplit(reference.target)
            if not reference.image or not parts.netloc:
                continue
            line = post.body_line + reference.line - 1
            if parts.scheme not in ("https", ""):
                problems.append(Problem(post.source, line, reference.col,
                                        f"image {quoted(reference.target)} is not served over https",
                                        Severity.WARNING,
                                        hint="the site is: browsers show such an image over https or not at all; "
                                             "write its https:// address"))
            elif _https_origin(parts) is None:
                problems.append(Problem(post.source, line, reference.col,
                                        f"image {quoted(reference.target)}: {quoted(parts.netloc)} is not a host name"))
    return problems


def _https_origin(parts: SplitResult) -> str | None:
    """Give `https://host[:port]` for a URL served over https (or written `//host/...`, which
    pages served over https fetch so) whose host a policy can name; None otherwise."""
    if parts.scheme not in ("https", ""):
        return None
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        return None
    if not _HOST.fullmatch(host):
        return None
    return f"https://{host}" + (f":{port}" if port not in (None, 443) else "")
