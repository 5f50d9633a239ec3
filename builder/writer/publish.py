"""Putting a build's staged files in place, with the search bundles whose post pages changed
indexed first: what the index reads is the site as it will be published."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from builder.core import urls
from builder.core.model import Config, Stored
from builder.core.report import BuildOptions, BuildReport
from builder.output.search import index_bundles
from builder.writer.write import Ledger, Target, merged_view, publish


def publish_site(target: Target, files: Ledger, options: BuildOptions, config: Config, report: BuildReport) -> None:
    """Index the search bundles whose post pages changed, then put the staged files in place;
    `files` are the files of the build, as put in the target: every one, but in a fast-path
    build that knows only some of what the output holds (it deletes none, and makes no search index
    then)."""
    search = options.search and report.posts > 0  # Pagefind refuses a site without a page to index
    bundles = _bundles(files) if search else {}
    existing = [] if target.replaces_whole else _index_folders(target.output)
    # An index of another layout (files beside the bundles' folders) is made again whole.
    foreign = any(not (target.output / _SEARCH / name).is_dir() for name in existing)
    stale = sorted(bundles) if foreign else _stale_bundles(target, files, bundles)
    if stale:
        report.stage("search", _index, target, {name: bundles[name] for name in stale}, config, options.jobs)
    # A bundle indexed again replaces its old self whole, and the bundles of no post left go;
    # without search, the whole old index goes.
    if not search or foreign:
        anew: tuple[str, ...] = (_SEARCH,)
    else:
        anew = tuple(f"{_SEARCH}/{name}" for name in sorted(set(stale) | (set(existing) - set(bundles))))
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


_SEARCH = urls.SEARCH_BUNDLE.strip("/")


def _bundles(files: Ledger) -> dict[str, list[str]]:
    """Give each search bundle's post pages among the build's files, by bundle name."""
    bundles: dict[str, list[str]] = {}
    for path in sorted(files):
        if urls.is_post_page(path):
            bundles.setdefault(urls.search_bundle(path), []).append(path)
    return bundles


def _stale_bundles(target: Target, files: Ledger, bundles: dict[str, list[str]]) -> list[str]:
    """Give the bundles to index: every one in a build that replaces the output whole, else
    those with a post page written or deleted, or missing from the output's index."""
    if target.replaces_whole:
        return sorted(bundles)
    changed = [path for path, stored in files.items()
               if path not in target.previous or target.previous[path].digest != stored.digest]
    changed += [path for path in target.previous if path not in files]
    touched = {urls.search_bundle(path) for path in changed if urls.is_post_page(path)}
    return sorted(name for name in bundles
                  if name in touched or not (target.output / _SEARCH / name / "pagefind-entry.json").is_file())


def _index_folders(output: Path) -> list[str]:
    """Give the names the output's search index holds (bundles' folders, if of this layout)."""
    try:
        return sorted(entry.name for entry in (output / _SEARCH).iterdir())
    except OSError:  # no index
        return []


def _index(target: Target, bundles: dict[str, list[str]], config: Config, jobs: int) -> None:
    """Index the post pages of these bundles, as the site will be published, into the staging
    folder, so that a failed index leaves the output as it was."""
    index_bundles(bundles, lambda paths: _as_published(target, paths), target.staging / _SEARCH, config, jobs)


def _as_published(target: Target, paths: list[str]) -> AbstractContextManager[Path]:
    """Give a folder holding the pages at `paths` as they will be published: the staging folder
    itself when it holds them all (a build that replaces the output whole, or that made every
    page of the bundle again), else a view of links beside it."""
    # A view made, then removed, a folder per post: at 10,000 posts, 1.6 s of the file system's time.
    if target.replaces_whole or all((target.staging / path).is_file() for path in paths):
        return nullcontext(target.staging)
    return merged_view(target, paths)
