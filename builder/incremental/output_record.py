"""What the output holds: for each file the last build put there, what it was made from and what
it is (`Stored`), kept in `.cache/outputs/` (a file per output folder: a site's build and its
preview keep theirs apart), so that the next build makes again only the files whose inputs
changed and writes only those whose bytes changed.

A whole build writes the ledger whole. A fast-path build (`builder/incremental/fast_path.py`) makes a few files: it
keeps them in a small file of edits beside the ledger, which names the ledger it amends (by its
checksum) and the output's marker since, rather than decode and write 17,000 entries again.

The record is void, and the next build replaces the output whole, when anything that shapes
every file changed (its `scope`: the builder, the libraries, the config, the options; each page's
own key holds its templates), or when the output is not the one recorded (its marker file was
replaced or removed).
A damaged record is ignored; each file's size and time are checked before it is trusted.

Both are files of the store (`builder/incremental/store.py`). The ledger's header says it was
made for the scope, and holds the output's path and marker and the count of its files, so
that a fast-path build reads the header alone, not the 17,000 entries; the edits' header says
they were made for the ledger with that checksum, and holds the marker and count since. The
body of each maps output paths to entries (`ENTRY`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import os
from dataclasses import dataclass
from pathlib import Path

from builder.core.model import Stored
from builder.incremental import store
from builder.writer.write import as_written, file_untouched

LEDGER_DIR = Path(".cache") / "outputs"
KIND, VERSION = "ledger", 5
EDITS_KIND, EDITS_VERSION = "ledger-edits", 1
MOST_EDITED_FILES = 2_000  # files made by fast-path builds since the ledger was written whole: beyond, it is again

# A body's entries are compact tuples, not `Stored` objects (making 17,605 of them costs a
# tenth of the up-to-date check's CPU time): the fields of `Stored`, in this order.
ENTRY = tuple(field.name for field in dataclasses.fields(Stored))  # key, digest, size, mtime_ns
_SIZE, _MTIME = ENTRY.index("size"), ENTRY.index("mtime_ns")
_entry = operator.attrgetter(*ENTRY)

# What the output holds, by output path.
Ledger = dict[str, Stored]


@dataclass(frozen=True, slots=True)
class Edits:
    """What fast-path builds made since the ledger was written whole: the files they put in the
    output, the ledger they amend (its checksum), and how many files the output holds."""

    files: Ledger
    ledger: str
    count: int


def scope_digest(*parts: object) -> str:
    """Give a digest of what shapes every file of a build (parts with a stable repr)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def ledger_path(site_root: Path, output: Path) -> Path:
    """Give the file that records what the output folder `output` holds."""
    name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return site_root / LEDGER_DIR / f"{name}.pickle"


def edits_path(site_root: Path, output: Path) -> Path:
    """Give the file that records what fast-path builds made since the ledger was written whole."""
    path = ledger_path(site_root, output)
    return path.with_name(f"{path.stem}.edits.pickle")


def read_ledger(site_root: Path, output: Path, scope: str, marker: tuple[int, int]) -> tuple[Ledger | None, str]:
    """Give what the output holds, as the last build recorded it; or None, and why, when there
    is no record, when it was made for another scope or output, or when the output was
    replaced since."""
    try:
        _, body, edits = _read(site_root, output, scope, marker)
        files = _files(body)
        return ({**files, **edits.files} if edits else files), ""
    except _Void as void:
        return None, str(void)
    except Exception:  # (OSError, ValueError, pickle's own…) damage the checksum missed: never trusted
        return None, _DAMAGED


def read_edits(site_root: Path, output: Path, scope: str, marker: tuple[int, int]) -> tuple[Edits | None, str]:
    """Give what fast-path builds made since the ledger was written whole, as `read_ledger` would
    amend it, reading only the ledger's header (a fast-path build checks the whole ledger in
    another process: see `fast_build.fast_build`); or None and why, as `read_ledger` gives."""
    try:
        header, _body, edits = _read(site_root, output, scope, marker, whole=False)
        return edits or Edits({}, header.checksum, header.about["count"]), ""
    except _Void as void:
        return None, str(void)
    except Exception:  # damage the checksums missed
        return None, _DAMAGED


def output_as_recorded(site_root: Path, output: Path) -> bool:
    """Tell whether every file the ledger lists (with its edits) is in the output as it was
    written. Whether the ledger is the output's, for the build's scope, is for the build to
    tell (`read_edits`): this runs beside it, in another process (see `fast_build.fast_build`)."""
    found = store.read(ledger_path(site_root, output), KIND, VERSION)
    if found is None:  # no ledger, or a damaged one: never trusted
        return False
    header, body = found
    try:
        edits = _edits(site_root, output, header.checksum)
        entries = _entries(body) | (_entries(edits[1]) if edits else {})
        folder = os.path.join(output, "")
        return all(as_written(folder + path, entry[_SIZE], entry[_MTIME]) for path, entry in entries.items())
    except Exception:  # damage the checksums missed: never trusted
        return False


def untouched(output: Path, files: Ledger) -> bool:
    """Tell whether every file of `files` is in the output as it was written."""
    folder = os.path.join(output, "")  # paths joined as text: 17,000 of them at 10,000 posts
    return all(file_untouched(folder + path, entry) for path, entry in files.items())


def write_files(site_root: Path, output: Path, scope: str, marker: tuple[int, int], files: Ledger) -> None:
    """Record what the output holds after a complete build, in a file of the store made for
    `scope`, whose body lists the files (a pickle of plain values: at 17,000 files, a third
    of the time JSON takes both ways). Edits recorded since the last such build go: they
    amend a ledger that is no more."""
    about = {"output": str(output.resolve()), "marker": list(marker), "count": len(files)}
    store.write(ledger_path(site_root, output), KIND, VERSION, scope, _body(files), about)
    edits_path(site_root, output).unlink(missing_ok=True)


def write_edits(site_root: Path, output: Path, marker: tuple[int, int], edits: Edits, made: Ledger) -> None:
    """Record the files a fast-path build made (`made`) beside those fast-path builds made since the
    ledger was written whole (`edits`), and the output's marker once they are in place."""
    about = {"marker": list(marker), "count": edits.count}
    store.write(edits_path(site_root, output), EDITS_KIND, EDITS_VERSION, edits.ledger, _body({**edits.files, **made}),
                about)


def forget_ledger(site_root: Path, output: Path) -> None:
    """Drop the record: the next build replaces the output whole."""
    ledger_path(site_root, output).unlink(missing_ok=True)
    edits_path(site_root, output).unlink(missing_ok=True)


_DAMAGED = "the record of the output is damaged or outdated"


class _Void(Exception):
    """The record does not tell what the output holds; its message says why."""


def _read(site_root: Path, output: Path, scope: str, marker: tuple[int, int],
          whole: bool = True) -> tuple[store.Header, bytes, Edits | None]:
    """Give the ledger's header and body (checked, not decoded; not even read unless `whole`)
    and its edits, if any; raise `_Void` when they do not tell what the output holds now."""
    path = ledger_path(site_root, output)
    if whole:
        header, body = store.read(path, KIND, VERSION) or (None, b"")
    else:
        header, body = store.read_header(path, KIND, VERSION), b""
    if header is None:
        raise _Void(_DAMAGED if path.exists() else "no record of the output yet (a first build, or one that stopped)")
    if header.made_for != scope:
        raise _Void("the config, an option or the builder changed")
    edits = _edits(site_root, output, header.checksum)
    recorded = tuple((edits[0] if edits else header).about["marker"])
    if header.about["output"] != str(output.resolve()) or recorded != marker or marker == (0, 0):
        raise _Void("the output was replaced, moved or removed since the last build")
    if edits is None:
        return header, body, None
    return header, body, Edits(_files(edits[1]), header.checksum, edits[0].about["count"])


def _edits(site_root: Path, output: Path, ledger: str) -> tuple[store.Header, bytes] | None:
    """Give the header and body of the edits that amend the ledger with checksum `ledger`, or
    None when there are none for it (left by an earlier ledger: they amend it no more); raise
    `_Void` when they are damaged."""
    path = edits_path(site_root, output)
    found = store.read(path, EDITS_KIND, EDITS_VERSION)
    if found is None:
        if path.exists():  # (only then: a stat on the fast path's way would cost for nothing)
            raise _Void(_DAMAGED)
        return None
    return found if found[0].made_for == ledger else None


def _files(body: bytes) -> Ledger:
    """Give the files a record file's body lists."""
    return {path: Stored(*entry) for path, entry in _entries(body).items()}


def _entries(body: bytes) -> dict[str, tuple]:
    """Give the entries a record file's body lists, as `_body` wrote them."""
    entries = store.unpickled(body)
    if not isinstance(entries, dict):
        raise _Void(_DAMAGED)
    return entries


def _body(files: Ledger) -> bytes:
    """Give the body of a record file that lists `files` (`_files` reads it back)."""
    listed = {path: _entry(stored) for path, stored in sorted(files.items())}
    return store.pickled(listed)
