"""`blog import`: posts of another blog (WordPress, Jekyll, Hugo) moved into this site.

- `wordpress`, `jekyll`, `hugo`: each reads its source into `posts.Imported` posts;
- `html`: WordPress's HTML to Markdown;
- `posts`: what every importer gives, written as post files, and the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from builder.core.model import Config
from builder.importers.posts import Imported, ImportFailed, ImportReport, Skipped, write_posts

Reader = Callable[[Path, Config], tuple[list[Imported], list[Skipped]]]


def readers() -> dict[str, Reader]:
    """Give the reader of each kind of source, by the name the command takes."""
    from builder.importers import hugo, jekyll, wordpress

    return {"wordpress": wordpress.read_export, "jekyll": jekyll.read_site, "hugo": hugo.read_site}


def import_posts(kind: str, source: Path, site_root: Path, config: Config) -> ImportReport:
    """Read `source`, a blog of `kind`, and write its posts into the site at `site_root`."""
    if not source.exists():
        raise ImportFailed(f"{source}: no such file or folder")
    posts, skipped = readers()[kind](source, config)
    report = ImportReport(skipped=list(skipped))
    write_posts(site_root, config, posts, report)
    return report


__all__ = ["ImportFailed", "ImportReport", "import_posts", "readers"]
