"""A build killed at any moment (SIGKILL) leaves the previous site whole and serveable, or, if
it dies in the moment it moves its changed files in, a journal that the next build carries out;
the next build recovers by itself and equals a clean build."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editor_support import children_of, pid_alive, wait_until
from support import FIXTURE_SITE, NOW, REPO, build, copy_site, snapshot

pytestmark = pytest.mark.slow
POSTS = 150  # enough for a build to last long enough to be killed at many points


def grow(site: Path, count: int) -> None:
    """Add `count` generated posts to the site, so that a build takes a while."""
    paragraph = "Les données de santé des patients circulent entre hôpitaux et cabinets. " * 12
    for number in range(count):
        (site / "content" / "posts" / f"genere-{number:04d}.md").write_text(
            f"---\ntitle: Article généré {number}\ndate: 2020-{number % 12 + 1:02d}-{number % 27 + 1:02d}T08:00:00+01:00\n"
            f"topic: securite\ntags: [CNIL, tag-{number % 17}]\n---\n\n{paragraph}\n\n## Suite\n\n{paragraph}\n",
            "utf-8")


def start_build(site: Path, output: Path, *extra: str) -> subprocess.Popen:
    """Start `python -m builder build` on the site in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "--source", str(site), "--output", str(output), "--now", NOW,
         "--no-search", *extra],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def built_and_edited(folder: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """Give a grown site built into its output, then edited: the site, the output, and what
    the output held before the edit."""
    site = copy_site(FIXTURE_SITE, folder / "site")
    grow(site, POSTS)
    output = folder / "public"
    assert build(site, output).code == 0
    old = snapshot(output)
    edited = site / "content" / "posts" / "genere-0000.md"
    edited.write_text(edited.read_text("utf-8").replace("Suite", "Suite modifiée"), "utf-8")
    return site, output, old


# A whole build (the output replaced in one swap), and one that moves its changed files in.
@pytest.mark.parametrize("flags", [("--no-cache",), ()], ids=["whole", "incremental"])
def test_a_killed_build_leaves_the_previous_site_and_the_next_build_recovers(tmp_path: Path,
                                                                             flags: tuple[str, ...]) -> None:
    site, output, old = built_and_edited(tmp_path / "killed")
    clean = tmp_path / "clean"
    assert build(site, clean, "--no-cache").code == 0
    new = snapshot(clean)

    # The same build, on a twin site and output, says how long a build to kill lasts.
    twin, twin_output, _ = built_and_edited(tmp_path / "twin")
    started = time.perf_counter()
    assert start_build(twin, twin_output, *flags).wait(timeout=120) == 0
    duration = time.perf_counter() - started
    chance = random.Random(20261128)
    delays = sorted(chance.uniform(0.05, duration * 1.1) for _ in range(6))
    outcomes = {kill_after(delay, site, output, flags, old, new) for delay in delays}
    # On a busy machine the twin may have lasted longer than these builds do: kill earlier, each
    # time in a fresh copy built and edited the same way (the output above holds the new site now).
    earlier, retries = delays[0], 0
    while "old" not in outcomes and earlier > 0.02:
        earlier, retries = earlier / 2, retries + 1
        fresh_site, fresh_output, fresh_old = built_and_edited(tmp_path / f"retry-{retries}")
        outcomes.add(kill_after(earlier, fresh_site, fresh_output, flags, fresh_old, new))
    assert "old" in outcomes, "no kill landed before the output changed: the test proved nothing"

    assert build(site, output).code == 0  # the next build recovers by itself
    assert snapshot(output) == new
    leftovers = [path.name for path in output.parent.iterdir() if path.name.startswith(".public.")]
    assert leftovers == []


def kill_after(delay: float, site: Path, output: Path, flags: tuple[str, ...], old: dict[str, bytes],
               new: dict[str, bytes]) -> str:
    """Start a build, kill it after `delay` seconds, and say what the output then is: the
    old site, the new one, or a move to finish (the next build does it: test_incremental_write.py)."""
    process = start_build(site, output, *flags)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    if (output.parent / ".public.journal").exists():  # killed while moving the changed files in
        return "moving"
    now = snapshot(output)
    assert now in (old, new), f"killed after {delay:.2f} s: the output is neither the old nor the new site"
    return "old" if now == old else "new"


def assert_all_end(pids: set[int], after: str) -> None:
    """Check that every process of `pids` ends within 5 s; kill those left, so none outlives the test."""
    try:
        assert wait_until(lambda: not any(map(pid_alive, pids)), timeout=5), \
            f"processes still alive 5 s after {after}: {[pid for pid in pids if pid_alive(pid)]}"
    finally:
        for pid in filter(pid_alive, pids):
            os.kill(pid, signal.SIGKILL)


# Where the system cannot signal a parent's death (prctl is Linux's), a thread in each worker watches for it.
WITHOUT_DEATH_SIGNAL = ("import builder.core.parallel as p; p._death_signal = lambda: False; "
                        "import builder.cli as c; c.main_exit()")


@pytest.mark.parametrize("how", ["death signal", "watching thread"])
def test_the_workers_of_a_killed_build_end_with_it(tmp_path: Path, how: str) -> None:
    # Only the main process is killed, not its group: its workers must not wait on it for ever.
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    grow(site, 1_000)
    arguments = ["--source", str(site), "--output", str(tmp_path / "public"), "--now", NOW, "--no-search",
                 "--no-cache", "--jobs", "2"]
    start = ["-m", "builder"] if how == "death signal" else ["-c", WITHOUT_DEATH_SIGNAL]
    process = subprocess.Popen([sys.executable, *start, "build", *arguments], cwd=REPO,
                               env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        assert wait_until(lambda: workers.update(children_of(process.pid)) or len(workers) >= 2, timeout=60), \
            process.stderr.read().decode() if process.poll() is not None else "no workers started"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert_all_end(workers, "their parent was killed")


def test_the_workers_of_a_killed_preview_end_with_it(tmp_path: Path) -> None:
    # A preview's rebuilds run beside its server's threads: their workers come from a fork
    # server, which lives as long as they do; all must end once the preview is killed alone.
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    grow(site, 1_000)
    process = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--source", str(site), "--port", "0"],
                               cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    family: set[int] = set()

    def workers_running() -> bool:
        children = children_of(process.pid)
        grandchildren = {pid for child in children for pid in children_of(child)}
        family.update(children, grandchildren)
        return len(grandchildren) >= 2

    try:
        assert any(line.startswith("Serving http://") for line in process.stdout), "the preview did not start"
        for post in (site / "content" / "posts").glob("genere-*.md"):  # every post to load again, in workers
            post.write_text(post.read_text("utf-8").replace("Suite", "Suite revue"), "utf-8")
        assert wait_until(workers_running, timeout=60), "no rebuild started workers"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert_all_end(family, "the preview was killed")
