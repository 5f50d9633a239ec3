"""Where the default theme's templates and static files are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


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
