"""What a long-lived process (`blog serve`) keeps in memory between builds of one site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.core.model import Config, Post
from builder.incremental import fast_path, output_record
from builder.output.templates import Templates


@dataclass(slots=True)
class Memo:
    """What a preview keeps between builds of one site, so that a rebuild redoes only what
    changed: the posts as loaded (dropped when the config changes), the compiled templates,
    and what its output holds, as a build's ledger would record it."""

    config: Config | None = None
    posts: dict[Path, Post] = field(default_factory=dict)  # as loaded, before links resolve
    templates: Templates | None = None  # the theme's, as the last build loaded them
    output_files: output_record.Ledger | None = None  # what the output holds, for `scope`, while it has `marker`
    scope: str = ""
    marker: tuple[int, int] = (0, 0)
    record: fast_path.Record | None = None  # what the last build was made from, for the fast path
    window: tuple[str | None, str | None] = (None, None)  # while the last build stays right

    def keep_if(self, config: Config) -> None:
        """Forget the posts a new config makes stale."""
        if config != self.config:
            self.config, self.posts = config, {}

    def previous(self, scope: str, marker: tuple[int, int]) -> tuple[output_record.Ledger | None, str]:
        """Give what the output holds, or None and why, as `output_record.read_ledger` does."""
        if self.output_files is None or (self.scope, self.marker) != (scope, marker):
            return None, "the config changed, or the preview's folder was changed by another program"
        return self.output_files, ""

    def posts_at(self, site_root: Path, paths: set[str]) -> dict[str, Post]:
        """Give the posts at these paths (from the site root) as this memo holds them."""
        found = {path: self.posts.get(site_root / path) for path in paths}
        return {path: post for path, post in found.items() if post is not None}
