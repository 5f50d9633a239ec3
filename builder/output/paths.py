"""The one rule for output paths: inside the output folder, and each written by one page."""

from __future__ import annotations

from pathlib import Path

from builder.core.errors import Problem
from builder.core.model import Page


def path_problem(page: Page) -> Problem | None:
    """Give a problem when a page's path would leave the output folder."""
    if leaves_folder(page.path):
        return Problem(Path(page.origin), 1, 1, f"output path {page.path!r} is outside the output folder")
    return None


def leaves_folder(path: str) -> bool:
    """Tell whether a relative output path is anything but a plain path inside its folder."""
    parts = [part for part in path.split("/") if part not in ("", ".")]  # as PurePosixPath's, faster
    return not parts or path.startswith("/") or "\\" in path or "\0" in path or ".." in parts


def check_pages(pages: list[Page]) -> list[Problem]:
    """Give a problem for each page whose path leaves the output folder or is already taken."""
    problems, owners = [], {}
    for page in pages:
        problem = path_problem(page)
        if problem:
            problems.append(problem)
        elif page.path in owners:
            problems.append(Problem(Path(page.origin), 1, 1,
                                    f"{page.path} is written twice: {owners[page.path]} writes it too"))
        else:
            owners[page.path] = page.origin
    return problems
