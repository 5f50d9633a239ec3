"""Plain, frozen data that flows through a build: no I/O and no behaviour beyond derivations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Topic:
    """A section of the blog declared in the site config."""

    slug: str
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class Config:
    """The validated `site.yaml`."""

    title: str
    description: str
    base_url: str  # absolute, without a trailing slash
    language: str
    timezone: str
    default_author: str
    posts_per_page: int
    feed_length: int
    allow_raw_html: bool
    topics: tuple[Topic, ...]

    def topic(self, slug: str) -> Topic | None:
        """Give the declared topic with this slug, if any."""
        return next((topic for topic in self.topics if topic.slug == slug), None)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a post's body, with the anchor the Markdown renderer gave it."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag as an editor spelled it, and its slug."""

    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Post:
    """One article, read, validated and rendered to HTML."""

    source: Path
    slug: str
    title: str
    date: datetime  # aware, in the site's timezone
    updated: datetime | None
    topic: Topic
    tags: tuple[Tag, ...]
    summary: str
    author: str
    draft: bool
    body_html: str
    headings: tuple[Heading, ...]
    word_count: int
    url: str  # from builder.urls, the one place that knows the scheme

    @property
    def reading_minutes(self) -> int:
        """Give the reading time in whole minutes, at 200 words a minute, at least one."""
        return max(1, round(self.word_count / 200))


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: its URL path, the file it is written to, and its bytes."""

    url: str
    path: str  # relative to the output folder, with forward slashes
    data: bytes
    origin: str  # what produced it (a source file or a page kind), to name in collisions
