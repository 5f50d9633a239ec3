"""Work that grows with a post's size grows linearly: twice the text takes about twice the
time. Ratios of two sizes, never wall-clock limits, so that a slow machine passes too."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from builder.markdown import render_markdown

# Twice the size in linear time takes twice as long; quadratic work takes four times.
MOST_RATIO = 3.0


def _seconds(work: Callable[[], object], runs: int = 3) -> float:
    """Give the shortest of a few runs: the others waited for another process."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _reference_links(count: int) -> str:
    """Give a body of one paragraph of `count` reference-style links, their definitions below."""
    uses = "\n".join(f"Voir [la source {number}][ref-{number}]." for number in range(count))
    definitions = "\n".join(f"[ref-{number}]: https://example.org/source-{number}" for number in range(count))
    return f"{uses}\n\n{definitions}\n"


@pytest.mark.slow
def test_reference_links_locate_in_linear_time() -> None:
    size = 1_500  # about 0.2 s
    small, large = _reference_links(size), _reference_links(2 * size)
    located = render_markdown(large).references
    assert len(located) == 2 * size
    assert located[-1].line == 2 * size + 1 + 2 * size  # at its definition, below the paragraph and a blank line
    ratio = _seconds(lambda: render_markdown(large)) / _seconds(lambda: render_markdown(small))
    assert ratio < MOST_RATIO, f"twice the links took {ratio:.1f} times as long"
