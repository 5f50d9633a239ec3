"""Markdown files of other generators (Hugo, Jekyll): their front-matter, dates, tags and the
images beside them."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt

from builder.content.yamldoc import parse_mapping
from builder.core.errors import Problem, counted
from builder.importers.html import to_markdown

# `![description](target "title")`: the images a post names, to copy those the source holds.
_IMAGE = re.compile(r"(?P<head>!\[[^\]]*\]\()(?P<target>[^)\s]+)(?P<tail>(?:\s+\"[^\"]*\")?\))")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")


def split_front_matter(text: str, path: Path) -> tuple[dict, str, int] | str:
    """Give a file's front-matter (YAML between `---`, TOML between `+++`), its body and the
    line the body starts on; or why it cannot be read."""
    text = text.lstrip("\ufeff")
    fence = text[:3]
    if fence not in ("---", "+++") or text[3:4] not in ("\n", "\r"):
        return "no front-matter (`---` or `+++`) on its first line"
    lines = text.split("\n")
    end = next((index for index, line in enumerate(lines[1:], 1) if line.rstrip() == fence), None)
    if end is None:
        return f"its front-matter is never closed by a `{fence}` line"
    head, body = "\n".join(lines[1:end]), "\n".join(lines[end + 1:])
    if fence == "+++":
        try:
            return tomllib.loads(head), body, end + 2
        except tomllib.TOMLDecodeError as error:
            return f"invalid TOML front-matter: {error}"
    mapping = parse_mapping(head, path, first_line=2)  # anchors refused, dates kept as text
    if isinstance(mapping, Problem):
        return f"invalid YAML front-matter: {mapping.message}"
    return mapping.values, body, end + 2


def moment(value: object, zone: ZoneInfo) -> datetime | None:
    """Give a front-matter date as an aware datetime in `zone`; a date without an offset is read
    in it. Takes TOML's dates and times, ISO 8601 texts and Jekyll's `2021-03-01 10:00:00 +0100`."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str):
        text = re.sub(r"\s+([+-]\d{2}):?(\d{2})$", r"\1:\2", value.strip())  # Jekyll's " +0100"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)


def words(value: object) -> list[str]:
    """Give a list of tags or categories: a list, or one text of space-separated words (Jekyll)."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [" ".join(str(item).split()) for item in value if str(item).strip()]
    return []


def text(value: object) -> str | None:
    """Give a front-matter value as one line of text, or None if it is none."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, bool)):
        return None
    return " ".join(str(value).split()) or None


def local_images(body: str, folder: Path, root: Path, slug: str,
                 public: Path | None = None) -> tuple[str, tuple[tuple[Path, str], ...]]:
    """Give `body` with its images held in the source (beside the post in `folder`, or at a
    path from the site's root under `public`) renamed to a folder named after the post, and
    the files to copy there; images elsewhere keep their address."""
    copies: dict[str, Path] = {}

    def rename(match: re.Match) -> str:
        """Give one image reference, pointing to its copy when the source holds its file."""
        target = match["target"]
        url = urlsplit(target)
        if url.scheme or url.netloc:
            return match[0]
        relative = unquote(url.path)
        base = public if relative.startswith("/") and public is not None else folder
        file = (base / relative.lstrip("/")).resolve()
        if not file.is_file() or not file.is_relative_to(root.resolve()):
            return match[0]
        name = f"{slug}/{PurePosixPath(relative).name}"
        copies.setdefault(name, file)
        return f"{match['head']}{quote(name)}{match['tail']}"

    return _IMAGE.sub(rename, body), tuple(sorted((file, name) for name, file in copies.items()))


def urlize(value: str) -> str:
    """Give a title as Hugo puts it in a URL: lowercase, dashes for spaces, percent-encoded."""
    kept = re.sub(r"[^\w\s-]", "", value.lower()).strip()
    return quote(re.sub(r"\s+", "-", kept))


def html_blocks(body: str) -> tuple[str, list[str]]:
    """Give a Markdown body with its blocks of raw HTML turned into Markdown (the build would
    show them as text), and warnings for what could not be."""
    lines = body.split("\n")
    tokens = MarkdownIt("commonmark").parse(body)
    warnings: list[str] = []
    for token in reversed([token for token in tokens if token.type == "html_block" and token.map]):
        start, end = token.map
        converted = to_markdown(token.content, {})
        warnings += [warning for warning in converted.warnings if warning not in warnings]
        lines[start:end] = [*converted.markdown.strip().split("\n"), ""] if converted.markdown.strip() else []
    inline = sum(child.type == "html_inline" for token in tokens for child in token.children or ())
    if inline:
        warnings.append(f"{counted(inline, 'HTML tag')} inside paragraphs left as they were: "
                        "the build shows them as text")
    return "\n".join(lines), warnings
