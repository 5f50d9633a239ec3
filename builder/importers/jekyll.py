"""Read a Jekyll site (`_posts/YYYY-MM-DD-slug.md`, `_drafts/`) into posts of this site."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import yaml

from builder.content.sources import read_text
from builder.core.errors import Problem
from builder.core.model import Config
from builder.core.urls import long_slug, slugify
from builder.importers.posts import Imported, ImportFailed, Skipped
from builder.importers.texts import html_blocks, local_images, moment, split_front_matter, text, words

SUFFIXES = (".md", ".markdown")
_DATED = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)")
# Jekyll's named permalink styles; `date` is its default.
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_HIGHLIGHT = re.compile(r"\{%-?\s*highlight\s+(?P<language>[\w+#.-]+)[^%]*-?%\}\n?(?P<code>.*?)\n?"
                        r"\{%-?\s*endhighlight\s*-?%\}", re.S)
_POST_URL = re.compile(r"\{%-?\s*post_url\s+(?P<name>\S+?)\s*-?%\}")
_LINK = re.compile(r"\{%-?\s*link\s+(?P<path>\S+?)\s*-?%\}")
_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_BASE_URL = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
_URL_FILTER = re.compile(r"""\{\{-?\s*["'](?P<path>[^"']+)["']\s*\|\s*(?:relative|absolute)_url\s*-?\}\}""")
_LIQUID = re.compile(r"\{%-?\s*(?P<tag>\w+)|\{\{")


def read_site(root: Path, config: Config) -> tuple[list[Imported], list[Skipped]]:
    """Give the posts (and drafts) of the Jekyll site at `root`."""
    if not (root / "_posts").is_dir() and not (root / "_drafts").is_dir():
        raise ImportFailed(f"{root}: not a Jekyll site (no _posts/ or _drafts/ folder)")
    style = _permalink_style(root)
    zone = ZoneInfo(config.timezone)
    files = [(path, False) for path in _files(root / "_posts")] + [(path, True) for path in _files(root / "_drafts")]
    read = {path: _read(path, root, draft) for path, draft in files}
    names = {_name(path): _slug(parsed[0], path) for path, parsed in read.items() if not isinstance(parsed, str)}
    posts, skipped = [], []
    for (path, draft), parsed in zip(files, read.values()):
        result = (Skipped(path, 1, parsed) if isinstance(parsed, str)
                  else _post(path, parsed, root, zone, style, names, draft))
        (skipped if isinstance(result, Skipped) else posts).append(result)
    return posts, skipped


def _files(folder: Path) -> list[Path]:
    """Give the Markdown files under `folder`, sorted."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.suffix in SUFFIXES and path.is_file())


def _read(path: Path, root: Path, draft: bool) -> tuple[dict, str] | str:
    """Give a post's front-matter and body, or why it cannot be read."""
    if not draft and not _DATED.fullmatch(path.stem):
        return "not named YYYY-MM-DD-title: Jekyll does not publish it"
    source = read_text(path, root)
    if isinstance(source, Problem):
        return f"unreadable: {source.message}"
    parsed = split_front_matter(source, path)
    if isinstance(parsed, str):
        return parsed
    return parsed[:2] if parsed[0].get("published") is not False else "`published: false`"


def _post(path: Path, parsed: tuple[dict, str], root: Path, zone: ZoneInfo, style: str,
          names: dict[str, str], draft: bool) -> Imported | Skipped:
    """Give one post file as a post, or why it is left."""
    meta, body = parsed
    dated = _DATED.fullmatch(path.stem)
    warnings = []
    date = moment(meta.get("date"), zone) or (moment(dated["date"], zone) if dated else None)
    if date is None and draft:  # Jekyll dates a draft by its file's time
        date = datetime.fromtimestamp(path.stat().st_mtime, zone).replace(microsecond=0)
        warnings.append("a draft without a date: dated by its file's time, as Jekyll does")
    if date is None:
        return Skipped(path, 1, "no date")
    title = text(meta.get("title")) or (dated["slug"] if dated else path.stem).replace("-", " ").capitalize()
    slug = names[_name(path)]
    body, liquid = _liquid(body, names)
    warnings += liquid
    body, converted = html_blocks(body)
    warnings += converted
    body, images = local_images(body, path.parent, root, slug, root)
    categories = words(meta.get("categories")) or words(meta.get("category"))
    aliases = () if draft else (_old_url(meta, path, date, categories, style),)
    return Imported(
        source=path, line=1, title=title, date=date, slug=slug, body=body,
        topic=categories[0] if categories else None, tags=tuple(words(meta.get("tags"))),
        summary=text(meta.get("excerpt") or meta.get("description")), author=text(meta.get("author")),
        draft=draft, aliases=aliases, images=images, warnings=tuple(warnings),
    )


def _name(path: Path) -> str:
    """Give a post's name as `post_url` writes it: its file name without its suffix."""
    return path.stem


def _slug(meta: dict, path: Path) -> str:
    """Give the slug a post will have here: its `slug`, else its file name's, date left out."""
    dated = _DATED.fullmatch(path.stem)
    slug = slugify(str(meta.get("slug") or "")) or slugify(dated["slug"] if dated else path.stem) or "article"
    return slug if not long_slug(slug) else slug[:100].rstrip("-")


def _old_url(meta: dict, path: Path, date: datetime, categories: list[str], style: str) -> str:
    """Give the post's address on the Jekyll site, from its `permalink` or the site's style."""
    pattern = text(meta.get("permalink")) or style
    dated = _DATED.fullmatch(path.stem)
    title = str(meta.get("slug") or (dated["slug"] if dated else path.stem))
    tokens = {
        "year": f"{date:%Y}", "month": f"{date:%m}", "i_month": str(date.month), "day": f"{date:%d}",
        "i_day": str(date.day), "short_year": f"{date:%y}", "y_day": f"{date:%j}", "hour": f"{date:%H}",
        "minute": f"{date:%M}", "second": f"{date:%S}", "week": f"{date:%V}", "short_day": f"{date:%a}",
        "title": quote(title), "slug": quote(slugify(title)), "output_ext": ".html",
        "categories": "/".join(quote(category.lower()) for category in categories),
    }
    url = re.sub(r":(\w+)", lambda match: tokens.get(match[1], match[0]), pattern)
    return "/" + re.sub(r"/{2,}", "/", url).lstrip("/")


def _permalink_style(root: Path) -> str:
    """Give the permalink pattern of `_config.yml`, Jekyll's default when it names none."""
    path = root / "_config.yml"
    try:
        values = yaml.safe_load(path.read_text("utf-8")) if path.is_file() else {}
    except yaml.YAMLError as error:
        raise ImportFailed(f"{path}: cannot read it: {error}") from None
    permalink = values.get("permalink") if isinstance(values, dict) else None
    return STYLES.get(permalink, permalink) if isinstance(permalink, str) else STYLES["date"]


def _liquid(body: str, names: dict[str, str]) -> tuple[str, list[str]]:
    """Give `body` with the Liquid tags Markdown can say converted: `highlight` to a fenced block,
    `post_url` and `link` to the post's file, `site.baseurl` to nothing; the rest is reported."""
    warnings = []

    def post_file(name: str) -> str:
        """Give the file a Jekyll post name (`2021-03-01-title`, or a path to it) has here."""
        stem = Path(name).stem if Path(name).suffix in SUFFIXES else Path(name).name
        if stem not in names:
            warnings.append(f"a link to {name!r}, not among the posts: left as it was")
            return name
        return f"{names[stem]}.md"

    body = _HIGHLIGHT.sub(lambda match: f"```{match['language']}\n{match['code']}\n```", body)
    body = _POST_URL.sub(lambda match: post_file(match["name"]), body)
    body = _LINK.sub(lambda match: post_file(match["path"]) if "_posts/" in match["path"] else match[0], body)
    body = _BASE_URL.sub("", body)
    body = _URL_FILTER.sub(lambda match: match["path"], body)
    body = _RAW.sub("", body)
    left = sorted({match["tag"] or "{{ … }}" for match in _LIQUID.finditer(body)})
    if left:
        warnings.append(f"Liquid left as text: {', '.join(left)}")
    return body, warnings
