"""Read a Hugo site (`content/**`, YAML or TOML front-matter) into posts of this site."""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import yaml

from builder.content.sources import read_text
from builder.core.errors import Problem
from builder.core.model import Config
from builder.core.urls import long_slug, slugify
from builder.importers.posts import Imported, ImportFailed, Skipped
from builder.importers.texts import html_blocks, local_images, moment, split_front_matter, text, urlize, words

CONFIG_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "config.toml", "config.yaml", "config.yml")
_SHORTCODE = re.compile(r"\{\{(?P<open>[<%])\s*(?P<name>/?[\w.-]+)(?P<arguments>.*?)\s*[>%]\}\}", re.S)
_ARGUMENT = re.compile(r"""(?P<key>\w+)\s*=\s*(?:"(?P<quoted>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>\S+))""")
_POSITIONAL = re.compile(r"""^\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>\S+))""")


def read_site(root: Path, config: Config) -> tuple[list[Imported], list[Skipped]]:
    """Give the posts of the Hugo site at `root`: every page in a section of `content/`."""
    content = root / "content"
    if not content.is_dir():
        raise ImportFailed(f"{root}: not a Hugo site (no content/ folder)")
    permalinks = _permalinks(root)
    zone = ZoneInfo(config.timezone)
    files = sorted(path for path in content.rglob("*") if path.suffix in (".md", ".markdown") and path.is_file())
    read = {path: _read(path, root, content) for path in files}
    pages = {path: _slug(parsed[0], path) for path, parsed in read.items() if not isinstance(parsed, str)}
    posts, skipped = [], []
    for path, parsed in read.items():
        result = (Skipped(path, 1, parsed) if isinstance(parsed, str)
                  else _post(path, parsed, root, content, zone, permalinks, pages))
        (skipped if isinstance(result, Skipped) else posts).append(result)
    return posts, skipped


def _read(path: Path, root: Path, content: Path) -> tuple[dict, str] | str:
    """Give a page's front-matter and body, or why it is not a post."""
    if path.stem == "_index":
        return "a section's list page (_index)"
    if len(path.relative_to(content).parts) < 2:
        return "not in a section: a page, not a post"
    source = read_text(path, root)
    if isinstance(source, Problem):
        return f"unreadable: {source.message}"
    parsed = split_front_matter(source, path)
    return parsed if isinstance(parsed, str) else parsed[:2]


def _post(path: Path, parsed: tuple[dict, str], root: Path, content: Path, zone: ZoneInfo,
          permalinks: dict[str, str], pages: dict[Path, str]) -> Imported | Skipped:
    """Give one page of a section of `content/` as a post, or why it is left."""
    meta, body = parsed
    relative = path.relative_to(content)
    title = text(meta.get("title"))
    date = moment(meta.get("date") or meta.get("publishDate"), zone)
    if not title:
        return Skipped(path, 1, "no title")
    if date is None:
        return Skipped(path, 1, "no date (or not one Hugo writes)")
    slug = pages[path]
    body, warnings = _shortcodes(body, path, pages)
    body, converted = html_blocks(body)
    warnings += converted
    body, images = local_images(body, path.parent, root, slug, root / "static")
    section = relative.parts[0]
    aliases = [_old_url(meta, relative, section, date, permalinks, title)]
    aliases += [alias if alias.startswith("/") else f"/{section}/{alias}" for alias in words(meta.get("aliases"))]
    categories = words(meta.get("categories"))
    return Imported(
        source=path, line=1, title=title, date=date, slug=slug, body=body,
        topic=categories[0] if categories else None, tags=tuple(words(meta.get("tags"))),
        summary=text(meta.get("summary") or meta.get("description")),
        author=text(meta.get("author") or meta.get("authors")), draft=meta.get("draft") is True,
        aliases=tuple(aliases), images=images, warnings=tuple(warnings),
    )


def _slug(meta: dict, path: Path) -> str:
    """Give the slug a page will have here: its `slug`, else its file's (or bundle's) name."""
    name = path.parent.name if path.stem == "index" else path.stem
    slug = slugify(str(meta.get("slug") or "")) or slugify(name) or "article"
    return slug if not long_slug(slug) else slug[:100].rstrip("-")


def _old_url(meta: dict, relative: PurePosixPath, section: str, date: datetime, permalinks: dict[str, str],
             title: str) -> str:
    """Give the page's address on the Hugo site: its `url`, else its section's permalink
    pattern, else its path in `content/`."""
    if text(meta.get("url")):
        url = text(meta.get("url"))
        return url if url.startswith("/") else f"/{url}"
    parts = relative.parts[:-1] if relative.stem == "index" else (*relative.parts[:-1], relative.stem)
    name = parts[-1]
    slug = text(meta.get("slug")) or name
    pattern = permalinks.get(section)
    if pattern is None:
        return "/" + "/".join((*parts[:-1], slug)).lower() + "/"
    tokens = {":year": f"{date:%Y}", ":month": f"{date:%m}", ":monthname": f"{date:%B}".lower(), ":day": f"{date:%d}",
              ":section": section, ":slug": slug, ":title": urlize(title), ":filename": name,
              ":slugorfilename": slug, ":contentbasename": name}
    url = re.sub(r":\w+", lambda match: tokens.get(match[0], match[0]), pattern)
    return url if url.startswith("/") else f"/{url}"


def _permalinks(root: Path) -> dict[str, str]:
    """Give the site config's `permalinks`, section -> pattern (Hugo's `page` kind included)."""
    for name in CONFIG_FILES:
        path = root / name
        if path.is_file():
            raw = path.read_text("utf-8")
            try:
                values = tomllib.loads(raw) if name.endswith(".toml") else yaml.safe_load(raw)
            except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
                raise ImportFailed(f"{path}: cannot read it: {error}") from None
            links = values.get("permalinks", {}) if isinstance(values, dict) else {}
            flat = {key: value for key, value in links.items() if isinstance(value, str)}
            flat.update({key: value for key, value in links.get("page", {}).items() if isinstance(value, str)}
                        if isinstance(links.get("page"), dict) else {})
            return flat
    return {}


def _shortcodes(body: str, path: Path, pages: dict[Path, str]) -> tuple[str, list[str]]:
    """Give `body` with Hugo's `figure`, `ref` and `relref` shortcodes in Markdown; the others
    stay as text, and are named in a warning."""
    left: set[str] = set()

    def convert(match: re.Match) -> str:
        """Give one shortcode in Markdown, or as it was."""
        name, arguments = match["name"], match["arguments"]
        named = {found["key"]: found["quoted"] or found["single"] or found["bare"] or ""
                 for found in _ARGUMENT.finditer(arguments)}
        if name == "figure" and named.get("src"):
            caption = named.get("caption") or named.get("title")
            image = f"![{named.get('alt') or caption or ''}]({named['src']})"
            return f"{image}\n\n*{caption}*" if caption else image
        if name in ("ref", "relref"):
            first = _POSITIONAL.match(arguments)
            target = (first["quoted"] or first["bare"]) if first else ""
            file, _, anchor = target.partition("#")
            written = "/" + file.lstrip("/")
            found = next((slug for page, slug in pages.items() if page.as_posix().endswith(written)), None)
            if file and found:
                return f"{found}.md" + (f"#{anchor}" if anchor else "")
        left.add(name.lstrip("/"))
        return match[0]

    converted = _SHORTCODE.sub(convert, body)
    return converted, [f"Hugo shortcodes left as text: {', '.join(sorted(left))}"] if left else []
