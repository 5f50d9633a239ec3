"""The static files of a site and its theme, read to be copied into the output as they are."""

from __future__ import annotations

from pathlib import Path

from builder.content.sources import outside
from builder.core.errors import Problem
from builder.core.model import Page


def static_pages(folders: tuple[Path, ...]) -> tuple[list[Page], list[Problem]]:
    """Read the static files to copy, the first folder's winning over later ones; a file
    that links out of its folder is a problem, not a page."""
    found: dict[str, Path] = {}
    problems = []
    for folder in reversed(folders):  # later (default) first, so the site's files replace them
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            problem = outside(path, folder)
            if problem:
                problems.append(problem)
            else:
                found[path.relative_to(folder).as_posix()] = path
    return [Page("/" + rel, rel, path.read_bytes(), str(path)) for rel, path in sorted(found.items())], problems
