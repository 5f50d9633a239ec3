"""Time the builder on generated sites: a clean build, a rebuild with nothing changed, a
rebuild after editing one post; peak memory of the largest process; pages per second; and
the clean build as a multiple of the bare loop that renders only the post pages (`floor.py`).

    python bench/run.py --posts 1000 10000 [--repeat 3] [--jobs N] [--work DIR] [--search]

With `--search`, the builds also make the Pagefind index, as README's build command does, and
the clean build is timed without it as well. Each figure is the median of `--repeat` runs, each
run a separate process (so imports count, as they do for an editor). The clean builds and the
bare loop take turns, round after round, and each ratio is the median of the rounds' own: runs
a minute apart, where this machine's speed drifts by half from one quarter of an hour to the
next. Where Pelican or Hugo is installed, `bench/peers.py` builds the same posts with them for
comparison.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from generate import benchmark_site  # noqa: E402  (a script beside this one)

NOW = "2030-01-01T00:00:00+01:00"  # after every generated post
FLOOR = "bare loop, post pages only (floor.py)"
CLEAN, CLEAN_WITHOUT_SEARCH = "clean build", "clean build, without search"


@dataclass(frozen=True)
class Run:
    """One timed process: its wall time, the CPU time of it and its children (user and system:
    steadier than wall time on a machine whose disk is shared), the peak memory of its largest
    process, and its output."""

    seconds: float
    peak_mb: float
    output: str
    cpu_seconds: float = 0.0


def timed(command: list[str], cwd: Path | None = None) -> Run:
    """Run a command, giving its wall time and the largest resident set among its processes."""
    # As on an editor's machine, Python keeps the modules' compiled bytecode: a sandbox that
    # forbids it would time compiling the builder's (and Pelican's) modules on every run.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    # Every run starts on a settled disk: what the runs before it wrote (a clean build, 17,605
    # files) is flushed first, so that no run pays for another's writes.
    os.sync()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    # ru_maxrss is in KiB on Linux; the times count the children the process waited for.
    return Run(seconds, usage.ru_maxrss / 1024, output, usage.ru_utime + usage.ru_stime)


def blog(site: Path, output: Path, jobs: int, search: bool = False) -> list[str]:
    """Give the command that builds `site` into `output` with this checkout's builder, with
    the search index or without."""
    return [sys.executable, "-m", "builder", "build", "--source", str(site), "--output", str(output),
            "--now", NOW, "--jobs", str(jobs), *(() if search else ("--no-search",))]


def median_run(command: list[str], repeat: int, before=None) -> Run:
    """Give the run of median time among `repeat` runs, calling `before()` ahead of each."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(timed(command, cwd=BENCH.parent))
    return median(runs)


def bench_size(posts: int, work: Path, repeat: int, jobs: int, search: bool = False) -> dict[str, Run]:
    """Measure the three builds on a site of `posts` posts, with the search index or without."""
    site, output = benchmark_site(work, posts), work / f"public-{posts}"
    results = {CLEAN: median_run(blog(site, output, jobs, search), repeat, lambda: _emptied(output, site))}
    return results | rebuilds(posts, work, repeat, jobs, search)


def rebuilds(posts: int, work: Path, repeat: int, jobs: int, search: bool = False) -> dict[str, Run]:
    """Time a rebuild with nothing changed and one after editing a post, on the site of `posts`
    posts built into its output (once first, untimed, so that the cache and output are settled)."""
    site, output = benchmark_site(work, posts), work / f"public-{posts}"
    edited = site / "content" / "posts" / f"article-{posts // 2:05d}.md"
    original = edited.read_text("utf-8")
    counter = iter(range(10**6))

    def edit() -> None:
        edited.write_text(original.replace("\n\n", f"\n\nÉdition {next(counter)}.\n\n", 1), "utf-8")

    command = blog(site, output, jobs, search)
    timed(command)
    results = {"rebuild, nothing changed": median_run(command, repeat)}
    results["rebuild, one post edited"] = median_run(command, repeat, edit)
    edited.write_text(original, "utf-8")
    return results


def side_by_side(posts: int, work: Path, repeat: int, jobs: int, search: bool = False) -> dict[str, list[Run]]:
    """Time, in turn in each of `repeat` rounds, our clean build (with the search index, then
    without, if `search`; else without) and the bare loop, on the site of `posts` posts; give
    each one's runs, round by round."""
    site, output = benchmark_site(work, posts), work / f"public-{posts}"
    floor_output = work / f"floor-{posts}"
    commands = {CLEAN: blog(site, output, jobs, search)}
    if search:
        commands[CLEAN_WITHOUT_SEARCH] = blog(site, output, jobs)
    commands[FLOOR] = floor_command(site, floor_output, jobs)
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            _emptied(output, site)
            shutil.rmtree(floor_output, ignore_errors=True)
            runs[name].append(timed(command, cwd=BENCH.parent))
    return runs


def round_ratio(runs: dict[str, list[Run]], over: str, under: str) -> float:
    """Give the median of the rounds' ratios of one build's time to another's."""
    ratios = sorted(top.seconds / bottom.seconds for top, bottom in zip(runs[over], runs[under]))
    return ratios[len(ratios) // 2]


def median(runs: list[Run]) -> Run:
    """Give the run of median time."""
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def _emptied(output: Path, site: Path) -> None:
    """Delete a build's output and cache, so that the next build starts clean."""
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)


def floor_command(site: Path, output: Path, jobs: int) -> list[str]:
    """Give the command of the bare loop of `floor.py` on `site`, into `output`."""
    return [sys.executable, str(BENCH / "floor.py"), str(site), str(output), "--jobs", str(jobs)]


def floor_run(posts: int, work: Path, repeat: int, jobs: int) -> Run:
    """Time the bare loop of `floor.py` on the site of `posts` posts, on `jobs` processes, from an
    empty output as a clean build starts."""
    site, output = benchmark_site(work, posts), work / f"floor-{posts}"
    return median_run(floor_command(site, output, jobs), repeat, lambda: shutil.rmtree(output, ignore_errors=True))


def pages(output: Path) -> int:
    """Count the HTML pages of a built site."""
    return sum(1 for _ in output.rglob("*.html"))


def main() -> None:
    """Parse the command line, run the measures, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/blog-bench"))
    parser.add_argument("--search", action="store_true", help="make the search index too, as README's build does")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}; jobs={args.jobs}, "
          f"median of {args.repeat}; {'with' if args.search else 'without'} the search index\n")
    print("| posts | build | seconds | CPU s | pages/s | peak MB |\n| ---: | --- | ---: | ---: | ---: | ---: |")
    ratios = []
    for posts in args.posts:
        rounds = side_by_side(posts, args.work, args.repeat, args.jobs, args.search)
        results = {name: median(runs) for name, runs in rounds.items() if name != FLOOR}
        results |= rebuilds(posts, args.work, args.repeat, args.jobs, args.search)
        count = pages(args.work / f"public-{posts}")
        results[FLOOR] = median(rounds[FLOOR])
        for name, run in results.items():
            made = posts if name == FLOOR else count
            rate = f"{made / run.seconds:,.0f}" if name in (CLEAN, CLEAN_WITHOUT_SEARCH, FLOOR) else ""
            print(f"| {posts:,} | {name} | {run.seconds:.2f} | {run.cpu_seconds:.2f} | {rate} | {run.peak_mb:.0f} |",
                  flush=True)
        without = CLEAN_WITHOUT_SEARCH if args.search else CLEAN
        ratio = f"{posts:,} posts: {round_ratio(rounds, without, FLOOR):.2f} times the bare loop"
        if args.search:
            indexed = round_ratio(rounds, CLEAN, CLEAN_WITHOUT_SEARCH)
            ratio += f", and with the search index {indexed:.2f} times without it"
        ratios.append(ratio)
    print("\nThe clean build without search, side by side with the bare loop, round by round (the median of the "
          "rounds' ratios; targets: at most 2.0 times the loop, and 1.3 times with the index): "
          f"{'; '.join(ratios)}.")


if __name__ == "__main__":
    main()
