"""The `blog` command: arguments in, exit code out."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from enum import IntEnum
from pathlib import Path
from typing import TextIO

from builder import __version__
from builder.core.errors import BuildFailed, counted, display_path
from builder.core.errors import named as _named  # under the name `_build_and_report` has always used
from builder.core.parallel import default_jobs
from builder.incremental import up_to_date
from builder.progress import TerminalProgress
from builder.writer.write import MARKER, replaceable

# The rest of the builder is imported by the commands that need it: `blog build` with nothing
# to do answers before loading Jinja, markdown-it, Pygments or YAML. Hence this name, written
# again rather than imported from builder.content.config (tests/test_cli.py checks that they agree).
CONFIG_NAME = "site.yaml"


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
    parser = _parser(stdout, stderr)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage message
        return ExitCode.OK if exit_.code == 0 else ExitCode.USAGE_ERROR
    try:
        return args.run(args, env, stdout, stderr)
    except UsageError as error:
        print(f"blog: error: {error}", file=stderr)
        return ExitCode.USAGE_ERROR


def _parser(stdout: TextIO, stderr: TextIO) -> argparse.ArgumentParser:
    """Give the argument parser of `blog` and its subcommands, printing to the given streams."""

    class Parser(argparse.ArgumentParser):
        """An argument parser that writes help to `stdout` and errors to `stderr`."""

        def _print_message(self, message: str, file: TextIO | None = None) -> None:
            if message:
                (stderr if file is sys.stderr else stdout).write(message)

    parser = Parser(prog="blog", description="Build the Buzz Médecin blog from Markdown.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for add in (_add_build, _add_check, _add_serve, _add_new, _add_due, _add_init, _add_import):
        add(commands)  # in the order `blog --help` lists them
    return parser


def _add_build(commands: argparse._SubParsersAction) -> None:
    """Add `blog build` and its options."""
    build_ = commands.add_parser("build", help="build the site into the output folder")
    build_.add_argument("--source", type=Path, default=Path("."), help="site root holding site.yaml (default: .)")
    build_.add_argument("--output", type=Path, default=None, help="output folder (default: SOURCE/public)")
    build_.add_argument("--drafts", action="store_true", help="include posts marked `draft: true`")
    build_.add_argument("--future", action="store_true", help="include posts dated after now")
    build_.add_argument("--now", metavar="DATETIME",
                        help="the build's 'now', ISO 8601 (default: SOURCE_DATE_EPOCH or the clock)")
    build_.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                        help="processes to use (default: the machine's cores)")
    build_.add_argument("--no-cache", dest="cache", action="store_false",
                        help="neither read nor update the build cache (SOURCE/.cache)")
    build_.add_argument("--explain", action="store_true", help="say what was done, and why, stage by stage")
    build_.add_argument("--no-search", dest="search", action="store_false",
                        help="skip the search index (quicker; /recherche/ then finds nothing)")
    build_.set_defaults(run=_run_build)


def _add_check(commands: argparse._SubParsersAction) -> None:
    """Add `blog check`."""
    check = commands.add_parser("check", help="list every problem of the site without writing anything")
    check.add_argument("--source", type=Path, default=Path("."), help="site root holding site.yaml (default: .)")
    check.set_defaults(run=_run_check)


def _add_serve(commands: argparse._SubParsersAction) -> None:
    """Add `blog serve` and its options."""
    serve = commands.add_parser("serve", help="preview the site, drafts included, reloading on every change")
    serve.add_argument("--source", type=Path, default=Path("."), help="site root holding site.yaml (default: .)")
    serve.add_argument("--output", type=Path, default=None, help="preview folder (default: SOURCE/.cache/serve)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.set_defaults(run=_run_serve)


def _add_new(commands: argparse._SubParsersAction) -> None:
    """Add `blog new` and its options."""
    new = commands.add_parser("new", help="write a new draft post and print its path")
    new.add_argument("title", help="the post's title, in quotes")
    new.add_argument("--topic", help="one of the topics of site.yaml (default: the first)")
    new.add_argument("--tags", default="", help="comma-separated tags, e.g. CNIL,RGPD")
    new.add_argument("--source", type=Path, default=Path("."), help="site root holding site.yaml (default: .)")
    new.set_defaults(run=_run_new)


def _add_due(commands: argparse._SubParsersAction) -> None:
    """Add `blog due` and its options."""
    due = commands.add_parser("due", help="print due=true when a post came due since the deployed site's build, "
                                          "else due=false (for a scheduled CI run)")
    due.add_argument("--source", type=Path, default=Path("."), help="site root holding site.yaml (default: .)")
    due.add_argument("--now", metavar="DATETIME", help="'now', ISO 8601 (default: SOURCE_DATE_EPOCH or the clock)")
    due.add_argument("--deployed", metavar="URL_OR_FILE",
                     help="the deployed site's schedule.json, written by `blog build` "
                          "(default: BASE_URL/schedule.json)")
    due.set_defaults(run=_run_due)


def _add_init(commands: argparse._SubParsersAction) -> None:
    """Add `blog init`."""
    init = commands.add_parser("init", help="create a new site that builds as it is")
    init.add_argument("folder", type=Path, help="where to create it (absent or empty)")
    init.set_defaults(run=_run_init)


def _add_import(commands: argparse._SubParsersAction) -> None:
    """Add `blog import` and its options."""
    import_ = commands.add_parser("import",
                                  help="import the posts of a WordPress, Jekyll or Hugo blog; never overwrites")
    import_.add_argument("kind", choices=("wordpress", "jekyll", "hugo"), help="what the source is")
    import_.add_argument("from_", metavar="SOURCE", type=Path,
                         help="a WordPress export file (WXR), or the folder of a Jekyll or Hugo site")
    import_.add_argument("--into", type=Path, default=Path("."), help="site root holding site.yaml (default: .)")
    import_.set_defaults(run=_run_import)


def _run_build(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """Build the site and report problems as `path:line:col: severity: message` lines."""
    source = _site_root(args.source)
    output = _output(source, args.output)
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: give at least 1")
    now = _now(args.now, env)
    # "Nothing changed" and a fast-path build check every file of the output against the ledger: from
    # now on, in another process beside this one's work (stopped if neither asks for its answer).
    with up_to_date.check_output(source, output, args.cache) as output_checked:
        return _build_and_report(source, output, args, now, stdout, stderr, output_checked)


def _build_and_report(source: Path, output: Path, args: argparse.Namespace, now: datetime | None, stdout: TextIO,
                      stderr: TextIO, output_checked: Callable[[], bool] | None) -> int:
    """Build the site, unless nothing changed, and report problems as `_run_build` says."""
    started = time.perf_counter()
    inputs = up_to_date.read_inputs(source) if args.cache else None
    sources_unchanged = inputs is not None and up_to_date.nothing_to_do(source, output, args.drafts, args.future,
                                                                        args.search, now, inputs)
    # The output too must be as the last build left it: a file changed or deleted by hand since
    # is written again (the check started beside this process; it waits on the disk meanwhile).
    if sources_unchanged and output_checked is not None and output_checked():
        print(f"Nothing changed: {display_path(output)} is up to date (0 files written) "
              f"in {time.perf_counter() - started:.2f} s", file=stdout)
        if args.explain:
            print("  the sizes and times of every input, the options, the output and the moment match "
                  f"the last build ({up_to_date.STATE_FILE}), and so do those of every file of the output "
                  "(its ledger)", file=stdout)
        return ExitCode.OK
    from builder.build import BuildOptions, build  # the whole builder, only when there is work

    options = BuildOptions(drafts=args.drafts, future=args.future, now=now,
                           jobs=args.jobs, cache=args.cache, search=args.search)
    progress = TerminalProgress(stderr) if stderr.isatty() else None
    try:
        report = build(source, output, options, progress=progress, inputs=inputs, output_checked=output_checked)
    except BuildFailed as failure:
        if progress:
            progress.clear()
        for problem in failure.problems:
            print(problem.format(), file=stderr)
        errors = sum(problem.is_error for problem in failure.problems)
        kept = f"{display_path(output)} left unchanged" if output.exists() else "nothing written"
        print(f"blog: build failed ({failure.stage}): {counted(errors, 'error')}; {kept}", file=stderr)
        return ExitCode.CONTENT_ERROR
    if progress:
        progress.clear()
    for warning in report.warnings:
        print(warning.format(), file=stderr)
    seconds = sum(report.timings.values())
    search = f", search index in {report.timings['search']:.2f} s" if "search" in report.timings else ""
    print(f"Built {counted(report.posts, 'post')} into {display_path(output)} in {seconds:.2f} s: "
          f"{counted(report.written, 'file')} written, {report.unchanged} unchanged, {report.deleted} deleted{search}"
          f"{_left_out(report.drafts_left_out, report.future_left_out, report.next_due)}", file=stdout)
    if report.restored:
        print(f"Restored {counted(len(report.restored), 'file')} of {display_path(output)} changed or deleted since "
              f"the last build: {_named(report.restored)}", file=stdout)
    if args.explain:
        if sources_unchanged:
            print("  the sources are as the last build left them, but not every file of the output: "
                  "those that differ are written again", file=stdout)
        for line in _explain(report, args.cache):
            print(f"  {line}", file=stdout)
    return ExitCode.OK


def _left_out(drafts: int, future: int, next_due: datetime | None = None) -> str:
    """Say which posts a build left out, if any, and when the next future one is due:
    "; left out: 2 drafts, 1 future post (the next due at 2027-01-15T09:00:00+01:00)"."""
    parts = [counted(drafts, "draft")] * bool(drafts) + [counted(future, "future post")] * bool(future)
    due = f" (the next due at {next_due.isoformat()})" if future and next_due is not None else ""
    return f"; left out: {', '.join(parts)}{due}" if parts else ""


def _explain(report, cached: bool) -> list[str]:
    """Say, stage by stage, what a build did and why."""
    reasons = {
        "record": ("only post files changed since the last build, and none shows other pages anything new (its "
                   "title, date, tags, summary…): only their pages and the feeds that hold them are made, "
                   "from the last build's record"),
        "cache": ("the edited posts saved in the build cache" if report.fast_path else
                  "posts as last built, read from the build cache" if cached else ""),
        "load": (f"{counted(report.posts_read, 'post file')} read (a new size or time), "
                 f"{report.posts_rendered} of them changed and rendered from Markdown; "
                 "the posts their pages and feeds show came from the cache")
                if report.fast_path else
                (f"{counted(report.posts_read, 'post file')} read (new, or a new size or time), "
                 f"{report.posts_rendered} of them changed and rendered from Markdown; "
                 "the others came from the cache") if cached else
                f"{counted(report.posts_rendered, 'post file')} read and rendered from Markdown (--no-cache)",
        "render": f"{counted(report.rendered, 'page')} rendered" + (
            f": {_listed(report.rendered_because)}; the others were made from the same inputs as the output's files"
            if report.merged else f", every page: {report.replaced_whole_because}, so the output is replaced whole"),
        "write": f"{counted(report.written, 'file')} staged beside the output" + (
            ", only those whose bytes changed" if report.merged else ""),
        "search": ("Pagefind indexed the post pages: one was written or deleted" if report.merged else
                   "Pagefind indexed the post pages"),
        "publish": (f"{counted(report.written, 'file')} moved into the output, {report.deleted} deleted, "
                    "through a journal"
                    if report.merged else f"{counted(report.written, 'file')} swapped in whole"),
    }
    lines = [f"{name:<8} {seconds:7.2f} s  {reasons.get(name, '')}".rstrip()
             for name, seconds in report.timings.items()]
    if report.fast_path_not_because:
        lines.insert(0, f"the whole way, not the quick one: {report.fast_path_not_because}")
    return lines


def _listed(urls_by_reason: dict[str, list[str]], shown: int = 3) -> str:
    """Say how many pages were rendered for each reason, naming the first few."""
    parts = []
    for reason, urls in urls_by_reason.items():
        more = f" and {len(urls) - shown} more" if len(urls) > shown else ""
        parts.append(f"{len(urls)} {reason} ({', '.join(urls[:shown])}{more})")
    return "; ".join(parts) or "none"


def _run_check(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """List every problem, errors and warnings; fail when there is an error."""
    from builder.check import check_site

    problems = check_site(_site_root(args.source), _now(None, env))
    for problem in problems:
        print(problem.format(), file=stdout)
    errors = sum(problem.is_error for problem in problems)
    print(f"{counted(errors, 'error')}, {counted(len(problems) - errors, 'warning')}", file=stderr)
    return ExitCode.CONTENT_ERROR if errors else ExitCode.OK


def _run_serve(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """Preview the site until interrupted."""
    from builder.serve import serve  # the web server is only needed here

    source = _site_root(args.source)
    output = _output(source, args.output if args.output is not None else source / ".cache" / "serve")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number")
    try:
        serve(source, output, args.host, args.port, stdout)
    except OSError as error:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    return ExitCode.OK


def _run_new(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """Write a new draft post and print its path."""
    from builder.commands import new

    return new(_site_root(args.source), args.title, args.topic, args.tags, lambda: _now(None, env), stdout, stderr)


def _run_init(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """Create a new site and say how to build it."""
    from builder.commands import init

    return init(args.folder, _now(None, env), stdout, stderr)


def _run_import(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """Import another blog's posts, then print what was done."""
    from builder.commands import import_blog

    return import_blog(args.kind, args.from_, _site_root(args.into, "--into"), stdout, stderr)


def _run_due(args: argparse.Namespace, env: Mapping[str, str], stdout: TextIO, stderr: TextIO) -> int:
    """Print `due=true` when a post came due since the deployed site's build, else `due=false`."""
    from builder.commands import due

    return due(_site_root(args.source), _now(args.now, env), args.deployed, stdout, stderr)


def _site_root(source: Path, option: str = "--source") -> Path:
    """Check that `source` is a site root: a folder holding site.yaml."""
    if not source.is_dir():
        raise UsageError(f"{option} {source}: no such folder")
    if not (source / CONFIG_NAME).is_file():
        raise UsageError(f"{option} {source}: no {CONFIG_NAME} there (is it a site root?)")
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
    if not replaceable(output):
        raise UsageError(f"--output {output}: not made by `blog build`; "
                         f"choose another or empty it (a build leaves a {MARKER} file in its output)")
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
    """Entry point of the `blog` console script and of `python -m builder`: run the command,
    then end the process at once. Tearing down the 500 modules a build imports, object by
    object, takes 50 ms: as long as a fast-path build's pages. Every file is closed by then, and
    the streams are flushed here. Under a profiler or a tracer (coverage), which write their
    findings as the process ends, it ends as usual."""
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))
