"""Checks shared by the config and the front-matter: known keys, and values of the right type."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from builder.content.yamldoc import Mapping
from builder.core.errors import Problem, cut, quoted

_TYPE_NAMES = {str: "a text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}


def unknown_keys(mapping: Mapping, known: Iterable[str], path: Path, what: str) -> list[Problem]:
    """Give a problem for each key not in `known`, suggesting the closest known one."""
    known = list(known)
    problems = []
    for key in mapping.values:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(known)}"
        problems.append(Problem(path, *mapping.position(key), f"unknown {what} key `{cut(key)}`", hint=hint))
    return problems


def type_problem(mapping: Mapping, key: str, expected: type, path: Path) -> Problem | None:
    """Give a problem when `key`'s value is not of the expected type (bools are not numbers)."""
    value = mapping.values[key]
    wrong_bool = expected is int and isinstance(value, bool)
    if isinstance(value, expected) and not wrong_bool:
        return None
    return Problem(path, *mapping.position(key),
                   f"`{key}` must be {_TYPE_NAMES[expected]}, found {describe(value)}")


def describe(value: Any) -> str:
    """Name a YAML value's kind for an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"the number {quoted(value)}"
    if isinstance(value, str):
        return f"the text {quoted(value)}"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else f"a YAML {type(value).__name__} value"
