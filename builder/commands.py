"""The commands beside the build: `blog new`, `init`, `import` and `due`, each given its
arguments checked by `cli`, printing what it did and giving its exit code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from zoneinfo import ZoneInfo

from builder.cli import ExitCode, UsageError  # cli imports this module only as a command runs: whole by then
from builder.core.errors import BuildFailed, Problem, counted, display_path, named


def new(source: Path, title: str, topic: str | None, tags: str, now: Callable[[], datetime | None],
        stdout: TextIO, stderr: TextIO) -> int:
    """Write a new draft post and print its path; `now` is read once the config is (its
    problems come first), and the clock is read in the site's timezone without it."""
    from builder.content.config import load_config
    from builder.scaffold import ScaffoldError, new_post

    try:
        config = load_config(source)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem.format(), file=stderr)
        return ExitCode.CONTENT_ERROR
    zone = ZoneInfo(config.timezone)
    moment = now() or datetime.now(zone)
    tags_given = [tag.strip() for tag in tags.split(",") if tag.strip()]
    try:
        path = new_post(source, config, title, topic, tags_given, moment.astimezone(zone))
    except ScaffoldError as error:
        print(f"blog: error: {error}", file=stderr)
        return ExitCode.CONTENT_ERROR
    print(display_path(path), file=stdout)
    return ExitCode.OK


def init(folder: Path, now: datetime | None, stdout: TextIO, stderr: TextIO) -> int:
    """Create a new site and say how to build it."""
    from builder.scaffold import ScaffoldError, init_site

    moment = now or datetime.now(timezone.utc)
    try:
        files = init_site(folder, moment.astimezone(ZoneInfo("Europe/Paris")))
    except ScaffoldError as error:
        raise UsageError(str(error)) from None
    for path in files:
        print(display_path(path), file=stdout)
    print(f"Build it with: blog build --source {folder}", file=stderr)
    return ExitCode.OK


def import_blog(kind: str, source: Path, site_root: Path, stdout: TextIO, stderr: TextIO) -> int:
    """Import another blog's posts, then print what was done: files, warnings and a table."""
    from builder.content.config import load_config
    from builder.importers.posts import ImportFailed, import_posts

    try:
        config = load_config(site_root)
        report = import_posts(kind, source, site_root, config)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem.format(), file=stderr)
        return ExitCode.CONTENT_ERROR
    except ImportFailed as error:
        print(f"blog: error: {error}", file=stderr)
        return ExitCode.CONTENT_ERROR
    for path in report.written:
        print(display_path(path), file=stdout)
    for skipped in sorted(report.skipped, key=lambda skipped: (str(skipped.source), skipped.line)):
        print(f"{display_path(skipped.source)}:{skipped.line}:1: skipped: {skipped.reason}", file=stdout)
    for warning in report.warnings:
        print(warning.format(), file=stderr)
    print(report.table(), file=stdout)
    return ExitCode.OK


def due(source: Path, now: datetime | None, deployed: str | None, stdout: TextIO, stderr: TextIO) -> int:
    """Print `due=true` (a line for $GITHUB_OUTPUT) when a post, drafts aside, is dated after the
    newest post of the deployed site and no later than now, or when the deployed site cannot
    tell which that is; else `due=false`. Say why on stderr."""
    from builder.content.config import load_config
    from builder.content.load import read_post_dates
    from builder.output.schedule import SCHEDULE, came_due, deployed_since, in_site_zone, next_due

    try:
        config = load_config(source)
    except BuildFailed as failure:
        return _failed(failure.problems, stderr)
    posts, problems = read_post_dates(source, config)
    if problems:  # a build would fail on them: there is nothing to deploy
        return _failed(problems, stderr)
    now = in_site_zone(now or datetime.now(timezone.utc), config)
    where = deployed or config.base_url + SCHEDULE
    since, unread = deployed_since(where)
    posts_due = came_due(posts, since, now)
    waiting = next_due(posts, now)
    if unread:
        print(f"blog due: {unread}: building, as if every post had come due", file=stderr)
    elif posts_due:
        print(f"blog due: {counted(len(posts_due), 'post')} came due {_since(since, where)}: "
              f"{named(tuple(display_path(post.source) for post in posts_due))}", file=stderr)
    else:
        print(f"blog due: no post came due {_since(since, where)}", file=stderr)
    if waiting is not None:
        print(f"blog due: the next post is due at {waiting.date.isoformat()}: {display_path(waiting.source)}",
              file=stderr)
    print(f"due={'true' if unread or posts_due else 'false'}", file=stdout)
    return ExitCode.OK


def _since(moment: datetime | None, where: str) -> str:
    """Say since when posts are counted: the deployed site's newest post, or ever if it had none."""
    return f"since {moment.isoformat()} (the newest post of {where})" if moment else f"({where} names no post)"


def _failed(problems: Sequence[Problem], stderr: TextIO) -> int:
    """Print the problems that stop a command, and give its exit code."""
    for problem in problems:
        print(problem.format(), file=stderr)
    print(f"blog: {counted(sum(problem.is_error for problem in problems), 'error')}", file=stderr)
    return ExitCode.CONTENT_ERROR
