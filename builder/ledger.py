"""What the output holds: for each file the last build put there, what it was made from and what
it is (`Stored`), kept in `.cache/output.json`, so that the next build makes again only the files
whose inputs changed and writes only those whose bytes changed.

The record is void, and the next build replaces the output whole, when anything that shapes
every file changed (its `scope`: the builder, the libraries, the config, the templates, the
options), or when the output is not the one recorded (its marker file was replaced or removed).
A damaged record is ignored; each file's size and time are checked before it is trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from builder.model import Page, Stored

LEDGER_FILE = Path(".cache") / "output.json"
FORMAT = 1

# What the output holds, by output path.
Ledger = dict[str, Stored]


def scope_digest(*parts: object) -> str:
    """Give a digest of what shapes every file of a build (parts with a stable repr)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def read_ledger(site_root: Path, output: Path, scope: str, marker: tuple[int, int]) -> tuple[Ledger | None, str]:
    """Give what the output holds, as the last build recorded it; or None, and why, when there
    is no record, when it was made for another scope or output, or when the output was
    replaced since."""
    try:
        data = json.loads((site_root / LEDGER_FILE).read_text("utf-8"))
        files = data["files"]
        if data["format"] != FORMAT or data["checksum"] != _checksum(files):
            return None, "the record of the output is damaged or outdated"
        if data["scope"] != scope:
            return None, "the config, an option or the builder changed"
        if data["output"] != str(output.resolve()) or tuple(data["marker"]) != marker or marker == (0, 0):
            return None, "the output was replaced, moved or removed since the last build"
        return {path: Stored(key, digest, size, mtime_ns) for path, (key, digest, size, mtime_ns) in files.items()}, ""
    except FileNotFoundError:
        return None, "no record of the output yet (a first build, or one that stopped)"
    except (OSError, ValueError, TypeError, KeyError):
        return None, "the record of the output is damaged or outdated"


def write_ledger(site_root: Path, output: Path, scope: str, marker: tuple[int, int], pages: list[Page]) -> None:
    """Record what the output holds after a complete build (temp file, then rename)."""
    files = {page.path: [page.stored.key, page.stored.digest, page.stored.size, page.stored.mtime_ns]
             for page in sorted(pages, key=lambda page: page.path) if page.stored is not None}
    data = {"format": FORMAT, "scope": scope, "output": str(output.resolve()), "marker": list(marker),
            "checksum": _checksum(files), "files": files}
    path = site_root / LEDGER_FILE
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(data, separators=(",", ":")), "utf-8")
    os.replace(temporary, path)


def forget_ledger(site_root: Path) -> None:
    """Drop the record: the next build replaces the output whole."""
    (site_root / LEDGER_FILE).unlink(missing_ok=True)


def _checksum(files: dict) -> str:
    """Give a digest of the recorded files, to notice a record damaged on disk."""
    return hashlib.blake2b(json.dumps(files, sort_keys=True).encode(), digest_size=16).hexdigest()
