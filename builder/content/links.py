"""Links between posts, written as the Markdown file's path, turned into the posts' URLs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from builder.core.errors import Problem, cut, display_path, quoted
from builder.core.model import Post, PostLink, Reference
from builder.core.urls import SEARCH_BUNDLE

_ID = re.compile(r'\sid="([^"]*)"')  # the ids of a body's elements: heading anchors, footnotes, raw HTML
_POST_ADDRESS = re.compile(r"/\d{4}/\d{2}/[^/]+/?(?:index\.html)?")  # what a post's URL looks like


def is_local(target: str) -> bool:
    """Tell whether a link or image target is a path in the site, not a URL or an anchor."""
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or target.startswith(("#", "/")))


def is_post_link(target: str) -> bool:
    """Tell whether a target names another post's Markdown file (`autre.md#section`)."""
    return is_local(target) and urlsplit(target).path.endswith(".md")


def resolve_links(posts: tuple[Post, ...], posts_root: Path,
                  files: tuple[Path, ...]) -> tuple[tuple[Post, ...], list[Problem]]:
    """Rewrite each post's links to other posts' files as those posts' URLs; give a problem
    for each link whose file or anchor does not exist. `files` are all the post files: a link
    to one that failed to load is left alone, its own problems being reported already."""
    keys = _keys([post.source for post in posts], posts_root)
    by_file = dict(zip(keys, posts))
    broken = set(_keys(files, posts_root)) - by_file.keys()
    # Many posts write the same targets (a site's pages, its sources): each is parsed once.
    written = {reference.target for post in posts for reference in post.references if not reference.image}
    post_targets = set(filter(is_post_link, written))
    anchors: dict[str, set[str]] = {}  # by post file, gathered once however many links point there
    resolved, problems = [], []
    for key, post in zip(keys, posts):
        problems += _same_page_problems(post)
        links = [reference for reference in post.references
                 if not reference.image and reference.target in post_targets]
        if not links:  # most posts: nothing to rewrite
            resolved.append(post)
            continue
        here = posixpath.dirname(key)
        urls: dict[str, str] = {}
        post_links = []
        for reference in links:
            parts = urlsplit(reference.target)
            path = unquote(parts.path)
            name = _file_key(here, path, posts_root)
            target = by_file.get(name)
            line = post.body_line + reference.line - 1
            if name in broken:
                continue
            if target is None:
                problems.append(Problem(post.source, line, reference.col, f"link to {quoted(path)}: no such post",
                                        hint=f"paths are relative to {post.source.parent}"))
                continue
            anchor = unquote(parts.fragment)
            if anchor and name not in anchors:
                anchors[name] = {heading.anchor for heading in target.headings}
            if anchor and anchor not in anchors[name]:
                known = ", ".join(f"#{h.anchor}" for h in target.headings) or "none"
                problems.append(Problem(post.source, line, reference.col,
                                        f"link to {quoted(path)}: no heading #{cut(anchor)} there",
                                        hint=f"its anchors: {known}"))
                continue
            urls[reference.target] = target.url + (f"#{parts.fragment}" if parts.fragment else "")
            post_links.append(PostLink(target.source, target.url, line, reference.col))
        if urls:  # the post's pages now depend on its targets' URLs too
            digest = hashlib.sha256(json.dumps([post.source_digest, sorted(urls.items())]).encode()).hexdigest()
            post = dataclasses.replace(post, hrefs=tuple(sorted(urls.items())), digest=digest,
                                       post_links=tuple(post_links))
        resolved.append(post)
    return tuple(resolved), problems


def post_link_targets(post: Post, posts_root: Path) -> set[str]:
    """Give the post files a post's body links to, by path relative to the posts folder (as
    `resolve_links` names them), whether they exist or not."""
    [key] = _keys([post.source], posts_root)
    return {_file_key(posixpath.dirname(key), unquote(urlsplit(reference.target).path), posts_root)
            for reference in post.references if not reference.image and is_post_link(reference.target)}


def _file_key(here: str, path: str, posts_root: Path) -> str:
    """Give the key of the file a link written in folder `here` (a key's folder) names by
    `path`: relative to the posts folder, even when the path leaves it and comes back in
    (`../posts/autre.md`). Keys are normalized relative paths, so string joins name what
    pathlib's would, cheaper."""
    name = posixpath.normpath(posixpath.join(here, path))
    if not name.startswith("../"):
        return name
    root = posts_root.as_posix().rstrip("/")
    full = posixpath.normpath(posixpath.join(root, name))
    return full[len(root) + 1:] if full.startswith(root + "/") else name


def _same_page_problems(post: Post) -> list[Problem]:
    """Give a problem for each link to an anchor of the post's own page (`#section`) that no
    heading, footnote or element of its body has."""
    fragments = [reference for reference in post.references if not reference.image and reference.target.startswith("#")]
    if not fragments:
        return []
    ids = set(_ID.findall(post.body.decode("utf-8")))
    problems = []
    for reference in fragments:
        anchor = unquote(reference.target[1:])
        if anchor and anchor not in ids:
            known = ", ".join(f"#{heading.anchor}" for heading in post.headings) or "none"
            problems.append(Problem(post.source, post.body_line + reference.line - 1, reference.col,
                                    f"link to {quoted('#' + anchor)}: no heading #{cut(anchor)} in this post",
                                    hint=f"its anchors: {known}"))
    return problems


def site_links(post: Post, base_url: str) -> list[tuple[str, str, Reference]]:
    """Give each link of a post to a page of the site, other than to a post's file or to its
    own page's anchors: the page's path and fragment, unquoted, and the reference. Relative
    links are read from the post's page, as a browser reads them."""
    base = urlsplit(base_url)
    found = []
    for reference in post.references:
        target = reference.target
        if reference.image or target.startswith("#") or is_post_link(target):
            continue
        parts = urlsplit(target)
        if parts.scheme or parts.netloc:  # a full URL is the site's own when it names the site's address
            if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()) \
                    or not (parts.path + "/").startswith(base.path.rstrip("/") + "/"):
                continue
            path = parts.path[len(base.path.rstrip("/")):] or "/"
        else:
            path = urljoin(post.url, parts.path) if parts.path else post.url
        found.append((unquote(path), unquote(parts.fragment), reference))
    return found


def site_link_problems(posts: tuple[Post, ...], every_post: tuple[Post, ...], posts_root: Path,
                       page_urls: set[str], base_url: str, unread: bool = False) -> list[Problem]:
    """Give a problem for each link from these posts to a page of the site that the build does
    not make (`page_urls`: every page, feed, static file and alias), or to an anchor a post's
    page does not have; a relative link that names a post file without its `.md` says so.
    When a post file could not be read (`unread`), an address like a post's may be its: not judged."""
    by_url = {post.url: post for post in posts}
    left_out = {post.url for post in every_post} - by_url.keys()
    files = set(_keys([post.source for post in every_post], posts_root))  # for the hints: once, however many links miss
    problems = []
    for post in posts:
        for path, fragment, reference in site_links(post, base_url):
            line = post.body_line + reference.line - 1
            page = _page_at(path, page_urls)
            if page is None and unread and _POST_ADDRESS.fullmatch(path):
                continue  # that post's own problems are reported
            if page is None:
                local = not urlsplit(reference.target).netloc
                written = unquote(urlsplit(reference.target).path) if local else reference.target
                if _page_at(path, left_out) is not None:
                    problems.append(Problem(post.source, line, reference.col,
                                            f"link to {quoted(written)}: that post is not published (draft or future)",
                                            hint="publish it first, or link to it later"))
                    continue
                problems.append(Problem(post.source, line, reference.col, f"link to {quoted(written)}: no such page",
                                        hint=_missing_page_hint(post, reference, written, files, posts_root)))
            elif fragment and page in by_url and fragment not in {h.anchor for h in by_url[page].headings}:
                known = ", ".join(f"#{h.anchor}" for h in by_url[page].headings) or "none"
                problems.append(Problem(post.source, line, reference.col,
                                        f"link to {quoted(path)}: no heading #{cut(fragment)} there",
                                        hint=f"its anchors: {known}"))
    return problems


def _missing_page_hint(post: Post, reference: Reference, written: str, files: set[str], posts_root: Path) -> str:
    """Give the hint for a link to no page: the post file (among `files`, by key) it names
    without `.md`, if any."""
    if is_local(reference.target):
        [key] = _keys([post.source], posts_root)
        if _file_key(posixpath.dirname(key), written + ".md", posts_root) in files:
            return f"did you mean `{cut(written)}.md`?"
    return "no page, feed, static file or alias of the site has that address"


def _page_at(path: str, page_urls: set[str]) -> str | None:
    """Give the page URL a path leads to (`/x/index.html` and `/x` lead to `/x/`), or None."""
    if path.startswith(SEARCH_BUNDLE):  # made after the pages, by Pagefind
        return path
    for candidate in (path, path.removesuffix("index.html"), path + "/"):
        if candidate in page_urls:
            return candidate
    return None


def links_to_unpublished(posts: tuple[Post, ...], published: tuple[Post, ...]) -> list[Problem]:
    """Give a problem for each link from a published post to a post left out of the
    build (a draft, or dated in the future): readers would find nothing there."""
    out = {post.url for post in posts} - {post.url for post in published}
    return [Problem(post.source, link.line, link.col,
                    f"link to {display_path(link.target)}: that post is not published (draft or future)",
                    hint="publish it first, or link to it later")
            for post in published for link in post.post_links if link.url in out]


def _key(source: Path, posts_root: Path) -> str:
    """Give a post file's path relative to the posts folder, with forward slashes."""
    return source.relative_to(posts_root).as_posix()


def _keys(sources: list[Path] | tuple[Path, ...], posts_root: Path) -> list[str]:
    """Give each post file's `_key`, the folder's own parts taken once for them all."""
    # `relative_to` parses the folder anew on every call, which costs most of this stage at
    # 10,000 posts; a path under it by exact parts gives the same key from its own parts.
    folder = posts_root.parts
    size = len(folder)
    keys = []
    for source in sources:
        parts = source.parts
        under = size and len(parts) > size and parts[:size] == folder
        keys.append("/".join(parts[size:]) if under else _key(source, posts_root))
    return keys


def missing_static_images(posts: tuple[Post, ...], static_urls: set[str]) -> list[Problem]:
    """Give a problem for each image written as a site path (`/images/x.png`) that no
    static file provides; a remote image (`https://host/x.png`, `//host/x.png`) is shown
    from its address."""
    problems = []
    for post in posts:
        for reference in post.references:
            parts = urlsplit(reference.target)
            path = parts.path
            if (reference.image and not parts.scheme and not parts.netloc and path.startswith("/")
                    and unquote(path) not in static_urls):
                problems.append(Problem(post.source, post.body_line + reference.line - 1, reference.col,
                                        f"image {quoted(unquote(path))} not found in static/"))
    return problems
