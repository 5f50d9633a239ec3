"""The only reader of `content/`: post files in, validated and rendered `Post`s out, with problems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from builder.errors import Problem
from builder.frontmatter import split, validate
from builder.markdown import render_markdown
from builder.model import Config, Post
from builder.sources import read_text
from builder.urls import post_url, slugify
from builder.yamldoc import Mapping

POSTS_DIR = Path("content") / "posts"
SUMMARY_WORDS = 40
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Loaded:
    """Every post that could be read, and every problem found on the way."""

    posts: tuple[Post, ...]
    problems: tuple[Problem, ...]


def post_files(site_root: Path) -> tuple[Path, ...]:
    """Give the site's Markdown post files, in a stable order."""
    folder = site_root / POSTS_DIR
    return tuple(sorted(folder.rglob("*.md"))) if folder.is_dir() else ()


def load_posts(site_root: Path, config: Config) -> Loaded:
    """Read every post of the site, then check what only the whole set can tell."""
    posts, problems, metas = [], [], {}
    for path in post_files(site_root):
        result = load_post(path, config)
        if isinstance(result, list):
            problems += result
        else:
            post, metas[path] = result
            posts.append(post)
    problems += _duplicate_slugs(posts, metas) + _tag_spellings(posts, metas)
    return Loaded(tuple(posts), tuple(problems))


def load_post(path: Path, config: Config) -> tuple[Post, Mapping] | list[Problem]:
    """Read, validate and render one post file; give it with its front-matter's positions."""
    text = read_text(path)
    if isinstance(text, Problem):
        return [text]
    source = split(text, path)
    if isinstance(source, Problem):
        return [source]
    fields = validate(source.meta, path, config)
    if isinstance(fields, list):
        return fields
    if not source.body.strip():
        return [Problem(path, source.body_line, 1, "the post has no body: write the article under the front-matter")]
    rendered = render_markdown(source.body, config.allow_raw_html)
    slug = fields.slug or slugify(fields.title)
    if not slug:
        return [Problem(path, *source.meta.position("title"), "the title gives an empty slug",
                        hint="add a `slug:` field")]
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
        body_html=rendered.html,
        headings=rendered.headings,
        word_count=rendered.word_count,
        url=post_url(fields.date, slug),
    )
    return post, source.meta


def _first_words(html: str) -> str:
    """Give the opening words of the first paragraph, as a summary for posts without one."""
    paragraph = html.split("<p>", 1)[-1].split("</p>", 1)[0]
    words = _TAGS.sub("", paragraph).split()
    text = " ".join(words[:SUMMARY_WORDS])
    # The summary is plain text: templates escape it again.
    return unescape(text) + ("…" if len(words) > SUMMARY_WORDS else "")


def _duplicate_slugs(posts: list[Post], metas: dict[Path, Mapping]) -> list[Problem]:
    """Give an error for each post whose slug another post already has, naming both files."""
    first: dict[str, Post] = {}
    problems = []
    for post in posts:
        if post.slug in first:
            other = first[post.slug]
            where = metas[post.source].position("slug" if "slug" in metas[post.source].values else "title")
            problems.append(Problem(post.source, *where, f"duplicate slug {post.slug!r}: {other.source} has it too",
                                    hint="change the title or set a `slug:`"))
        else:
            first[post.slug] = post
    return problems


def _tag_spellings(posts: list[Post], metas: dict[Path, Mapping]) -> list[Problem]:
    """Give an error for each tag spelled differently from its first use: both spellings
    would share one page under one name."""
    first: dict[str, tuple[str, Path]] = {}
    problems = []
    for post in posts:
        for tag in post.tags:
            name, where = first.setdefault(tag.slug, (tag.name, post.source))
            if name != tag.name:
                problems.append(Problem(post.source, *metas[post.source].position("tags"),
                                        f"tag {tag.name!r} is spelled {name!r} in {where}",
                                        hint="use one spelling for a tag"))
    return problems
