"""Plain, frozen data that flows through a build: no I/O and no behaviour beyond derivations."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from builder.core.errors import Problem

_HREF = re.compile(r'href="([^"]*)"')


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
    line: int  # in the body, 1-based


@dataclass(frozen=True, slots=True)
class Reference:
    """A link or image target written in a post's body, and the body line and column (1-based)
    where it starts: in the link itself, or in its definition for a reference-style link."""

    target: str
    line: int
    image: bool
    alt: str = ""  # an image's description, as written between its brackets
    col: int = 1


@dataclass(frozen=True, slots=True)
class PostLink:
    """A link from a post's body to another post, once resolved."""

    target: Path  # the other post's file
    url: str  # the other post's URL
    line: int  # where the link is written in the linking post's file
    col: int = 1


@dataclass(frozen=True, slots=True)
class Asset:
    """A file next to a post (an image) published beside the post's page."""

    source: Path
    url: str


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
    aliases: tuple[str, ...]  # old URL paths redirected to the post
    body: bytes  # the HTML as rendered, in UTF-8: half the memory of a str holding a narrow no-break space
    headings: tuple[Heading, ...]
    word_count: int
    url: str  # from builder.core.urls, the one place that knows the scheme
    references: tuple[Reference, ...]
    post_links: tuple[PostLink, ...]  # filled in when links resolve
    hrefs: tuple[tuple[str, str], ...]  # filled in then too: each link to a post's file, as written, and its URL
    assets: tuple[Asset, ...]
    body_line: int  # the file line where the body starts, to locate problems in it
    source_digest: str  # of the source file's bytes
    stamp: tuple[int, int]  # the source file's (mtime_ns, size) when read: unchanged means unread
    digest: str  # of everything the post's pages show of it: its source and its resolved links
    field_lines: tuple[tuple[str, int], ...]  # front-matter key -> line, to locate problems
    card: str = ""  # a digest of what a listing may show of the post (`CARD`), set once it is loaded
    fences: tuple[tuple[str, int, int], ...] = ()  # each fenced block's key and place in `body` (`fence_html`)
    tag_places: tuple[tuple[int, int], ...] = ()  # each tag's (line, column) in the file, as `tags` orders them
    # Raw HTML shown as text: its line in the body, column and text (`markdown.Rendered`).
    raw_html: tuple[tuple[int, int, str], ...] = ()

    @property
    def body_html(self) -> str:
        """Give the post's body as HTML, its links to other posts' files pointing at their
        pages. Rewritten here, for the few pages that show the body, rather than once for
        every linking post on every build."""
        body = self.body.decode("utf-8")
        return _with_hrefs(body, dict(self.hrefs)) if self.hrefs else body

    def fence_html(self) -> dict[str, str]:
        """Give the HTML of each fenced block of the body, by `markdown.fence_key`: an edit
        elsewhere in the post renders it again without highlighting them anew."""
        return {key: self.body[start:end].decode("utf-8") for key, start, end in self.fences}

    @property
    def modified(self) -> datetime:
        """Give the moment of the post's last real change: `updated`, else `date`."""
        return self.updated or self.date

    @property
    def reading_minutes(self) -> int:
        """Give the reading time in whole minutes, at 200 words a minute, at least one."""
        return max(1, round(self.word_count / 200))

    def line_of(self, key: str) -> int:
        """Give the line of a front-matter key, or 1 when the key is absent."""
        return dict(self.field_lines).get(key, 1)

    def place_of_tag(self, index: int) -> tuple[int, int]:
        """Give the (line, column) of the tag at `index`, or of the `tags` key when unknown."""
        return self.tag_places[index] if index < len(self.tag_places) else (self.line_of("tags"), 1)


# What a theme's listings, and pages other than a post's own, may show of a post; `modified`
# too, made of two of them. A page whose templates read no more is keyed by posts' cards.
CARD = ("aliases", "author", "date", "draft", "reading_minutes", "slug", "summary", "tags", "title", "topic",
        "updated", "url")
_IN_CARD = frozenset((*CARD, "modified"))


def shown_by_card(names: tuple[str, ...]) -> bool:
    """Tell whether a post's card covers these attributes (what templates show of listed posts)."""
    return _IN_CARD.issuperset(names)


def view_digest(post: Post, names: tuple[str, ...] | list[str]) -> str:
    """Give a digest of the attributes `names` of a post (their reprs are stable)."""
    return hashlib.blake2b(repr(tuple(getattr(post, name) for name in names)).encode(), digest_size=16).hexdigest()


def _with_hrefs(body: str, urls: dict[str, str]) -> str:
    """Replace the `href` of every link written in `urls` (markdown-it writes hrefs escaped)."""
    def replace(match: re.Match[str]) -> str:
        target = html.unescape(match.group(1))
        return f'href="{html.escape(urls[target])}"' if target in urls else match.group(0)

    return _HREF.sub(replace, body)


@dataclass(frozen=True, slots=True)
class Stored:
    """What a build knows of one file it put in the output: a digest of what the file was made
    from (empty for a file that is always made again), a digest of its bytes, and its size and
    time once written, to notice a file that was changed since."""

    key: str
    digest: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: its URL path, the file it is written to, and its bytes."""

    url: str
    path: str  # relative to the output folder, with forward slashes
    data: bytes
    origin: str  # what produced it (a source file or a page kind), to name in collisions
    modified: datetime | None = None  # for an HTML page: the last change of the posts it shows
    # Once the build has put the file in place (staged, or found already in the output), what it
    # knows of it; `data` is then empty: pages are streamed, not held.
    stored: Stored | None = None


@dataclass(frozen=True, slots=True)
class Channel:
    """What one feed holds: the posts of a listing page, newest first, and how to name them."""

    page: str  # the URL of the listing page the feed belongs to: `/`, a tag's or a topic's
    title: str  # the feed's title, which names the site
    description: str
    posts: tuple[Post, ...]  # newest first, at most `feed_length`

    @property
    def updated(self) -> datetime | None:
        """Give the last change of the feed's posts, if it has any."""
        return max((post.modified for post in self.posts), default=None)


@dataclass(frozen=True, slots=True)
class Sources:
    """A site read and cross-checked: its config, every post (drafts included), static files."""

    config: Config
    posts: tuple[Post, ...]
    static: tuple[Page, ...]
    problems: tuple[Problem, ...]  # errors and warnings, all located
    unread: tuple[Path, ...] = ()  # post files that could not be loaded (their problems say why)
