"""Putting a build's staged files in place, with the search index made first when a post page
changed: what the index reads is the site as it will be published."""

from __future__ import annotations

from fnmatch import fnmatch

from builder.core import urls
from builder.core.model import Config, Stored
from builder.core.report import BuildOptions, BuildReport
from builder.output.search import index_site
from builder.writer.write import Ledger, Target, merged_view, publish


def publish_site(target: Target, files: Ledger, options: BuildOptions, config: Config, report: BuildReport) -> None:
    """Index the post pages if one changed, then put the staged files in place; `files` are
    the files of the build, as put in the target: every one, but in a fast-path build that knows
    only some of what the output holds (it deletes none, and makes no search index then)."""
    search = options.search and report.posts > 0  # Pagefind refuses a site without a page to index
    indexed = search and (target.replaces_whole or _post_pages_changed(target, files) or not _has_index(target))
    if indexed:
        report.stage("search", _index, target, files, config)
    # A new index replaces the old one whole; with no post left, or built with --no-search, the old one goes.
    anew = (urls.SEARCH_BUNDLE.strip("/"),) if indexed or not search else ()
    report.written, report.deleted = report.stage("publish", publish, target, files, anew)
    report.merged = not target.replaces_whole


def unchanged(before: Stored | None, now: Stored | None) -> bool:
    """Tell whether a file was left as the output held it."""
    return before is not None and now is not None and (before.digest, before.size, before.mtime_ns) == (
        now.digest, now.size, now.mtime_ns)


def restored(previous: Ledger, files: Ledger) -> tuple[str, ...]:
    """Give the files written with the very bytes the output held by its ledger: a file is
    written again only when the output's is not as the last build wrote it (its size or time
    differs, or it is gone), so these were changed or deleted since, by another program."""
    return tuple(sorted(path for path, stored in files.items()
                        if path in previous and previous[path].digest == stored.digest
                        and not unchanged(previous[path], stored)))


def _post_pages_changed(target: Target, files: Ledger) -> bool:
    """Tell whether a post page was written or deleted: only those are searched."""
    changed = [path for path, stored in files.items()
               if path not in target.previous or target.previous[path].digest != stored.digest]
    changed += [path for path in target.previous if path not in files]
    return any(fnmatch(path, urls.POST_PAGES_GLOB) for path in changed)


def _has_index(target: Target) -> bool:
    """Tell whether the output holds a search index (a build with --no-search removes it)."""
    return (target.output / urls.SEARCH_BUNDLE.strip("/") / "pagefind-entry.json").is_file()


def _index(target: Target, files: Ledger, config: Config) -> None:
    """Index the post pages of the site as it will be published, into the staging folder, so
    that a failed index leaves the output as it was."""
    if target.replaces_whole:
        index_site(target.staging, config)
        return
    with merged_view(target, [path for path in files if fnmatch(path, urls.POST_PAGES_GLOB)]) as view:
        index_site(view, config, target.staging / urls.SEARCH_BUNDLE.strip("/"))
