"""Turn a source file's bytes into text, or say precisely why they are not text."""

from __future__ import annotations

from pathlib import Path

from builder.errors import Problem


def read_text(path: Path) -> str | Problem:
    """Give the file's text as UTF-8 with LF line endings and no BOM, or a located problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Problem(path, 1, 1, "file not found")
    except OSError as error:
        return Problem(path, 1, 1, f"cannot read the file: {error.strerror}")
    return decode(data, path)


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
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
