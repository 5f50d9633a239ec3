"""Builds report their progress stage by stage; on a terminal, past a second, a bar shows it,
and it is gone before the summary line."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from builder.build import BuildOptions, build
from builder.progress import DELAY, TerminalProgress
from support import NOW


def grow(site: Path, count: int = 70) -> None:
    """Add enough posts for the work to be spread over two processes."""
    for number in range(count):
        (site / "content" / "posts" / f"lot-{number:03d}.md").write_text(
            f"---\ntitle: Lot {number}\ndate: 2020-06-{number % 28 + 1:02d}T08:00:00+02:00\ntopic: securite\n"
            f"tags: [CNIL, RGPD]\n---\n\nLe texte {number}.\n", "utf-8")


def test_a_build_reports_every_post_and_page_up_to_the_total(site: Path, tmp_path: Path) -> None:
    grow(site)
    heard: dict[str, list[tuple[int, int]]] = {}
    options = BuildOptions(now=datetime.fromisoformat(NOW), jobs=2, search=False)
    report = build(site, tmp_path / "out", options,
                   progress=lambda stage, done, total: heard.setdefault(stage, []).append((done, total)))
    files = len(list((site / "content" / "posts").glob("*.md")))  # every file is read, drafts too
    assert heard["load"][-1] == (files, files)
    assert [done for done, _ in heard["load"]] == sorted(done for done, _ in heard["load"])
    assert heard["render"][-1][0] == heard["render"][-1][1] == report.rendered
    assert heard["write"][-1][0] == heard["write"][-1][1]  # the files not written as they were rendered


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_the_bar_waits_a_second_then_draws_and_clears() -> None:
    moments = iter([0.0, 0.5, DELAY + 0.1, DELAY + 0.15, DELAY + 0.3])
    stream = Terminal()
    bar = TerminalProgress(stream, clock=lambda: next(moments))
    bar("load", 1, 10)  # half a second in: nothing yet
    assert stream.getvalue() == ""
    bar("load", 5, 10)
    assert "load" in stream.getvalue() and "5/10" in stream.getvalue()
    bar("load", 6, 10)  # too soon after the last drawing
    assert "6/10" not in stream.getvalue()
    bar("render", 10, 10)  # the end of a stage is always drawn
    assert "10/10" in stream.getvalue()
    bar.clear()
    assert stream.getvalue().endswith("\r\033[K")
