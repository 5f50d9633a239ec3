"""Read a source file safely: inside the site, of a sane size, and decoded, or say precisely why not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from builder.content.yamldoc import Mapping
from builder.core.errors import Problem

# A post is text: past this size it is a mistake (a pasted export, an image saved as .md).
MAX_SOURCE_BYTES = 1_000_000
# What XML 1.0 cannot hold, so that one in any field would make every feed ill-formed, and no
# editor means to type: the C0 controls but tab and line ends, and the noncharacters U+FFFE and
# U+FFFF (NUL in a file has its own message). Lone surrogates only come from YAML escapes.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL_HINT = "delete it: most editors do not show it (text pasted from elsewhere may bring one)"


def read_source(path: Path, root: Path, limit: int = MAX_SOURCE_BYTES) -> bytes | Problem:
    """Give the bytes of `path`, which must lie inside `root` once symlinks are followed."""
    problem = outside(path, root)
    if problem:
        return problem
    try:
        size = path.stat().st_size
        if size > limit:
            return Problem(path, 1, 1, f"the file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB",
                           hint="a post is text: keep images and attachments beside it")
        return path.read_bytes()
    except FileNotFoundError:
        return Problem(path, 1, 1, "file not found")
    except OSError as error:
        return Problem(path, 1, 1, f"cannot read the file: {error.strerror}")


def outside(path: Path, root: Path) -> Problem | None:
    """Give a problem when `path` (a symlink, or under one) leads out of `root`."""
    resolved = path.resolve()
    # A resolved path has no symlink and no "..": if it lies under `root` as written, `root`
    # has none either, and resolving it (a system call per folder, for every post) is moot.
    if resolved.is_relative_to(root) or resolved.is_relative_to(root.resolve()):
        return None
    return Problem(path, 1, 1, f"a link to {resolved}, outside {root}: not published",
                   hint="copy the file into the site instead of linking to it")


def read_text(path: Path, root: Path) -> str | Problem:
    """Give the text of `path` (inside `root`) as UTF-8 with LF line endings and no BOM."""
    data = read_source(path, root)
    return data if isinstance(data, Problem) else decode(data, path)


def decode(data: bytes, path: Path) -> str | Problem:
    """Decode UTF-8 bytes (a BOM and CRLF endings are accepted), naming the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        # Columns count characters, as YAML's do; the line's start decodes, being before the error.
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8")) + 1
        return Problem(path, line, col, f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
                       hint="save the file as UTF-8")
    if "\0" in text:  # valid UTF-8, but a binary file all the same
        return Problem(path, *_line_and_column(text, text.index("\0")),
                       "a NUL character: this is a binary file, not text")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _control_problem(text, path) or text


def _control_problem(text: str, path: Path) -> Problem | None:
    """Give a problem at the first control character of a text, if it holds one."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return Problem(path, *_line_and_column(text, found.start()),
                   f"control character {_name(found.group())} in the text", hint=_CONTROL_HINT)


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Give the 1-based line and column of an offset in a text."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def control_characters(mapping: Mapping, path: Path) -> list[Problem]:
    """Give a problem for each key of a YAML mapping whose value (at any depth) holds a
    control character: YAML's escapes (`"\\x01"`, `"\\u0001"`, `"\\0"`) write what the
    text itself may not hold."""
    problems = []
    for key, value in mapping.values.items():
        found = next(filter(None, map(_CONTROL.search, _strings(value))), None)
        if found is not None:
            problems.append(Problem(path, *mapping.position(key),
                                    f"control character {_name(found.group())} in `{key}`", hint=_CONTROL_HINT))
    return problems


def _strings(value: object) -> Iterator[str]:
    """Give every string in a parsed YAML value: itself, or the keys and items it holds."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _name(character: str) -> str:
    """Give a character's code point as Unicode writes it (`U+0001`)."""
    return f"U+{ord(character):04X}"
