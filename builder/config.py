"""Read and validate `site.yaml` into a frozen `Config`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.errors import BuildFailed, Problem
from builder.fields import type_problem, unknown_keys
from builder.model import Config, Topic
from builder.sources import control_characters, read_text
from builder.urls import slugify
from builder.yamldoc import Mapping, parse_mapping

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


def load_config(site_root: Path) -> Config:
    """Read `site_root/site.yaml`; raise `BuildFailed` listing every problem in it."""
    path = site_root / CONFIG_NAME
    text = read_text(path, site_root)
    if isinstance(text, Problem):
        raise BuildFailed([text], "config")
    mapping = parse_mapping(text, path)
    if isinstance(mapping, Problem):
        raise BuildFailed([mapping], "config")
    problems = control_characters(mapping, path) + unknown_keys(mapping, _FIELDS, path, "config")
    values = {}
    for key, (expected, default) in _FIELDS.items():
        if key not in mapping.values:
            if default is None:
                problems.append(Problem(path, 1, 1, f"missing required config key `{key}`"))
            values[key] = default
            continue
        problem = type_problem(mapping, key, expected, path)
        if problem:
            problems.append(problem)
        values[key] = mapping.values[key]
    if problems:
        raise BuildFailed(problems, "config")
    problems += _check_values(mapping, path)
    topics, topic_problems = _read_topics(mapping, path)
    problems += topic_problems
    if problems:
        raise BuildFailed(problems, "config")
    values["base_url"] = values["base_url"].rstrip("/")
    values["topics"] = topics
    return Config(**values)


def _check_values(mapping: Mapping, path: Path) -> list[Problem]:
    """Give a problem for each value of the right type that still makes no sense."""
    values = mapping.values
    problems = []
    url = urlsplit(values["base_url"])
    if url.scheme not in ("http", "https") or not url.netloc:
        problems.append(Problem(path, *mapping.position("base_url"),
                                "`base_url` must be an absolute http(s) URL, like https://example.org"))
    elif url.path not in ("", "/") or url.query or url.fragment:
        problems.append(Problem(path, *mapping.position("base_url"),
                                "`base_url` must be the site's root, without a path: the blog is served at /"))
    for key in ("posts_per_page", "feed_length"):
        if values.get(key, 1) < 1:
            problems.append(Problem(path, *mapping.position(key), f"`{key}` must be at least 1"))
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(path, *mapping.position("timezone"),
                                    f"unknown timezone {values['timezone']!r}", hint="e.g. Europe/Paris"))
    return problems


def _read_topics(mapping: Mapping, path: Path) -> tuple[tuple[Topic, ...], list[Problem]]:
    """Read the `topics` mapping (slug -> title and description), in the order written."""
    where = mapping.position("topics")
    topics, problems = [], []
    for slug, entry in mapping.values["topics"].items():
        if not isinstance(slug, str) or slugify(slug) != slug:
            problems.append(Problem(path, *where, f"topic key `{slug}` must be a slug",
                                    hint=f"write `{slugify(str(slug))}`"))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(path, *where, f"topic `{slug}` must have a `title` and a `description`"))
            continue
        for key in sorted(set(entry) - set(_TOPIC_FIELDS)):
            problems.append(Problem(path, *where, f"unknown key `{key}` in topic `{slug}`",
                                    hint="a topic has a `title` and a `description`"))
        for key, expected in _TOPIC_FIELDS.items():
            if not isinstance(entry.get(key), expected) or not entry[key].strip():
                problems.append(Problem(path, *where, f"topic `{slug}` needs a `{key}` text"))
        if not problems:
            topics.append(Topic(slug, entry["title"].strip(), entry["description"].strip()))
    if not topics and not problems:
        problems.append(Problem(path, *where, "`topics` must declare at least one topic"))
    return tuple(topics), problems
