"""The import itself (`import_posts`), what every importer gives, and how it becomes files of
the site: posts written from typed front-matter (never by pasting strings), images copied
beside them, topics added to site.yaml."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from builder.content.config import CONFIG_NAME, read_config
from builder.content.folders import POSTS_DIR
from builder.content.frontmatter import MAX_TAGS, YEARS, alias_problem
from builder.content.load import existing_names
from builder.core.errors import Problem, Severity, counted, quoted
from builder.core.model import Config
from builder.core.urls import long_slug, post_url, slugify

# What `blog check` asks of a post's tags (builder/check.py): fewer or more is only a warning.
TAGS_MIN, TAGS_MAX = 2, 6


class ImportFailed(Exception):
    """A source that cannot be imported at all: not found, or not of its kind."""


@dataclass(frozen=True, slots=True)
class Imported:
    """One post read from another generator, in this site's terms, before it is written."""

    source: Path  # the file it came from, for messages
    line: int
    title: str
    date: datetime  # aware, in the site's timezone
    slug: str
    body: str  # Markdown
    topic: str | None = None  # the old category's title; None: the site's first topic
    tags: tuple[str, ...] = ()
    summary: str | None = None
    author: str | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()  # the old URL paths
    images: tuple[tuple[Path, str], ...] = ()  # (file of the source, name beside the post)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of the source that is not imported, and why."""

    source: Path
    line: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What an import did: the files it wrote, what it skipped and why, and its warnings."""

    written: list[Path] = field(default_factory=list)
    drafts: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    topics_added: list[str] = field(default_factory=list)

    def table(self) -> str:
        """Give the summary table the command prints at the end."""
        reasons: dict[str, int] = {}
        for skip in self.skipped:
            reasons[skip.reason] = reasons.get(skip.reason, 0) + 1
        rows = [("imported", str(len(self.written))), ("  of which drafts", str(self.drafts)),
                ("skipped", str(len(self.skipped)))]
        rows += [(f"  {reason}", str(count)) for reason, count in sorted(reasons.items())]
        rows += [("topics added to site.yaml", str(len(self.topics_added))), ("warnings", str(len(self.warnings)))]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {count:>5}" for name, count in rows)


Reader = Callable[[Path, Config], tuple[list[Imported], list[Skipped]]]


def readers() -> dict[str, Reader]:
    """Give the reader of each kind of source, by the name the command takes."""
    from builder.importers import hugo, jekyll, wordpress  # here: each of them imports this module

    return {"wordpress": wordpress.read_export, "jekyll": jekyll.read_site, "hugo": hugo.read_site}


def import_posts(kind: str, source: Path, site_root: Path, config: Config) -> ImportReport:
    """Read `source`, a blog of `kind`, and write its posts into the site at `site_root`."""
    if not source.exists():
        raise ImportFailed(f"{source}: no such file or folder")
    posts, skipped = readers()[kind](source, config)
    report = ImportReport(skipped=list(skipped))
    write_posts(site_root, config, posts, report)
    return report


def write_posts(site_root: Path, config: Config, posts: list[Imported], report: ImportReport) -> None:
    """Write each post to `content/posts/<slug>.md`, never over a file or a slug the site
    already has; declare the topics they name that site.yaml lacks."""
    names = existing_names(site_root)
    spellings = dict(names.tags)  # a tag is spelled as the site, or the first imported post, spells it
    topics = _topic_keys(config, posts)
    _declare_topics(site_root, config, topics, report)
    taken: dict[str, Path] = dict(names.slugs)
    for post in sorted(posts, key=lambda post: (post.date, post.slug)):
        path = site_root / POSTS_DIR / f"{post.slug}.md"
        if path.exists():
            report.skipped.append(Skipped(post.source, post.line, "already imported (the file exists)"))
            continue
        if not YEARS[0] <= post.date.year <= YEARS[1]:
            report.skipped.append(Skipped(post.source, post.line, f"dated out of the years {YEARS[0]} to {YEARS[1]}"))
            continue
        if post.slug in taken:
            report.skipped.append(Skipped(post.source, post.line, "slug taken by another post"))
            report.warnings.append(_warning(post, f"not imported: the slug {quoted(post.slug)} "
                                                  f"is used by {taken[post.slug]}"))
            continue
        meta, warnings = front_matter(post, config, topics, spellings)
        for tag in meta["tags"]:
            spellings.setdefault(slugify(tag), tag)
        report.warnings += [_warning(post, message) for message in (*post.warnings, *warnings)]
        path.parent.mkdir(parents=True, exist_ok=True)
        _copy_images(post, path, report)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        text = f"---\n{front}---\n\n{post.body.strip()}\n"
        with path.open("x", encoding="utf-8") as file:  # "x": never over a file written meanwhile
            file.write(text)
        taken[post.slug] = path
        report.written.append(path)
        report.drafts += post.draft


def front_matter(post: Imported, config: Config, topics: dict[str | None, str],
                 spellings: dict[str, str]) -> tuple[dict[str, object], list[str]]:
    """Give the post's front-matter as typed values, in the order of README's table, and
    warnings for what `blog check` would find."""
    warnings = []
    tags: dict[str, str] = {}  # slug -> spelling; the site's own spelling wins
    for tag in post.tags:
        if slugify(tag) and not long_slug(slugify(tag)):
            tags.setdefault(slugify(tag), spellings.get(slugify(tag), " ".join(tag.split())))
    kept = list(tags.values())[:MAX_TAGS]
    if len(tags) > MAX_TAGS:
        warnings.append(f"{len(tags)} tags: only the first {MAX_TAGS} are kept (more is an error)")
    elif not TAGS_MIN <= len(kept) <= TAGS_MAX:
        warnings.append(f"{counted(len(kept), 'tag')}: `blog check` asks for {TAGS_MIN} to {TAGS_MAX}")
    if post.topic is None:
        warnings.append(f"no category: filed under the site's first topic, {config.topics[0].slug!r}")
    meta: dict[str, object] = {"title": post.title, "date": post.date.isoformat(timespec="seconds"),
                               "topic": topics[post.topic], "tags": kept}
    if post.summary:
        meta["summary"] = post.summary
    if post.author:
        meta["author"] = post.author
    meta["slug"] = post.slug
    aliases = []
    for alias in dict.fromkeys(post.aliases):
        problem = alias_problem(alias)
        if problem:
            warnings.append(f"old address {quoted(alias)} not kept as an alias: it {problem}")
        elif alias.rstrip("/") != post_url(post.date, post.slug).rstrip("/"):
            aliases.append(alias)
    if aliases:
        meta["aliases"] = aliases
    if post.draft:
        meta["draft"] = True
    return meta, warnings


def _topic_keys(config: Config, posts: list[Imported]) -> dict[str | None, str]:
    """Give the key of the site's topic for each category the posts name (None: the first topic)."""
    keys: dict[str | None, str] = {None: config.topics[0].slug}
    for post in posts:
        if post.topic is not None and post.topic not in keys:
            key = slugify(post.topic)
            if not key or long_slug(key):  # a category of punctuation alone names no topic
                keys[post.topic] = config.topics[0].slug
                continue
            declared = config.topic(key) or next((t for t in config.topics if slugify(t.title) == key), None)
            keys[post.topic] = declared.slug if declared else key
    return keys


def _declare_topics(site_root: Path, config: Config, keys: dict[str | None, str], report: ImportReport) -> None:
    """Append the topics that site.yaml lacks under its `topics:` key, keeping the rest of the
    file as it is; the result must still read as a config."""
    titles = {key: title for title, key in keys.items() if title is not None and config.topic(key) is None}
    if not titles:
        return
    path = site_root / CONFIG_NAME
    text = path.read_text("utf-8")
    lines = text.split("\n")
    start = next((index for index, line in enumerate(lines) if line.rstrip() == "topics:"), None)
    if start is None:
        raise ImportFailed(f"{path}: no `topics:` line with the topics below it, where new topics would go")
    end, scan = start + 1, start + 1  # the block ends after its last indented line
    while scan < len(lines) and (not lines[scan].strip() or lines[scan][:1] in (" ", "\t", "#")):
        if lines[scan][:1] in (" ", "\t") and lines[scan].strip():
            end = scan + 1
        scan += 1
    children = [line for line in lines[start + 1:end] if line.strip() and not line.lstrip().startswith("#")]
    indent = children[0][:len(children[0]) - len(children[0].lstrip())] if children else "  "
    added = yaml.safe_dump({key: {"title": title, "description": f"Articles importés : {title}."}
                            for key, title in sorted(titles.items())},
                           allow_unicode=True, sort_keys=False, width=1000)
    block = [indent + line if line else line for line in added.rstrip("\n").split("\n")]
    new_text = "\n".join(lines[:end] + block + lines[end:])
    _replace(path, new_text)
    _, problems = read_config(site_root)
    if any(problem.is_error for problem in problems):
        _replace(path, text)
        raise ImportFailed(f"adding topics {', '.join(sorted(titles))} to {path} would break it: "
                           f"{problems[0].format()}")
    report.topics_added += sorted(titles)


def _replace(path: Path, text: str) -> None:
    """Write `path` atomically: a temporary file beside it, then a rename."""
    temporary = path.with_name(f".{path.name}.import")
    temporary.write_text(text, "utf-8")
    temporary.replace(path)


def _copy_images(post: Imported, path: Path, report: ImportReport) -> None:
    """Copy the post's local images into a folder named after it, beside it; never over a file."""
    for source, name in post.images:
        target = path.parent / name
        if target.exists():
            report.warnings.append(_warning(post, f"image {quoted(name)} exists already: left as it is"))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _warning(post: Imported, message: str) -> Problem:
    """Give a warning about `post`, located in its source."""
    return Problem(post.source, post.line, 1, message, Severity.WARNING)
