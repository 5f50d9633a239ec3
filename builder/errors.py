"""Located problems in a site's sources, gathered and reported together."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad a problem is: errors fail the build, warnings are only printed."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in one file, at a 1-based line and column."""

    path: Path
    line: int
    col: int
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = None

    def format(self, relative_to: Path | None = None) -> str:
        """Give the `path:line:col: severity: message` line editors and CI parse."""
        shown = display_path(self.path, relative_to)
        text = f"{shown}:{self.line}:{self.col}: {self.severity.value}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    @property
    def is_error(self) -> bool:
        """Tell whether this problem fails the build."""
        return self.severity is Severity.ERROR


def counted(count: int, noun: str, plural: str = "") -> str:
    """Give a count and its noun, as a sentence says it: "1 post", "2 posts" (`plural` when
    adding an s is not it)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """Give a path relative to `relative_to` (default: the working folder) when it is inside it."""
    base = (relative_to or Path.cwd()).resolve()
    absolute = path if path.is_absolute() else base / path
    try:
        return os.path.relpath(absolute, base) if absolute.is_relative_to(base) else str(absolute)
    except ValueError:  # another drive on Windows
        return str(absolute)


def sort_problems(problems: list[Problem] | tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Order problems by file, then position, so reports are stable."""
    return tuple(sorted(problems, key=lambda p: (str(p.path), p.line, p.col, p.message)))


class BuildFailed(Exception):
    """Raised once, with every problem found, when a stage cannot go on."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], stage: str = "") -> None:
        self.problems = sort_problems(problems)
        self.stage = stage
        super().__init__(f"{counted(len(self.problems), 'problem')} in stage {stage or '?'}")
