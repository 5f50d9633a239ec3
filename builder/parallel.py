"""Spread independent work over processes, keeping the order of the results."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

R = TypeVar("R")
# Below this many tasks, starting processes costs more than it saves.
MIN_TASKS_PER_PROCESS = 32


def default_jobs() -> int:
    """Give the number of processes to use by default: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def in_parallel(work: Callable[..., R], tasks: Sequence[tuple[Any, ...]], jobs: int) -> list[R]:
    """Give `[work(*task) for task in tasks]`, computed on up to `jobs` processes when there
    are enough tasks; `work` must be a module-level function, tasks and results picklable."""
    workers = min(jobs, len(tasks) // MIN_TASKS_PER_PROCESS)
    if workers < 2:
        return [work(*task) for task in tasks]
    from concurrent.futures import ProcessPoolExecutor  # here: `blog build` with nothing to do skips it

    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        chunk = max(1, len(tasks) // (workers * 8))
        return list(pool.map(work, *zip(*tasks), chunksize=chunk))


def _context():
    """Fork where it is safe (one thread, as in `blog build`): it starts fast and shares what is
    already imported; otherwise (the preview server has threads) a fork server."""
    import multiprocessing

    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                       else "spawn")
