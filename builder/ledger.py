"""What the output holds: for each file the last build put there, what it was made from and what
it is (`Stored`), kept in `.cache/outputs/` (a file per output folder: a site's build and its
preview keep theirs apart), so that the next build makes again only the files whose inputs
changed and writes only those whose bytes changed.

The record is void, and the next build replaces the output whole, when anything that shapes
every file changed (its `scope`: the builder, the libraries, the config, the options; each page's
own key holds its templates), or when the output is not the one recorded (its marker file was
replaced or removed).
A damaged record is ignored; each file's size and time are checked before it is trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

from builder.cache import unpickled
from builder.model import Stored

LEDGER_DIR = Path(".cache") / "outputs"
FORMAT = 3

# What the output holds, by output path.
Ledger = dict[str, Stored]


def scope_digest(*parts: object) -> str:
    """Give a digest of what shapes every file of a build (parts with a stable repr)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def ledger_path(site_root: Path, output: Path) -> Path:
    """Give the file that records what the output folder `output` holds."""
    name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return site_root / LEDGER_DIR / f"{name}.pickle"


def read_ledger(site_root: Path, output: Path, scope: str, marker: tuple[int, int]) -> tuple[Ledger | None, str]:
    """Give what the output holds, as the last build recorded it; or None, and why, when there
    is no record, when it was made for another scope or output, or when the output was
    replaced since."""
    damaged = "the record of the output is damaged or outdated"
    try:
        head, _, body = ledger_path(site_root, output).read_bytes().partition(b"\n")
        header = json.loads(head)
        if header["format"] != FORMAT or header["checksum"] != _checksum(body):
            return None, damaged
        if header["scope"] != scope:
            return None, "the config, an option or the builder changed"
        if header["output"] != str(output.resolve()) or tuple(header["marker"]) != marker or marker == (0, 0):
            return None, "the output was replaced, moved or removed since the last build"
        return {path: Stored(*entry) for path, entry in unpickled(body).items()}, ""
    except FileNotFoundError:
        return None, "no record of the output yet (a first build, or one that stopped)"
    except Exception:  # (OSError, ValueError, pickle's own…) damage the checksum missed: never trusted
        return None, damaged


def write_files(site_root: Path, output: Path, scope: str, marker: tuple[int, int], files: Ledger) -> None:
    """Record what the output holds after a complete build (temp file, then rename): a line
    of JSON saying what for, with a checksum of the rest, which lists the files (a pickle of
    plain values: at 17,000 files, a third of the time JSON takes both ways)."""
    listed = {path: (entry.key, entry.digest, entry.size, entry.mtime_ns) for path, entry in sorted(files.items())}
    body = pickle.dumps(listed, protocol=pickle.HIGHEST_PROTOCOL)
    header = {"format": FORMAT, "scope": scope, "output": str(output.resolve()), "marker": list(marker),
              "checksum": _checksum(body)}
    path = ledger_path(site_root, output)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(json.dumps(header).encode() + b"\n" + body)
    os.replace(temporary, path)


def forget_ledger(site_root: Path, output: Path) -> None:
    """Drop the record: the next build replaces the output whole."""
    ledger_path(site_root, output).unlink(missing_ok=True)


def _checksum(body: bytes) -> str:
    """Give a digest of the list of files, to notice a record damaged on disk."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()
