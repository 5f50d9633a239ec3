"""The one format of every file in `.cache/`, its one writer and its one reader.

A file is one header line, then its body. The header says what made the file and for what,
and holds the checksum of the body:

    blog-store-1 {"kind": "posts", "version": 3, "for": "<key> 0a", "checksum": "<sha256>", "about": {}}

after the magic, a line of JSON: `kind` names the store (posts, memo, ledger, ledger-edits,
record, record-edits, state), `version` its body's format, `for` what it was made for (a
cache key, a scope, the file it amends), `about` a few values a reader may need before the
body (the ledger's count of files and the output's marker). A file is written whole or not
at all (temp file in the same folder, then `os.replace`), and read back only if it is
present, of the kind and version asked, made for what is asked, and its body passes its
checksum: otherwise the reader gets None, and the caller makes the data again. A body that is
a pickle is read with an unpickler that refuses every class but the model's: a cache file is
data, never code.

This module uses the standard library alone (the model's types are imported only when a pickle
is written or read): `builder.incremental.last_build` imports it, and runs before the rest of the
builder is loaded.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MAGIC = b"blog-store-1 "  # what every file of `.cache/` starts with; a new format of the header changes it


@dataclass(frozen=True, slots=True)
class Header:
    """What a file's first line says: what made it, for what, and the checksum of its body."""

    kind: str  # which store: posts, memo, ledger, ledger-edits, record, record-edits, state
    version: int  # the format of its body
    made_for: str  # a cache key, a scope, the checksum of the file it amends…
    checksum: str  # of the body (`checksum`)
    about: dict[str, object]  # plain values a reader needs before the body (JSON)


def checksum(body: bytes | memoryview) -> str:
    """Give the checksum of a file's body, to notice a file damaged on disk (no secret: a
    file is also refused for what it holds, see `unpickled`)."""
    # SHA-256 rather than BLAKE2b: as good here, and twice as fast where the CPU has SHA
    # instructions: 1.1 ms a MB against 2.2 ms on this machine (2026-12-04, Python 3.11).
    return hashlib.sha256(body).hexdigest()


def header_line(header: Header) -> bytes:
    """Give the first line of a file, without its line break."""
    fields = {"kind": header.kind, "version": header.version, "for": header.made_for,
              "checksum": header.checksum, "about": header.about}
    return MAGIC + json.dumps(fields, ensure_ascii=False).encode()


def parse_header(line: bytes) -> Header | None:
    """Give the header a first line says, or None when it is not one."""
    if not line.startswith(MAGIC):
        return None
    try:
        fields = json.loads(line[len(MAGIC):])
        header = Header(fields["kind"], fields["version"], fields["for"], fields["checksum"], fields["about"])
    except (ValueError, TypeError, KeyError):
        return None
    well_formed = (isinstance(header.kind, str) and isinstance(header.version, int) and isinstance(header.made_for, str)
                   and isinstance(header.checksum, str) and isinstance(header.about, dict))
    return header if well_formed else None


def write(path: Path, kind: str, version: int, made_for: str, body: bytes | memoryview,
          about: dict[str, object] | None = None) -> Header:
    """Write a file whole or not at all (temp file in its folder, then renamed over `path`;
    the temp file removed on any failure); give its header."""
    import tempfile  # here: its imports (random, shutil) would slow a build with nothing to do

    header = Header(kind, version, made_for, checksum(body), about or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(header_line(header) + b"\n")
            file.write(body)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return header


def read(path: Path, kind: str, version: int, made_for: str | None = None) -> tuple[Header, bytes] | None:
    """Give a file's header and body when it is present, of this kind and version, made for
    `made_for` (any, when None), and its body passes its checksum; None otherwise."""
    try:
        line, _, body = path.read_bytes().partition(b"\n")
    except OSError:
        return None
    header = parse_header(line)
    if not _fits(header, kind, version, made_for) or header.checksum != checksum(body):
        return None
    return header, body


def read_header(path: Path, kind: str, version: int, made_for: str | None = None) -> Header | None:
    """Give a file's header alone, its body neither read nor checked (the fast path reads the
    ledger's so, not its 17,000 entries), when it is of this kind and version, made for
    `made_for` (any, when None); None otherwise."""
    try:
        with path.open("rb") as file:
            header = parse_header(file.readline().rstrip(b"\n"))
    except OSError:
        return None
    return header if _fits(header, kind, version, made_for) else None


def _fits(header: Header | None, kind: str, version: int, made_for: str | None) -> bool:
    """Tell whether a header is of this kind and version, made for `made_for` (any, when None)."""
    return (header is not None and header.kind == kind and header.version == version
            and (made_for is None or header.made_for == made_for))


def verify(path: Path) -> Header | None:
    """Give the header of any file of the store whose body passes its checksum, or None."""
    try:
        line, _, body = path.read_bytes().partition(b"\n")
    except OSError:
        return None
    header = parse_header(line)
    return header if header is not None and header.checksum == checksum(body) else None


def save(path: Path, kind: str, version: int, made_for: str, value: object) -> None:
    """Write a plain value, or model objects, pickled (see `pickled`)."""
    write(path, kind, version, made_for, pickled(value))


def load(path: Path, kind: str, version: int, made_for: str | None = None) -> object | None:
    """Give the value `save` pickled in a file, as `read` checks it, or None; never a value the
    checksum let through damaged, nor any class but the model's."""
    found = read(path, kind, version, made_for)
    if found is None:
        return None
    try:
        return unpickled(found[1])
    except Exception:  # damage the checksum missed: never trusted
        return None


# --- pickles: the model's objects as their fields, and only the model's classes read back ---


def pickled(value: object) -> bytes:
    """Give `value` pickled, model objects as one call of their class with their fields (every
    model type has several: cheaper both ways than the field-by-field state of dataclasses),
    and time zones by name (their own pickling goes through a getattr the unpickler refuses)."""
    buffer = io.BytesIO()
    _pickler()(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def unpickled(body: bytes) -> object:
    """Give what `body` pickles, refusing any class but the model's (`_allowed`)."""
    return _Unpickler(io.BytesIO(body)).load()


class _Unpickler(pickle.Unpickler):
    """An unpickler that refuses every class but the model's: a cache file is data, never code."""

    def find_class(self, module: str, name: str):
        """Give an allowed class, or refuse."""
        try:
            return _allowed()[module, name]  # (a lookup: each post's fields name a few classes)
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache") from None


@lru_cache(maxsize=1)
def _model_types() -> tuple[type, ...]:
    """Give the model's types that a cached post holds besides plain values (the post itself is
    kept as its fields: see `cache`)."""
    from builder.core.model import Asset, Heading, PostLink, Reference, Tag, Topic  # here: see the docstring

    return (Topic, Tag, Heading, Reference, PostLink, Asset)


@lru_cache(maxsize=1)
def _allowed() -> dict[tuple[str, str], type]:
    """Give what a pickle of `.cache/` may hold: the model's types, and the values they hold."""
    from datetime import datetime, timedelta, timezone
    from pathlib import PosixPath, PurePosixPath, WindowsPath
    from zoneinfo import ZoneInfo

    classes = (*_model_types(), datetime, timezone, timedelta, ZoneInfo, PosixPath, WindowsPath, PurePosixPath)
    return {(cls.__module__, cls.__qualname__): cls for cls in classes}


@lru_cache(maxsize=1)
def _pickler() -> type[pickle.Pickler]:
    """Give the pickler class of `pickled` (made once, when first needed: see the module's docstring)."""
    import dataclasses
    import operator
    from zoneinfo import ZoneInfo

    def reducer(cls: type):
        fields = operator.attrgetter(*(field.name for field in dataclasses.fields(cls)))
        return lambda obj: (cls, fields(obj))

    table = {cls: reducer(cls) for cls in _model_types()} | {ZoneInfo: lambda zone: (ZoneInfo, (zone.key,))}
    return type("_Pickler", (pickle.Pickler,), {"dispatch_table": table})
