"""The `blog` command: arguments in, exit code out."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from enum import IntEnum
from pathlib import Path
from typing import TextIO

from builder import __version__
from builder.build import BuildOptions, build
from builder.config import CONFIG_NAME
from builder.errors import BuildFailed, display_path


class ExitCode(IntEnum):
    """The command's exit codes, part of its interface for editors and CI."""

    OK = 0
    CONTENT_ERROR = 1
    USAGE_ERROR = 2


class UsageError(Exception):
    """A command line that cannot be acted on."""


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command and give its exit code; the environment and streams are passed in."""
    env = os.environ if env is None else env
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage message
        return ExitCode.OK if exit_.code == 0 else ExitCode.USAGE_ERROR
    try:
        return args.run(args, env, stdout, stderr)
    except UsageError as error:
        print(f"blog: error: {error}", file=stderr)
        return ExitCode.USAGE_ERROR


def _parser() -> argparse.ArgumentParser:
    """Give the argument parser of `blog` and its subcommands."""
    parser = argparse.ArgumentParser(prog="blog", description="Build the Buzz Médecin blog from Markdown.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build_ = commands.add_parser("build", help="build the site into the output folder")
    build_.add_argument("--source", type=Path, default=Path("."), help="site root holding site.yaml (default: .)")
    build_.add_argument("--output", type=Path, default=None, help="output folder (default: SOURCE/public)")
    build_.add_argument("--drafts", action="store_true", help="include posts marked `draft: true`")
    build_.add_argument("--future", action="store_true", help="include posts dated after now")
    build_.add_argument("--now", metavar="DATETIME", help="the build's 'now', ISO 8601 (default: SOURCE_DATE_EPOCH or the clock)")
    build_.set_defaults(run=_run_build)
    return parser


def _run_build(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """Build the site and report problems as `path:line:col: severity: message` lines."""
    source = _site_root(args.source)
    output = _output(source, args.output)
    options = BuildOptions(drafts=args.drafts, future=args.future, now=_now(args.now, env))
    try:
        report = build(source, output, options)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem.format(), file=stderr)
        errors = sum(problem.is_error for problem in failure.problems)
        print(f"blog: build failed ({failure.stage}): {errors} error(s); {display_path(output)} left unchanged",
              file=stderr)
        return ExitCode.CONTENT_ERROR
    for warning in report.warnings:
        print(warning.format(), file=stderr)
    seconds = sum(report.timings.values())
    print(f"Built {report.posts} posts, {report.pages} files into {display_path(output)} in {seconds:.2f} s",
          file=stdout)
    return ExitCode.OK


def _site_root(source: Path) -> Path:
    """Check that `source` is a site root: a folder holding site.yaml."""
    if not source.is_dir():
        raise UsageError(f"--source {source}: no such folder")
    if not (source / CONFIG_NAME).is_file():
        raise UsageError(f"--source {source}: no {CONFIG_NAME} there (is it a site root?)")
    return source


def _output(source: Path, output: Path | None) -> Path:
    """Give the output folder, refusing one that holds the sources or lies among them."""
    output = output if output is not None else source / "public"
    resolved, root = output.resolve(), source.resolve()
    if root.is_relative_to(resolved):
        raise UsageError(f"--output {output}: it holds the site's sources, which a build would replace")
    for name in ("content", "templates", "static"):
        if resolved.is_relative_to(root / name):
            raise UsageError(f"--output {output}: it is inside the site's {name}/ folder")
    return output


def _now(value: str | None, env: Mapping[str, str]) -> datetime | None:
    """Give the build's 'now': --now, else SOURCE_DATE_EPOCH, else None for the clock."""
    if value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise UsageError(f"--now {value!r}: not an ISO 8601 date, like 2021-03-01T12:00:00+01:00") from None
        return moment  # without an offset, the build reads it in the site's timezone
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r}: not a number of seconds") from None
    return None


def main_exit() -> None:
    """Entry point of the `blog` console script."""
    sys.exit(main())
