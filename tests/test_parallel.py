"""`parallel.aside`: a yes-or-no question answered in a forked process, beside the build's work."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from builder.core.parallel import aside


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
