"""The one door to incremental building. A build asks its `BuildCache` what it may skip (the
posts loaded earlier, the files the output holds, a whole fast build) and tells it what it
made; everything about `.cache/` and a preview's memory stays behind this class, so that the
code that reads, indexes, renders and writes never knows a cache exists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from builder.core.model import Config, Post, Sources
from builder.core.report import BuildOptions, BuildReport
from builder.incremental import fast_path, last_build, output_record, post_cache
from builder.incremental.fast_build import fast_build, output_scope
from builder.incremental.memo import Memo
from builder.incremental.up_to_date import read_inputs
from builder.output.assemble import Rendering, site_addresses
from builder.output.templates import Templates, load_templates
from builder.site.index import related_positions
from builder.site.publishing import unchanged_window
from builder.writer.write import MARKER, Ledger


class BuildCache:
    """What one build of a site into an output folder may skip, and what it leaves for the
    next: with `options.cache`, the posts' cache, the ledger of the output, the fast path's
    record and the state in `.cache/`; in a preview, its memo too; without either, nothing."""

    def __init__(self, site_root: Path, output: Path, options: BuildOptions, memo: Memo | None = None,
                 inputs: last_build.Inputs | None = None, output_checked: Callable[[], bool] | None = None) -> None:
        self.site_root, self.output, self.options, self.memo = site_root, output, options, memo
        self.on_disk = options.cache
        # The inputs' sizes and times, taken before anything is read (the caller's, if it took them).
        self.inputs = inputs if inputs is not None or not self.on_disk else read_inputs(site_root)
        self.output_checked = output_checked  # the check of the output's files, if the caller started it
        self._known: dict[Path, Post] | None = None

    def fast_build(self) -> BuildReport | str:
        """Build only the edited posts' pages and feeds, if the fast path can; else say why not."""
        if not self.on_disk:
            return "--no-cache"
        return fast_build(self.site_root, self.output, self.options, self.inputs, self.memo, self.output_checked)

    def known_posts(self, config: Config, report: BuildReport) -> dict[Path, Post] | None:
        """Give the posts loaded by earlier builds with this config, by source file: a loader
        reuses those whose file did not change."""
        if self.memo is not None:
            self.memo.keep_if(config)
        self._known = self.memo.posts if self.memo is not None else None
        if self.on_disk and not self._known:
            self._known = report.stage("cache", post_cache.read_posts, self.site_root, post_cache.cache_key(config))
        return self._known

    def loaded(self, config: Config, posts: tuple[Post, ...], report: BuildReport) -> None:
        """Keep the posts as loaded (before their links resolve) for the next build."""
        fresh = {post.source: post for post in posts}
        if self.on_disk and fresh != (self._known or {}):
            report.stage("cache", post_cache.write_posts, self.site_root, post_cache.cache_key(config), fresh,
                         self._known)
        if self.memo is not None:
            self.memo.posts = fresh

    def templates(self, folders: tuple[Path, ...], config: Config) -> Templates:
        """Give the theme's templates; a preview keeps them, compiled, while their sources stay the same."""
        templates = load_templates(folders, config, self.memo.templates if self.memo is not None else None)
        if self.memo is not None:
            self.memo.templates = templates
        return templates

    def related(self, config: Config) -> Callable[[tuple], tuple] | None:
        """Give how to find related posts, kept from the last build while the tags are the same;
        a preview (drafts, future posts) keeps its own, so that it and `blog build` take turns."""
        if not self.on_disk:
            return None
        name = "related" + "-drafts" * self.options.drafts + "-future" * self.options.future
        return post_cache.remembered(self.site_root, post_cache.cache_key(config), name, related_positions)

    def previous_output(self, config: Config) -> tuple[Ledger | None, str]:
        """Give what the output holds, as the last build left it, or None and why not."""
        scope, marker = output_scope(config, self.options), last_build.marker_of(self.output, MARKER)
        if self.memo is not None and self.memo.output_files is not None:
            return self.memo.previous(scope, marker)
        if self.on_disk:  # a build, or a preview's first: from the ledger on disk
            return output_record.read_ledger(self.site_root, self.output, scope, marker)
        return None, "--no-cache"

    def publishing(self) -> None:
        """Hear that the output is about to change: until the build completes, what it holds is unknown."""
        if self.on_disk:
            output_record.forget_ledger(self.site_root, self.output)

    def built(self, sources: Sources, rendering: Rendering, files: Ledger, templates: Templates,
              report: BuildReport) -> None:
        """Record what a complete build put in the output and what it was made from."""
        scope, marker = output_scope(sources.config, self.options), last_build.marker_of(self.output, MARKER)
        if self.memo is not None:
            self.memo.output_files, self.memo.scope, self.memo.marker = files, scope, marker
        if not self.on_disk:
            return
        output_record.write_files(self.site_root, self.output, scope, marker, files)  # a preview started again goes on
        # No fast path after warnings (it would not repeat them; but it gives those of raw HTML shown as
        # text again, from the posts), or for posts `make_record` cannot name.
        record = None if sources.problems else fast_path.make_record(
            self.site_root, self.inputs, scope, sources.posts, rendering.index, rendering.shared, templates.digests,
            templates.listed, [page.url for page in sources.static],
            site_addresses(rendering.pages, rendering.index.posts), (report.drafts_left_out, report.future_left_out))
        window = unchanged_window(sources.posts, self.options, sources.config)
        if self.memo is not None:
            self.memo.record, self.memo.window = record, window
            return
        # The inputs were taken before reading: a file changed during the build makes them stale.
        options = last_build.options_digest(self.options.drafts, self.options.future, self.options.search, self.output)
        last_build.write_state(self.site_root, last_build.State(
            format=last_build.FORMAT, inputs=self.inputs.digest, options=options,
            published_from=window[0], published_until=window[1], output_marker=marker))
        if record is None:
            fast_path.forget_record(self.site_root)
        else:
            fast_path.write_record(self.site_root, record)
