"""The fast path: after edits to a few posts that change nothing other pages show, a build
makes only the edited posts' pages and the feeds that hold them, from the record of the last
complete build (`quick`), without reading the whole site again. It gives the bytes a complete
build would (tests/test_quick.py and the property test check it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from functools import partial
from pathlib import Path

from builder.content.config import load_config
from builder.content.folders import theme_dirs
from builder.content.load import raw_html_warnings_of
from builder.core.errors import BuildFailed
from builder.core.model import Config
from builder.core.parallel import aside
from builder.core.report import BuildOptions, BuildReport
from builder.incremental import fast_path, last_build, output_record, post_cache
from builder.incremental.memo import Memo
from builder.output.assemble import channel_feeds
from builder.output.render import render_post_pages
from builder.output.templates import make_environment
from builder.site.publishing import moment
from builder.writer.publish import publish_site
from builder.writer.write import MARKER, Target, recover, staged

NO_RECORD = "no record of the last build (a first build, one that failed, or one with warnings)"


def output_scope(config: Config, options: BuildOptions) -> str:
    """Give what shapes every file a build writes: the builder, the libraries and the config
    (the cache's key), and the options. Templates are not in it: each page's key holds its
    template's digest, so that a template's change re-renders only the pages that use it. Nor
    is --no-search: only the search page depends on it (its key holds it), so that switching
    it rewrites that page and the index, not the other pages."""
    return output_record.scope_digest(post_cache.cache_key(config), options.drafts, options.future)


def fast_build(site_root: Path, output: Path, options: BuildOptions, inputs: last_build.Inputs, memo: Memo | None,
               output_checked: Callable[[], bool] | None) -> BuildReport | str:
    """Build the pages of the edited posts, and the feeds that hold them, from the last
    build's record (a preview's is in its memo); give why not when the fast path cannot
    build the edits."""
    report = BuildReport(fast_path=True)
    last = last_build.read_state(site_root) if memo is None else None
    if last is None and memo is None or memo is not None and memo.record is None:
        return NO_RECORD
    try:
        config = report.stage("config", load_config, site_root)
    except BuildFailed:  # a complete build reports it
        return "the config has a problem"
    recover(output)  # a build stopped while moving files in is finished first: its marker then tells
    scope, marker = output_scope(config, options), last_build.marker_of(output, MARKER)
    settings = last_build.options_digest(options.drafts, options.future, options.search, output)
    # (A preview's memo holds what its output holds while it has `marker`.)
    now = moment(options.now, config)
    current = (last_build.still_current(last, settings, now, marker) if last is not None
               else last_build.in_window(*memo.window, now))
    if not current:
        return "the output was replaced, or the moment publishes a post or withdraws one"
    with _output_check(site_root, output, memo, output_checked) as output_as_recorded:
        record = report.stage("record", fast_path.read_record, site_root) if memo is None else memo.record
        if record is None or (memo is None and record.inputs != last.inputs):
            return NO_RECORD
        if record.scope != scope:
            return "the config, an option, the builder or a library changed"
        fetch = _posts_source(site_root, config, memo)
        plan = report.stage("load", fast_path.plan, site_root, config, record, inputs, fetch)
        if isinstance(plan, str):
            return plan
        known = _output_known(site_root, output, scope, marker, memo, options.search)
        if isinstance(known, str):
            return f"no record of what the output holds: {known}"
        _report_plan(report, plan, record, last, memo, options)
        with staged(output, known[0]) as target:
            made = _make_pages(site_root, target, plan, record, config, memo, report)
            # Written while the output's files are checked: the record names inputs that the
            # state names only once the files are published, and the cache is only a cache.
            report.stage("cache", post_cache.update_posts, site_root, post_cache.cache_key(config), plan.loaded)
            if memo is None:
                fast_path.write_edits(site_root, plan.record, plan.edited)
            if not output_as_recorded():
                return "a file of the output was changed since the last build: the whole way writes it again"
            files = {**known[0], **made}
            publish_site(target, files, options, config, report)
    _remember(site_root, output, scope, known, files, made, plan, last, inputs, memo, report)
    return report


def _posts_source(site_root: Path, config: Config, memo: Memo | None) -> fast_path.Fetch:
    """Give where the fast path finds the posts it did not read: the build cache, or the memo."""
    if memo is None:
        return partial(post_cache.read_some, site_root, post_cache.cache_key(config))
    return partial(memo.posts_at, site_root)


def _report_plan(report: BuildReport, plan: fast_path.Plan, record: fast_path.Record, last: last_build.State | None,
                 memo: Memo | None, options: BuildOptions) -> None:
    """Say in the report what the fast path reads and publishes, as a complete build would."""
    report.posts, report.posts_read, report.posts_rendered = len(record.order), len(plan.loaded), plan.rendered
    report.warnings = raw_html_warnings_of(plan.warned)
    report.drafts_left_out, report.future_left_out = record.left_out  # no edit of the fast path changes them
    # Nor the next post due: the end of the window the last build stays right in.
    until = last.published_until if last is not None else memo.window[1]
    report.next_due = datetime.fromisoformat(until) if until and not options.future else None


def _remember(site_root: Path, output: Path, scope: str,
              known: tuple[output_record.Ledger, output_record.Edits | None], files: output_record.Ledger,
              made: output_record.Ledger, plan: fast_path.Plan, last: last_build.State | None,
              inputs: last_build.Inputs, memo: Memo | None, report: BuildReport) -> None:
    """Record what the fast path put in the output: in the ledger (or its edits) and the
    state, or in a preview's memo."""
    marker = last_build.marker_of(output, MARKER)
    _previous, edits = known
    if edits is None:
        output_record.write_files(site_root, output, scope, marker, files)
    else:
        output_record.write_edits(site_root, output, marker, edits, made)
    report.pages = len(files) if edits is None else edits.count  # (the fast path adds no file, and deletes none)
    report.unchanged = report.pages - report.written
    if memo is not None:
        memo.output_files, memo.scope, memo.marker, memo.record = files, scope, marker, plan.record
        memo.posts.update((post.source, post) for post in plan.loaded)
    else:
        last_build.write_state(site_root, dataclasses.replace(last, inputs=inputs.digest, output_marker=marker))


def _output_check(site_root: Path, output: Path, memo: Memo | None,
                  started: Callable[[], bool] | None) -> AbstractContextManager[Callable[[], bool]]:
    """Give the check that every file of the output is as recorded (by the ledger, or a
    preview's memo): `started`, if the caller started it, else started now, in another process
    where this one can fork (17,000 files at 10,000 posts take as long as the rest of the fast path)."""
    if started is not None:
        return nullcontext(started)
    if memo is not None:
        return aside(output_record.untouched, output, memo.output_files or {})
    return aside(output_record.output_as_recorded, site_root, output)


def _output_known(site_root: Path, output: Path, scope: str, marker: tuple[int, int], memo: Memo | None,
                 search: bool) -> tuple[output_record.Ledger, output_record.Edits | None] | str:
    """Give what the fast path knows the output holds, and the edits it adds its files to: every
    file (a preview's memo; the ledger on disk when the search index needs every post page, or
    when the edits grew long), or only the files fast builds made since the ledger was written
    whole (then the edits), which spares decoding it; or why the output is not known."""
    if memo is not None:
        files, why = memo.previous(scope, marker)
        return (files, None) if files else why
    edits, why = output_record.read_edits(site_root, output, scope, marker)
    if edits is None:
        return why
    if not search and len(edits.files) < output_record.MOST_EDITED_FILES:
        return edits.files, edits
    files, why = output_record.read_ledger(site_root, output, scope, marker)
    return (files, None) if files else why


def _make_pages(site_root: Path, target: Target, plan: fast_path.Plan, record: fast_path.Record, config: Config,
                memo: Memo | None, report: BuildReport) -> output_record.Ledger:
    """Make the pages and feeds of the fast path in the target; give the files made."""
    if memo is not None and memo.templates is not None and memo.templates.config == config:
        env = memo.templates.env  # a preview's, with the templates it compiled already
    else:
        env = make_environment(theme_dirs(site_root, "templates"), config)
    made, report.rendered_because = report.stage("render", render_post_pages, env, record.digests, record.listed,
                                                 plan.pages, plan.advertised, config, record.shared, target)
    made += report.stage("feeds", channel_feeds, plan.channels, config, target)
    report.rendered = sum(map(len, report.rendered_because.values()))
    return {page.path: page.stored for page in made}
