"""Spread independent work over processes, keeping the order of the results."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

R = TypeVar("R")
# Below this many tasks, starting processes costs more than it saves.
MIN_TASKS_PER_PROCESS = 32
# What the tasks of one `in_parallel` call share, in a worker process: a forked worker is handed
# it as it starts, without copying it through a pipe, and keeps it for its life. The one piece
# of module state, read by nothing outside this module: `in_parallel` passes it to the work.
_SHARED: Any = None


def default_jobs() -> int:
    """Give the number of processes to use by default: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def in_parallel(work: Callable[..., R], tasks: Sequence[tuple[Any, ...]], jobs: int, share: Any = None,
                progress: Callable[[int, int], None] | None = None) -> list[R]:
    """Give `[work(*task) for task in tasks]`, or `[work(share, *task) for task in tasks]`
    when given data the tasks `share`, computed on up to `jobs` processes when there are
    enough tasks; `work` must be a module-level function, tasks and results picklable. `share`
    is handed to forked workers as they start, so it needs no pickling; where processes cannot
    fork, work that shares data stays in this process. `progress(done, total)` hears of each
    result, in order."""
    workers = min(jobs, len(tasks) // MIN_TASKS_PER_PROCESS)
    context = _context(share is not None)
    if workers < 2 or context is None:
        calls = (work(*task) for task in tasks) if share is None else (work(share, *task) for task in tasks)
        return _gather(calls, len(tasks), progress)
    from concurrent.futures import ProcessPoolExecutor  # here: `blog build` with nothing to do skips it

    # A forked or spawned worker's parent is this process; a fork server's worker's, the server.
    parent = None if context.get_start_method() == "forkserver" else os.getpid()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_keep,
                             initargs=(share, parent)) as pool:
        chunk = max(1, len(tasks) // (workers * 8))
        call = work if share is None else partial(_with_shared, work)
        return _gather(pool.map(call, *zip(*tasks), chunksize=chunk), len(tasks), progress)


def _with_shared(work: Callable[..., R], *task: Any) -> R:
    """Do one task in a worker, with the data its tasks share (kept by `_keep`)."""
    return work(_SHARED, *task)


@contextmanager
def aside(test: Callable[..., bool], *args: Any) -> Iterator[Callable[[], bool]]:
    """Start `test(*args)` in a forked process where this one may fork (one thread: `blog
    build`), and give the function that waits for its answer, so that its work (say, waiting on
    the disk) overlaps this process's; elsewhere, run it here when its answer is asked for. An
    answer never asked for is not waited for: the process is stopped."""
    if not _forks_safely():
        yield lambda: test(*args)
        return
    parent = os.getpid()
    child = os.fork()
    if child == 0:  # the child: answer by its exit status, and leave without running anything of the parent's
        status = 2
        try:
            end_with_parent(parent)
            status = 0 if test(*args) else 1
        finally:
            os._exit(status)
    answer: list[bool] = []

    def wait() -> bool:
        """Give the child's answer (False if it failed), waiting for it once."""
        if not answer:
            answer.append(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0)
        return answer[0]

    try:
        yield wait
    finally:
        if not answer:  # never asked: stop it, and never leave it unreaped
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


def _gather(results, total: int, progress: Callable[[int, int], None] | None) -> list:
    """Collect results as they come, telling `progress` of each."""
    gathered = []
    for result in results:
        gathered.append(result)
        if progress:
            progress(len(gathered), total)
    return gathered


def _keep(share: Any, parent: int | None) -> None:
    """Keep, in a worker, the data its tasks share; end the worker when its parent dies."""
    global _SHARED
    _SHARED = share
    end_with_parent(parent)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_SECONDS = 0.5  # where the system cannot signal a parent's death, how often to look


def end_with_parent(parent: int | None) -> None:
    """End this process when the process that started it dies: `parent`, or, for a worker of a
    fork server (None), the process that asked the server for it. A worker whose parent is killed
    alone (`kill -9`) would otherwise wait on its pipes for ever. Linux signals a parent's death
    (prctl); elsewhere a thread watches for the process being handed to another parent. A fork
    server outlives the process that asked for workers for as long as they live: a thread waits
    for the end of that process's pipe instead (multiprocessing's sentinel of the parent)."""
    if parent is None:
        from multiprocessing import parent_process  # here: `blog build` with nothing to do skips it

        creator = parent_process()
        if creator is not None:
            threading.Thread(target=_end_after, args=(creator,), daemon=True, name="parent-watch").start()
        return
    if _death_signal():
        if os.getppid() != parent:  # it died before the signal was asked for
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _death_signal() -> bool:
    """Ask the system to kill this process when its parent dies (Linux); give whether it will."""
    if not sys.platform.startswith("linux"):
        return False
    try:  # the running process's own symbols include libc's
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def _end_after(creator: BaseProcess) -> None:
    """End this process once `creator` has ended (its pipe to this one is closed)."""
    creator.join()
    os._exit(1)


def _watch_parent(parent: int) -> None:
    """End this process once its parent is no longer `parent` (it died: the process was handed on)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _context(needs_fork: bool):
    """Fork where it is safe (one thread, as in `blog build`): it starts fast and shares what is
    already imported; otherwise (the preview server has threads) a fork server, or nothing
    when the tasks share data that only a fork can hand over."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if _forks_safely() and "fork" in methods:
        return multiprocessing.get_context("fork")
    if needs_fork:
        return None
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _forks_safely() -> bool:
    """Tell whether this process may fork: the system can, and the process has one thread (in
    one with threads, a forked child could inherit a lock that another thread holds)."""
    return hasattr(os, "fork") and threading.active_count() == 1
