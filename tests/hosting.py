"""Netlify as the tests see it: netlify.toml read with tomllib, the `_headers` file a build writes
read as Netlify reads it, their header rules matched against a request path the way Netlify
matches them, and Content-Security-Policy values parsed."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from support import REPO

NETLIFY_TOML = REPO / "netlify.toml"
# What Netlify sends when no rule sets Cache-Control: cache, but ask again every time.
NETLIFY_DEFAULT_CACHE = "public, max-age=0, must-revalidate"


@dataclass(frozen=True)
class HeaderRule:
    """One `[[headers]]` table: its `for` path, that path as a regular expression, its values
    (names in lower case, as HTTP compares them)."""

    path: str
    pattern: re.Pattern[str]
    values: dict[str, str]


class HeaderSetTwice(AssertionError):
    """Two rules that match one path set the same header."""


@lru_cache(maxsize=None)
def netlify_config(path: Path = NETLIFY_TOML) -> dict:
    """Give netlify.toml, parsed."""
    with path.open("rb") as file:
        return tomllib.load(file)


def header_rules(config: dict | None = None) -> list[HeaderRule]:
    """Give the `[[headers]]` rules of netlify.toml, in order."""
    config = netlify_config() if config is None else config
    return [HeaderRule(rule["for"], for_regexp(rule["for"]), {name.lower(): value for name, value in rule["values"].items()})
            for rule in config.get("headers", [])]


def headers_file_rules(output: Path) -> list[HeaderRule]:
    """Give the rules of a build's `_headers` file: a path on a line of its own, then its
    `Name: value` lines, indented; `#` lines are comments."""
    rules: list[HeaderRule] = []
    for line in (output / "_headers").read_text("utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append(HeaderRule(line.strip(), for_regexp(line.strip()), {}))
            continue
        name, value = line.strip().split(":", 1)
        assert rules and name.lower() not in rules[-1].values, line
        rules[-1].values[name.strip().lower()] = value.strip()
    return rules


def site_rules(output: Path) -> list[HeaderRule]:
    """Give every header rule a build is served with: netlify.toml's, then its `_headers`'."""
    return header_rules() + headers_file_rules(output)


def for_regexp(path: str) -> re.Pattern[str]:
    """Give the expression Netlify matches a `for` path with (@netlify/headers-parser's
    `getForRegExp`): `:name` is one segment, a lone `*` the rest of the path (or nothing), a `*`
    within a segment any characters, `/` included; a trailing slash is optional; no case."""
    parts = []
    for part in (part.rstrip() for part in path.split("/")):
        if not part:
            continue
        if part.startswith(":"):
            parts.append("([^/]+)")
        elif part == "*":
            parts.append("?(.*)")
        elif "*" in part:
            parts.append(part.replace("*", "(.*)"))  # as Netlify does: the rest of the segment unescaped
        else:
            parts.append(re.escape(part))
    return re.compile(f"^/{'/'.join(parts)}/?$", re.IGNORECASE)


def matching_rules(path: str, rules: list[HeaderRule] | None = None) -> list[HeaderRule]:
    """Give the rules whose `for` matches a request path."""
    rules = header_rules() if rules is None else rules
    return [rule for rule in rules if rule.pattern.match(path)]


def headers_for(path: str, rules: list[HeaderRule] | None = None) -> dict[str, str]:
    """Give the headers netlify.toml sets on a request path; raise `HeaderSetTwice` when two
    matching rules set one header (how Netlify would combine them is not relied upon)."""
    headers: dict[str, str] = {}
    owner: dict[str, str] = {}
    for rule in matching_rules(path, rules):
        for name, value in rule.values.items():
            if name in headers:
                raise HeaderSetTwice(f"{path}: {name} is set by both {owner[name]!r} and {rule.path!r}")
            headers[name], owner[name] = value, rule.path
    return headers


def cache_control_for(path: str) -> str:
    """Give the Cache-Control a browser gets for a path: a rule's, or Netlify's default."""
    return headers_for(path).get("cache-control", NETLIFY_DEFAULT_CACHE)


def parse_csp(policy: str) -> dict[str, list[str]]:
    """Give a Content-Security-Policy's directives (lower case) and their sources."""
    directives: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        words = directive.split()
        if words:
            assert words[0].lower() not in directives, f"{words[0]} given twice in {policy!r}"
            directives[words[0].lower()] = words[1:]
    return directives


# Which directive governs a fetch when the policy does not name it (CSP 3, "effective directive").
FALLBACKS = {
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "style-src-elem": ("style-src-elem", "style-src", "default-src"),
    "img-src": ("img-src", "default-src"),
    "connect-src": ("connect-src", "default-src"),
    "font-src": ("font-src", "default-src"),
    "worker-src": ("worker-src", "child-src", "script-src", "default-src"),
}


def governing(directives: dict[str, list[str]], kind: str) -> tuple[str, list[str]]:
    """Give the directive of a policy that decides a fetch of `kind`, and its sources."""
    for name in FALLBACKS[kind]:
        if name in directives:
            return name, directives[name]
    return "(none)", ["*"]  # no directive at all: anything goes


def allows(directives: dict[str, list[str]], kind: str, url: str) -> bool:
    """Tell whether a policy lets a page of the site (served over https) fetch `url` (a
    same-origin path, a `data:` URL, or another origin's URL) as `kind`."""
    _name, sources = governing(directives, kind)
    if url.startswith("data:"):
        return "data:" in sources
    if "*" in sources:
        return True
    if url.startswith("//"):  # the page's own scheme
        url = "https:" + url
    if not url.startswith("/"):
        return origin(url) in sources
    return "'self'" in sources


def origin(url: str) -> str:
    """Give an absolute URL's origin as a policy names it (`https://host`, its port if not 443)."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port not in (None, 443) else ""
    return f"{parts.scheme}://{parts.hostname}{port}"
