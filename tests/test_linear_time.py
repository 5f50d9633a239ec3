"""Work that grows with a post grows in proportion to it: twice the text takes about twice the
time, never four times. Measured as ratios of two sizes, never against the clock."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

from builder.content.markdown import render_markdown
from builder.content.typography import NNBSP

pytestmark = pytest.mark.slow

LINEAR = 3.0  # the most the time may grow when the size doubles: linear gives 2, quadratic 4
RUNS = 5


def growth(make: Callable[[int], str], size: int) -> tuple[float, float]:
    """Give the seconds of processor time to render the body `make` gives at `size`, then at
    twice the size: the shortest of a few runs, taken in turn, without the garbage collector's
    pauses (processor time, as other processes on the machine do not count in it)."""
    texts = (make(size), make(2 * size))
    best = [float("inf"), float("inf")]
    for _ in range(RUNS):
        for which, text in enumerate(texts):
            gc.collect()
            gc.disable()
            try:
                start = time.process_time()
                render_markdown(text)
                best[which] = min(best[which], time.process_time() - start)
            finally:
                gc.enable()
    return best[0], best[1]


def test_headings_build_in_linear_time() -> None:
    def headings(count: int) -> str:
        return "## Titre\n\n" * count

    rendered = render_markdown(headings(3))
    assert [heading.anchor for heading in rendered.headings] == ["titre", "titre-1", "titre-2"]
    small, large = growth(headings, 8_000)
    assert large / small < LINEAR, (small, large)


def test_groups_of_thousands_are_set_in_linear_time() -> None:
    def groups(count: int) -> str:
        return "1" + " 111" * count + " personnes\n"

    assert render_markdown(groups(2)).html == f"<p>1{NNBSP}111{NNBSP}111 personnes</p>\n"
    small, large = growth(groups, 160_000)
    assert large / small < LINEAR, (small, large)


def test_reference_links_locate_in_linear_time() -> None:
    def reference_links(count: int) -> str:
        uses = "\n".join(f"Voir [la source {number}][ref-{number}]." for number in range(count))
        definitions = "\n".join(f"[ref-{number}]: https://example.org/source-{number}" for number in range(count))
        return f"{uses}\n\n{definitions}\n"

    located = render_markdown(reference_links(3)).references
    # At its definition, below the paragraph and a blank line.
    assert [reference.line for reference in located] == [5, 6, 7]
    small, large = growth(reference_links, 1_500)
    assert large / small < LINEAR, (small, large)


def test_inline_links_locate_in_linear_time() -> None:
    def inline_links(count: int) -> str:
        # Lines after the links: each link's search for an image it holds must not read them.
        links = "[lien](https://exemple.fr/a) " * count + "[![logo](logo.png)](https://exemple.fr/b)\n"
        return links + "x\n" * (8 * count)

    located = render_markdown(inline_links(2)).references
    assert [(reference.target, reference.col) for reference in located] == [
        ("https://exemple.fr/a", 8), ("https://exemple.fr/a", 37), ("https://exemple.fr/b", 79), ("logo.png", 68)]
    small, large = growth(inline_links, 3_000)
    assert large / small < LINEAR, (small, large)
