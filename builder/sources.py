"""Read a source file safely: inside the site, of a sane size, and decoded, or say precisely why not."""

from __future__ import annotations

from pathlib import Path

from builder.errors import Problem

# A post is text: past this size it is a mistake (a pasted export, an image saved as .md).
MAX_SOURCE_BYTES = 1_000_000


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
        before = text[: text.index("\0")]
        return Problem(path, before.count("\n") + 1, len(before) - before.rfind("\n"),
                       "a NUL character: this is a binary file, not text")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
