"""The only reader of `content/`: post files in, validated and rendered `Post`s out, with problems."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from builder.content.folders import POSTS_DIR
from builder.content.frontmatter import FrontMatter, Source, split, validate
from builder.content.links import is_local
from builder.content.markdown import render_markdown
from builder.content.sources import control_characters, decode, outside, read_source, read_text
from builder.core.errors import Problem, Severity, cut, display_path, quoted, sort_problems
from builder.core.model import CARD, Asset, Config, Post, view_digest
from builder.core.parallel import in_parallel
from builder.core.urls import post_url, slugify

SUMMARY_WORDS = 40
_TAGS = re.compile(r"<[^>]+>")
_FOOTNOTE_REFS = re.compile(r'<sup class="footnote-ref">.*?</sup>')


@dataclass(frozen=True, slots=True)
class Loaded:
    """Every post that could be read, and every problem found on the way."""

    posts: tuple[Post, ...]
    problems: tuple[Problem, ...]
    files: tuple[Path, ...] = ()  # every post file found, read or not
    read: int = 0  # files read because their size or time changed (the others came from `known`)
    rendered: int = 0  # of those, the ones whose bytes had changed: parsed and rendered anew


@dataclass(frozen=True, slots=True)
class Dated:
    """A post file's date and draft flag, read from its front-matter alone."""

    source: Path
    date: datetime  # aware, in the site's timezone
    draft: bool


def post_files(site_root: Path) -> tuple[Path, ...]:
    """Give the site's Markdown post files, in a stable order (by their parts, as paths sort)."""
    return tuple(map(Path, _post_names(site_root)))


def _post_names(site_root: Path) -> list[str]:
    """Give the paths of the site's Markdown post files as text, as `post_files` orders them:
    at 10,000 posts, making and hashing a `Path` for each costs more than the rest of a pass."""
    folder = site_root / POSTS_DIR
    found = []
    for parent, dirs, files in os.walk(folder):  # much quicker than Path.rglob on 10,000 files
        dirs.sort()
        parts = tuple(os.path.relpath(parent, folder).split(os.sep)) if parent != str(folder) else ()
        found += [((*parts, name), os.path.join(parent, name)) for name in files if name.endswith(".md")]
    return [name for _parts, name in sorted(found)]


def load_posts(site_root: Path, config: Config, known: dict[Path, Post] | None = None, jobs: int = 1,
               progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Read every post of the site, then check what only the whole set can tell. Posts in
    `known` (read earlier with this same config) are reused when their file is unchanged:
    not read at all when its size and time are the same. The others are read on `jobs`
    processes."""
    by_name = {str(path): post for path, post in (known or {}).items()}
    names = _post_names(site_root)
    results: dict[str, Post | list[Problem]] = {}
    todo = []
    for name in names:
        old = by_name.get(name)
        if old is not None and old.stamp == file_stamp(name):
            results[name] = old
        else:
            todo.append((Path(name), site_root, config, old))
    fresh = in_parallel(load_post, todo, jobs, progress=progress)
    for (path, *_), result in zip(todo, fresh):
        # Touched but not changed: keep the post, with the new time so the file is not read again.
        name = str(path)
        results[name] = (dataclasses.replace(by_name[name], stamp=file_stamp(name) or (0, 0))
                         if result == UNCHANGED else result)
    posts, problems = [], []
    for name in names:
        result = results[name]
        if isinstance(result, list):
            problems += result
            continue
        # Checked on every build, reused post or not: images come and go on their own.
        assets, missing = post_assets(result, site_root)
        posts.append(result if assets == result.assets else dataclasses.replace(result, assets=assets))
        problems += missing
    taken = _duplicate_urls(posts)
    problems += taken + _tag_spellings(posts)
    # A post on another's URL is left out, as a post that failed to load: its page and the
    # other's would collide again in every later check.
    doubles = {problem.path for problem in taken}
    posts = [post for post in posts if post.source not in doubles]
    failed = tuple(Path(name) for name in names if isinstance(results[name], list)) + tuple(sorted(doubles))
    files = tuple(post.source for post in posts) + failed
    return Loaded(tuple(posts), tuple(problems), files, len(todo), sum(isinstance(result, Post) for result in fresh))


UNCHANGED = "unchanged"  # what a worker gives for a file whose bytes are those already known


def read_post_dates(site_root: Path, config: Config) -> tuple[list[Dated], list[Problem]]:
    """Give the date and draft flag of every post file, from its front-matter only (its body is
    not rendered), and the problems of the files that cannot be read."""
    dated, problems = [], []
    for path in post_files(site_root):
        fields = _dates(path, site_root, config)
        if isinstance(fields, list):
            problems += fields
        else:
            dated.append(fields)
    return dated, problems


def _dates(path: Path, site_root: Path, config: Config) -> Dated | list[Problem]:
    """Read one post file's date and draft flag, as `load_post` validates them."""
    data = read_source(path, site_root)
    read = [data] if isinstance(data, Problem) else _front_matter(data, path, config)
    return read if isinstance(read, list) else Dated(path, read[1].date, read[1].draft)


def _front_matter(data: bytes, path: Path, config: Config) -> tuple[Source, FrontMatter] | list[Problem]:
    """Decode a post file's bytes and validate its front-matter, as every reader of posts must;
    give its parts and fields, or every problem found."""
    text = decode(data, path)
    if isinstance(text, Problem):
        return [text]
    source = split(text, path)
    if isinstance(source, Problem):
        return [source]
    fields = validate(source.meta, path, config)
    problems = list(fields) if isinstance(fields, list) else []
    # Control characters written as YAML escapes, past `decode`'s check: one problem a field.
    refused = {(problem.line, problem.col) for problem in problems}
    problems += [problem for problem in control_characters(source.meta, path)
                 if (problem.line, problem.col) not in refused]
    return problems if problems or isinstance(fields, list) else (source, fields)


def file_stamp(path: Path | str) -> tuple[int, int] | None:
    """Give a file's (mtime_ns, size), or None when it cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def load_post(path: Path, site_root: Path, config: Config, known: Post | None = None) -> Post | list[Problem] | str:
    """Read, validate and render one post file; give UNCHANGED if its bytes are those `known`
    (the post as last loaded) was read from. Its fenced blocks that `known` has already are
    not highlighted again."""
    stamp = file_stamp(path)
    data = read_source(path, site_root)
    if isinstance(data, Problem):
        return [data]
    digest = hashlib.sha256(data).hexdigest()
    if known is not None and digest == known.source_digest:
        return UNCHANGED
    read = _front_matter(data, path, config)
    if isinstance(read, list):
        return read
    source, fields = read
    if not source.body.strip():
        return [Problem(path, source.body_line, 1, "the post has no body: write the article under the front-matter")]
    rendered = render_markdown(source.body, config.allow_raw_html, known.fence_html() if known else None)
    slug = fields.slug or slugify(fields.title)
    if not slug:
        return [Problem(path, *source.meta.position("title"), "the title gives an empty slug",
                        hint="add a `slug:` field")]
    url = post_url(fields.date, slug)
    body = rendered.html.encode("utf-8")
    post = Post(
        source=path,
        slug=slug,
        title=fields.title,
        date=fields.date,
        updated=fields.updated,
        topic=fields.topic,
        tags=fields.tags,
        summary=fields.summary or _first_words(rendered.html),
        author=fields.author or config.default_author,
        draft=fields.draft,
        aliases=fields.aliases,
        body=body,
        headings=rendered.headings,
        word_count=rendered.word_count,
        url=url,
        references=rendered.references,
        post_links=(),
        hrefs=(),
        assets=(),
        body_line=source.body_line,
        source_digest=digest,
        stamp=stamp or (0, 0),
        digest=digest,
        field_lines=tuple((key, line) for key, (line, _col) in source.meta.positions.items()),
        fences=_fence_spans(body, rendered.fences),
        raw_html=rendered.raw_html,
        tag_places=tuple(source.meta.position_of("tags", index) for index in range(len(fields.tags))),
    )
    return dataclasses.replace(post, card=view_digest(post, CARD))


def raw_html_warnings(post: Post) -> list[Problem]:
    """Give a warning for each raw HTML block or tag of a post shown as text, where it is written."""
    return [Problem(post.source, post.body_line + line - 1, column, f"raw HTML shown as text: {text}",
                    Severity.WARNING, hint="set `allow_raw_html: true` in site.yaml to publish it as HTML, sanitised")
            for line, column, text in post.raw_html]


def raw_html_warnings_of(posts: tuple[Post, ...] | list[Post]) -> tuple[Problem, ...]:
    """Give the warnings about raw HTML shown as text in these posts, in order: a build that
    reads few posts (the fast path) gives them again as a build that reads all does."""
    return sort_problems([warning for post in posts for warning in raw_html_warnings(post)])


def _fence_spans(body: bytes, fences: dict[str, str]) -> tuple[tuple[str, int, int], ...]:
    """Give where the HTML of each fenced block lies in the body, by its key: any place that
    holds the same bytes will do."""
    spans = []
    for key, html in fences.items():
        data = html.encode("utf-8")
        start = body.find(data)
        if start >= 0:
            spans.append((key, start, start + len(data)))
    return tuple(spans)


def post_assets(post: Post, site_root: Path) -> tuple[tuple[Asset, ...], list[Problem]]:
    """Give the images a post names by a relative path, published beside its page, and a
    problem for each that does not exist or lies outside the post's folder."""
    path = post.source
    assets, problems = {}, []
    for reference in post.references:
        if not reference.image or not is_local(reference.target):
            continue
        relative = PurePosixPath(unquote(urlsplit(reference.target).path))
        line = post.body_line + reference.line - 1
        if ".." in relative.parts or not relative.parts:
            problems.append(Problem(path, line, reference.col,
                                    f"image {quoted(str(relative))} is outside the post's folder",
                                    hint="put it beside the post, or in static/ and write /images/…"))
        elif not _is_file(path.parent / relative):
            problems.append(Problem(path, line, reference.col, f"image {quoted(str(relative))} not found",
                                    hint=f"looked for {path.parent / cut(str(relative))}"))
        elif problem := outside(path.parent / relative, site_root):
            problems.append(Problem(path, line, reference.col, f"image {quoted(str(relative))}: {problem.message}",
                                    hint=problem.hint))
        else:
            assets[relative] = Asset(path.parent / relative, post.url + relative.as_posix())
    return tuple(assets[key] for key in sorted(assets)), problems


def _is_file(path: Path) -> bool:
    """Tell whether `path` is a file; a name too long for the system (OSError) is none."""
    try:
        return path.is_file()
    except OSError:
        return False


def _first_words(html: str) -> str:
    """Give the opening words of the first paragraph, as a summary for posts without one."""
    paragraph = html.split("<p>", 1)[-1].split("</p>", 1)[0]
    words = _TAGS.sub("", _FOOTNOTE_REFS.sub("", paragraph)).split()
    text = " ".join(words[:SUMMARY_WORDS])
    # The summary is plain text: templates escape it again.
    return unescape(text) + ("…" if len(words) > SUMMARY_WORDS else "")


def _duplicate_urls(posts: list[Post]) -> list[Problem]:
    """Give an error for each post whose URL another post already has (the same slug in the
    same month), naming both files; one slug in two months makes two URLs, no collision."""
    first: dict[str, Post] = {}
    problems = []
    for post in posts:
        if post.url in first:
            other = first[post.url]
            line = post.line_of("slug" if "slug" in dict(post.field_lines) else "title")
            problems.append(Problem(post.source, line, 1,
                                    f"duplicate slug {quoted(post.slug)}: {display_path(other.source)} has it too, "
                                    f"in the same month, for the same URL {post.url}",
                                    hint="change the title or set a `slug:`"))
        else:
            first[post.url] = post
    return problems


def _tag_spellings(posts: list[Post]) -> list[Problem]:
    """Give an error for each tag spelled differently from its first use: both spellings
    would share one page under one name."""
    first: dict[str, tuple[str, Path]] = {}
    problems = []
    for post in posts:
        for index, tag in enumerate(post.tags):
            name, where = first.setdefault(tag.slug, (tag.name, post.source))
            if name != tag.name:
                problems.append(Problem(post.source, *post.place_of_tag(index),
                                        f"tag {quoted(tag.name)} is spelled {quoted(name)} in {display_path(where)}",
                                        hint="use one spelling for a tag"))
    return problems


@dataclass(frozen=True, slots=True)
class Names:
    """The slugs and tag spellings already used by a site's posts (front-matter only)."""

    slugs: dict[str, Path]
    tags: dict[str, str]  # tag slug -> its spelling


def existing_names(site_root: Path) -> Names:
    """Read only the front-matter of every post, for the slugs and tags it uses; files
    that cannot be read are skipped here (`blog check` reports them)."""
    slugs, tags = {}, {}
    for path in post_files(site_root):
        text = read_text(path, site_root)
        source = split(text, path) if isinstance(text, str) else text
        if isinstance(source, Problem):
            continue
        values = source.meta.values
        slug = values.get("slug") if isinstance(values.get("slug"), str) else None
        title = values.get("title") if isinstance(values.get("title"), str) else ""
        slugs.setdefault(slug or slugify(title) or path.stem, path)
        listed = values.get("tags") if isinstance(values.get("tags"), list) else []
        for tag in listed:
            if isinstance(tag, str):
                tags.setdefault(slugify(tag), " ".join(tag.split()))
    return Names(slugs, tags)
