"""Where the pages a build makes go, as the code that makes them sees it: the writer's target
(`builder.writer.write.Target`), which the commands hand down, so that making pages never
needs the writer itself."""

from __future__ import annotations

from typing import Protocol

from builder.core.model import Page, Stored


class Destination(Protocol):
    """Takes each page as soon as it is made, and tells which the output holds already."""

    def held(self, path: str, key: str) -> Stored | None:
        """Give what the output holds at `path` if it was made from the same inputs (`key`)
        and is still as written; None when the page must be made."""

    def put(self, page: Page, key: str = "") -> Page:
        """Take a page; give it back without its bytes, with what is known of its file."""
