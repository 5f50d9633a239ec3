"""Where a site's inputs are: its posts, and the templates and static files of its theme (the
site's own, then the default theme's, installed or in a checkout). Imports nothing of the
builder: the check that a build has nothing to do reads these folders before loading the rest."""

from __future__ import annotations

from pathlib import Path

POSTS_DIR = Path("content") / "posts"  # from the site root
_PACKAGE = Path(__file__).resolve().parent.parent  # the `builder` package


def default_theme() -> Path:
    """Give the folder holding the default `templates/` and `static/`: packaged in a wheel,
    or the repository root when running from a source checkout (an editable install)."""
    packaged = _PACKAGE / "theme"
    return packaged if (packaged / "templates").is_dir() else _PACKAGE.parent


def theme_dirs(site_root: Path, name: str) -> tuple[Path, ...]:
    """Give the folders to search for `name` (templates or static), the site's first,
    each once, keeping only those that exist."""
    candidates = (site_root / name, default_theme() / name)
    unique = dict.fromkeys(path.resolve() for path in candidates if path.is_dir())
    return tuple(unique)


def theme_folders(site_root: Path) -> tuple[Path, ...]:
    """Give the template and static folders a build reads, the site's and the default theme's."""
    return (*theme_dirs(site_root, "templates"), *theme_dirs(site_root, "static"))
