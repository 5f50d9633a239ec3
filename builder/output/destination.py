"""Where the pages a build makes go as they are made: the output code puts them there through
this interface, without knowing how or where they are written (`write.Target` is the one
implementation, which only the commands create)."""

from __future__ import annotations

from typing import Protocol

from builder.core.model import Page, Stored

# Why a page was made anew rather than taken as the output holds it.
NEW_PAGE, NEW_INPUTS, CHANGED_FILE, WHOLE = ("new", "whose inputs changed", "whose file was changed in the output",
                                             "made for an output replaced whole")


class Destination(Protocol):
    """What holds the files of the previous output, and takes the files a build makes."""

    def held(self, path: str, key: str) -> Stored | None:
        """Give what the output holds at `path` if that file was made from the same inputs
        (`key`) and is still as it was written; None when the file must be made again."""

    def put(self, page: Page, key: str) -> Page:
        """Take a page made from the inputs `key`; give it back without its bytes, with what
        is known of its file."""

    def why_made(self, path: str, key: str) -> str:
        """Say why the file at `path`, made from the inputs `key`, was made rather than taken
        as the output holds it: one of `NEW_PAGE`, `NEW_INPUTS`, `CHANGED_FILE`, `WHOLE`."""
