"""Split a post into YAML front-matter and body, and validate the front-matter's fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from builder.content.field_checks import describe, type_problem, unknown_keys
from builder.content.yamldoc import Mapping, parse_mapping
from builder.core.errors import Problem, quoted
from builder.core.model import Config, Tag, Topic
from builder.core.urls import long_slug, slugify

FENCE = "---"
# An alias becomes a line of Netlify's _redirects, where spaces, `:name` and `*` mean something.
_ALIAS = re.compile(r"/(?:[A-Za-z0-9._~%-]+/?)*")
FIELDS = ("title", "date", "topic", "tags", "summary", "author", "slug", "updated", "draft", "aliases")
REQUIRED = ("title", "date", "topic")
# Years of four digits, with a day to spare each side: URLs write the year in four digits, and
# moving a date to UTC or to the site's timezone must not leave the calendar (OverflowError).
YEARS = (1000, 9998)
# Far past the 2 to 6 that `blog check` asks for: each tag is a page, a feed and a line of every
# tag list, so that one post of 2,000 tags made 600 MB of output in 80 s.
MAX_TAGS = 20


@dataclass(frozen=True, slots=True)
class Source:
    """A post file cut in two: its front-matter mapping and its Markdown body."""

    meta: Mapping
    body: str
    body_line: int  # the line of the file where the body starts


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The validated fields of a post's front-matter; optional ones may be None."""

    title: str
    date: datetime
    topic: Topic
    tags: tuple[Tag, ...]
    summary: str | None
    author: str | None
    slug: str | None
    aliases: tuple[str, ...] | None  # old URL paths that redirect to the post
    updated: datetime | None
    draft: bool


def split(text: str, path: Path) -> Source | Problem:
    """Cut `text` at its `---` fences; the front-matter must open on the first line."""
    lines = text.split("\n")
    if not text.strip():
        return Problem(path, 1, 1, "the file is empty: a post starts with `---`, its front-matter, then `---`")
    if lines[0].rstrip() != FENCE:
        return Problem(path, 1, 1, "a post must start with `---`, then its front-matter, then `---`")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FENCE:
            meta = parse_mapping("\n".join(lines[1:index]), path, first_line=2)
            if isinstance(meta, Problem):
                return meta
            return Source(meta, "\n".join(lines[index + 1:]), index + 2)
    return Problem(path, 1, 1, "the front-matter is never closed: add a `---` line after it")


def validate(meta: Mapping, path: Path, config: Config) -> FrontMatter | list[Problem]:
    """Check every field of `meta` against the schema; give all the problems at once."""
    problems = unknown_keys(meta, FIELDS, path, "front-matter")
    for key in REQUIRED:
        if key not in meta.values:
            problems.append(Problem(path, *meta.start, f"missing required field `{key}`"))
    zone = ZoneInfo(config.timezone)
    values: dict[str, object] = {}
    readers = {
        "title": lambda key: _text(meta, key, path),
        "summary": lambda key: _text(meta, key, path),
        "author": lambda key: _text(meta, key, path),
        "date": lambda key: _datetime(meta, key, path, zone),
        "updated": lambda key: _datetime(meta, key, path, zone),
        "topic": lambda key: _topic(meta, path, config),
        "tags": lambda key: _tags(meta, path),
        "slug": lambda key: _slug(meta, path),
        "aliases": lambda key: _aliases(meta, path),
        "draft": lambda key: type_problem(meta, key, bool, path) or meta.values[key],
    }
    for key, read in readers.items():
        if key not in meta.values:
            values[key] = None
            continue
        value = read(key)
        if isinstance(value, Problem):
            problems.append(value)
        else:
            values[key] = value
    title = values.get("title")
    if isinstance(title, str) and "slug" not in meta.values and long_slug(slugify(title)):
        problems.append(Problem(path, *meta.position("title"), f"the title {long_slug(slugify(title))}",
                                hint="add a shorter `slug:` field"))
    if not problems and values["updated"] and values["updated"] < values["date"]:
        problems.append(Problem(path, *meta.position("updated"), "`updated` is before `date`"))
    if problems:
        return problems
    values["tags"] = values["tags"] or ()
    values["aliases"] = values["aliases"] or ()
    values["draft"] = bool(values["draft"])
    return FrontMatter(**values)


def _text(meta: Mapping, key: str, path: Path) -> str | Problem:
    """Give a non-empty one-line text field, stripped."""
    problem = type_problem(meta, key, str, path)
    if problem:
        return problem
    value = " ".join(meta.values[key].split())
    return value or Problem(path, *meta.position(key), f"`{key}` is empty")


def _datetime(meta: Mapping, key: str, path: Path, zone: ZoneInfo) -> datetime | Problem:
    """Give an ISO 8601 date as an aware datetime in the site's timezone; a date
    or a time without offset is read in that timezone."""
    value = meta.values[key]
    if not isinstance(value, str):
        return Problem(path, *meta.position(key),
                       f"`{key}` must be an ISO 8601 date like 2021-02-28T09:00:00+01:00, found {describe(value)}")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:  # fromisoformat accepts a bare date too, so this only words the message
            date.fromisoformat(value.strip()[:10])
            reason = "is not a valid ISO 8601 date and time"
        except ValueError:
            reason = "is not a valid date"
        return Problem(path, *meta.position(key), f"`{key}` {quoted(value)} {reason}",
                       hint="write it like 2021-02-28T09:00:00+01:00")
    try:
        moment = parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)
        moment.astimezone(timezone.utc)
    except OverflowError:
        moment = None
    if moment is None or not YEARS[0] <= moment.year <= YEARS[1]:
        shifted = moment is not None and moment.year != parsed.year
        reason = f"falls in the year {moment.year} in the site's timezone" if shifted else "is out of range"
        return Problem(path, *meta.position(key), f"`{key}` {quoted(value)} {reason}",
                       hint=f"write a year from {YEARS[0]} to {YEARS[1]}")
    return moment


def _topic(meta: Mapping, path: Path, config: Config) -> Topic | Problem:
    """Give the declared topic named by its key or by a title that slugifies to it."""
    problem = type_problem(meta, "topic", str, path)
    if problem:
        return problem
    value = meta.values["topic"]
    topic = config.topic(slugify(value))
    if topic:
        return topic
    known = ", ".join(t.slug for t in config.topics)
    return Problem(path, *meta.position("topic"), f"unknown topic {quoted(value)}", hint=f"declared topics: {known}")


def _tags(meta: Mapping, path: Path) -> tuple[Tag, ...] | Problem:
    """Give the list of tags, each a non-empty text, none repeated."""
    value = meta.values["tags"]
    where = meta.position("tags")
    if not isinstance(value, list):
        return Problem(path, *where, f"`tags` must be a list like [CNIL, RGPD], found {describe(value)}")
    if len(value) > MAX_TAGS:
        return Problem(path, *where, f"`tags` lists {len(value)} tags, more than {MAX_TAGS}",
                       hint="keep the 2 to 6 that say what the post is about")
    tags: list[Tag] = []
    for item in value:
        if not isinstance(item, str) or not slugify(item):
            return Problem(path, *where, f"each tag must be a word or a phrase, found {describe(item)}")
        tag = Tag(" ".join(item.split()), slugify(item))
        if long_slug(tag.slug):
            return Problem(path, *where, f"tag {quoted(item)} {long_slug(tag.slug)}", hint="shorten the tag")
        if any(seen.slug == tag.slug for seen in tags):
            return Problem(path, *where, f"tag {quoted(item)} is listed twice")
        tags.append(tag)
    return tuple(tags)


def _slug(meta: Mapping, path: Path) -> str | Problem:
    """Give an explicit slug, which must already be in slug form (it becomes a folder name)."""
    problem = type_problem(meta, "slug", str, path)
    if problem:
        return problem
    value = meta.values["slug"]
    if slugify(value) != value:
        return Problem(path, *meta.position("slug"), f"`slug` {quoted(value)} is not a slug",
                       hint=f"use lowercase ASCII words and dashes, e.g. {quoted(slugify(value) or 'mon-article')}")
    if long_slug(value):
        return Problem(path, *meta.position("slug"), f"`slug` {long_slug(value)}", hint="shorten it")
    return value


def _aliases(meta: Mapping, path: Path) -> tuple[str, ...] | Problem:
    """Give the old URL paths of a post: each a path from the site's root, inside it."""
    value = meta.values["aliases"]
    where = meta.position("aliases")
    if not isinstance(value, list):
        return Problem(path, *where, f"`aliases` must be a list of paths like [/ancien/chemin/], found {describe(value)}")
    aliases = []
    for item in value:
        problem = alias_problem(item)
        if problem:
            return Problem(path, *where, f"alias {quoted(item)}: {problem}")
        aliases.append(item)
    return tuple(dict.fromkeys(aliases))


def alias_problem(alias: object) -> str | None:
    """Say what is wrong with an alias, or None: it must be a plain path from the site's
    root that stays inside the site (it becomes a redirect rule and a path in the output)."""
    if not isinstance(alias, str):
        return f"must be a text, found {describe(alias)}"
    if not alias.startswith("/") or alias.startswith("//"):
        return "must be a path from the site's root, starting with one /"
    if not _ALIAS.fullmatch(alias):
        return "must be a plain path of letters, digits and - . _ ~ % (no space, query, anchor, : or *)"
    if {".", ".."} & set(alias.split("/")):
        return "must not contain . or .. segments"
    return None
