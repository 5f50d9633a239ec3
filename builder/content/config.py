"""Read and validate `site.yaml` into a frozen `Config`."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.content.field_checks import type_problem, unknown_keys
from builder.content.sources import control_characters, read_text
from builder.content.yamldoc import Mapping, parse_mapping
from builder.core.errors import BuildFailed, Problem, cut, quoted
from builder.core.model import Config, Topic
from builder.core.urls import long_slug, slugify

CONFIG_NAME = "site.yaml"

# key: (type, default); a default of None means the key is required.
_FIELDS: dict[str, tuple[type, object]] = {
    "title": (str, None),
    "description": (str, None),
    "base_url": (str, None),
    "language": (str, "fr"),
    "timezone": (str, "Europe/Paris"),
    "default_author": (str, "La rédaction"),
    "posts_per_page": (int, 10),
    "feed_length": (int, 20),
    "allow_raw_html": (bool, False),
    "topics": (dict, None),
}
_TOPIC_FIELDS: dict[str, type] = {"title": str, "description": str}
# A host of base_url: a domain name (in ASCII: punycode for others) or an IPv4 address, and a port.
# No user or password: the base URL is written into every page and feed.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?")


def load_config(site_root: Path) -> Config:
    """Read `site_root/site.yaml`; raise `BuildFailed` listing every problem in it."""
    config, problems = read_config(site_root)
    if problems or config is None:
        raise BuildFailed(problems, "config")
    return config


def read_config(site_root: Path) -> tuple[Config | None, list[Problem]]:
    """Read `site_root/site.yaml` and give every problem in it, with a config that reads the
    posts as well as it can (each bad value replaced by its default), or None when it cannot
    (the file unreadable, or no topic declared)."""
    path = site_root / CONFIG_NAME
    text = read_text(path, site_root)
    if isinstance(text, Problem):
        return None, [text]
    mapping = parse_mapping(text, path)
    if isinstance(mapping, Problem):
        return None, [mapping]
    problems = control_characters(mapping, path) + unknown_keys(mapping, _FIELDS, path, "config")
    values = {}
    for key, (expected, default) in _FIELDS.items():
        values[key] = expected() if default is None else default
        if key not in mapping.values:
            if default is None:
                problems.append(Problem(path, 1, 1, f"missing required config key `{key}`"))
            continue
        problem = type_problem(mapping, key, expected, path) or _value_problem(mapping, key, path)
        if problem:
            problems.append(problem)
        else:
            values[key] = mapping.values[key]
    topics, topic_problems = _read_topics(values["topics"], mapping, path)
    problems += topic_problems
    values["base_url"] = values["base_url"].rstrip("/")
    values["topics"] = topics
    return (Config(**values) if topics else None), problems


def _value_problem(mapping: Mapping, key: str, path: Path) -> Problem | None:
    """Give a problem when `key`'s value, of the right type, still makes no sense."""
    value = mapping.values[key]
    where = mapping.position(key)
    if key == "base_url":
        return _base_url_problem(value, where, path)
    if key in ("posts_per_page", "feed_length") and value < 1:
        return Problem(path, *where, f"`{key}` must be at least 1")
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return Problem(path, *where, f"unknown timezone {quoted(value)}", hint="e.g. Europe/Paris")
    return None


def _base_url_problem(value: str, where: tuple[int, int], path: Path) -> Problem | None:
    """Give a problem when `base_url` is not the absolute http(s) URL of a site's root."""
    url = urlsplit(value)
    if any(char.isspace() or not char.isprintable() for char in value):
        # urlsplit drops line breaks and tabs, but robots.txt and the feeds would write them.
        return Problem(path, *where, "`base_url` must not contain spaces, tabs, line breaks or control characters")
    if url.scheme not in ("http", "https") or not url.netloc:
        return Problem(path, *where, "`base_url` must be an absolute http(s) URL, like https://example.org")
    if not _HOST.fullmatch(url.netloc):
        return Problem(path, *where,
                       f"`base_url` has the host {quoted(url.netloc)}: write a domain name and an optional port",
                       hint="like https://example.org or http://localhost:8000; an accented name in its xn-- form")
    if url.path not in ("", "/") or url.query or url.fragment:
        return Problem(path, *where, "`base_url` must be the site's root, without a path: the blog is served at /")
    return None


def _read_topics(entries: dict, mapping: Mapping, path: Path) -> tuple[tuple[Topic, ...], list[Problem]]:
    """Read the `topics` mapping (slug -> title and description), in the order written; each
    problem is given at the line of the key it is about."""
    topics, problems = [], []
    for slug, entry in entries.items():
        where = mapping.position_of("topics", str(slug))
        if not isinstance(slug, str) or slugify(slug) != slug:
            problems.append(Problem(path, *where, f"topic key `{cut(str(slug))}` must be a slug",
                                    hint=f"write `{cut(slugify(str(slug)))}`"))
            if slugify(str(slug)) and not long_slug(slugify(str(slug))):  # the posts name it so, as likely as not
                topics.append(Topic(slugify(str(slug)), slugify(str(slug)), ""))
            continue
        if long_slug(slug):
            problems.append(Problem(path, *where, f"topic key `{cut(slug)}` {long_slug(slug)}", hint="shorten it"))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(path, *where, f"topic `{slug}` must have a `title` and a `description`"))
            continue
        for key in sorted(set(entry) - set(_TOPIC_FIELDS), key=str):
            problems.append(Problem(path, *mapping.position_of("topics", slug, str(key)),
                                    f"unknown key `{cut(str(key))}` in topic `{slug}`",
                                    hint="a topic has a `title` and a `description`"))
        texts = {key: entry[key].strip() for key in _TOPIC_FIELDS if isinstance(entry.get(key), str)}
        for key in _TOPIC_FIELDS:
            if not texts.get(key):
                problems.append(Problem(path, *mapping.position_of("topics", slug, key),
                                        f"topic `{slug}` needs a `{key}` text"))
        # Kept even when incomplete: a config with problems still reads the posts that name it.
        topics.append(Topic(slug, texts.get("title") or slug, texts.get("description", "")))
    if not entries and isinstance(mapping.values.get("topics"), dict):
        problems.append(Problem(path, *mapping.position("topics"), "`topics` must declare at least one topic"))
    return tuple(topics), problems
