"""Located problems in a site's sources, gathered and reported together."""

from __future__ import annotations

import os
import reprlib
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path


# How much of a value a message quotes: enough to find it, never a whole file's worth.
QUOTE_LIMIT = 80


def _bounded_repr() -> reprlib.Repr:
    """Give a `repr` bounded at every level, so that quoting a huge or nested value costs little."""
    bounded = reprlib.Repr()
    bounded.maxlevel, bounded.maxstring, bounded.maxother = 2, QUOTE_LIMIT, QUOTE_LIMIT
    bounded.maxlist = bounded.maxdict = bounded.maxset = bounded.maxtuple = 4
    return bounded


def cut(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Give `text` cut to `limit` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """Give `repr(value)` for a message, cut to about `limit` characters with an ellipsis."""
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"
    if isinstance(value, int) and value.bit_length() > 256:
        return "a number too long to show"  # Python writes no int past 4,300 digits (ValueError)
    return cut(_bounded_repr().repr(value), limit)


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


def named(paths: tuple[str, ...], shown: int = 10) -> str:
    """Name the first few paths, and say how many more there are."""
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """Give a path relative to `relative_to` (default: the working folder) when it is inside it."""
    return _shown_path(path, str(relative_to) if relative_to else os.getcwd())


# A post's warnings all name its file: resolving the folder again for each of the 61,875 raw
# HTML tags of a 990 kB post took 1.5 s, 40% of its build (0.2 s kept).
@lru_cache(maxsize=256)
def _shown_path(path: Path, relative_to: str) -> str:
    """Give `display_path`'s answer for a folder given."""
    base = Path(relative_to).resolve()
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
