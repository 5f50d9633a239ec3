"""`parallel.aside`: a yes-or-no question answered in a forked process, beside the build's work;
`parallel.in_parallel`: tasks spread over processes, with the data they share."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.core.parallel import MIN_TASKS_PER_PROCESS, aside, in_parallel


def answer_in(record: Path, value: bool) -> bool:
    """Note which process answers, and give `value`."""
    record.write_text(str(os.getpid()), "utf-8")
    return value


@pytest.mark.parametrize("value", [True, False])
def test_the_answer_comes_from_another_process(tmp_path: Path, value: bool) -> None:
    record = tmp_path / "pid"
    with aside(answer_in, record, value) as answer:
        assert answer() is value and answer() is value  # asked twice, waited for once
    assert int(record.read_text("utf-8")) != os.getpid()


def test_a_failure_answers_no(tmp_path: Path) -> None:
    def fails() -> bool:
        raise OSError("disque illisible")

    with aside(fails) as answer:
        assert answer() is False


def test_an_answer_never_asked_for_is_not_waited_for() -> None:
    started = time.monotonic()
    with aside(time.sleep, 60):
        pass
    assert time.monotonic() - started < 30


def test_with_threads_the_question_is_answered_here(tmp_path: Path) -> None:
    # Forking a process with threads (the preview server's) could copy a lock held by another.
    record, release = tmp_path / "pid", threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with aside(answer_in, record, True) as answer:
            assert not record.exists()  # not before it is asked for
            assert answer() is True
    finally:
        release.set()
        thread.join()
    assert int(record.read_text("utf-8")) == os.getpid()


@dataclass(frozen=True)
class Scaling:
    """Data tasks share; a lambda cannot be pickled, so a worker can only inherit it."""

    scale: Callable[[int], int]


def scaled(shared: Scaling, number: int) -> tuple[int, int]:
    """Give `number` scaled by the shared function, and which process did it."""
    return shared.scale(number), os.getpid()


def test_each_task_is_given_the_shared_data_first_in_this_process() -> None:
    results = in_parallel(scaled, [(number,) for number in range(5)], 1, share=Scaling(lambda n: n * 3))
    assert results == [(number * 3, os.getpid()) for number in range(5)]


def test_forked_workers_are_handed_the_shared_data_without_pickling_it() -> None:
    tasks = [(number,) for number in range(4 * MIN_TASKS_PER_PROCESS)]
    results = in_parallel(scaled, tasks, 2, share=Scaling(lambda n: n + 1000))
    assert [value for value, _pid in results] == [number + 1000 for number in range(len(tasks))]
    assert {pid for _value, pid in results} - {os.getpid()}  # done by workers, in order


def test_tasks_that_share_nothing_are_given_their_own_values_alone() -> None:
    assert in_parallel(divmod, [(7, 2), (9, 4)], 1) == [(3, 1), (2, 1)]
