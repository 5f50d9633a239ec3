"""The benchmark's scripts run on a small generated site and measure what they say: the bare
loop of `bench/floor.py` renders every post page from its Markdown, and `bench/run.py` gives our
clean build as a multiple of it."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from generate import write_site  # noqa: E402  (a script of the benchmark)

pytestmark = pytest.mark.slow


class _Page(HTMLParser):
    """Collect a page's title and the texts of its second-level headings."""

    def __init__(self) -> None:
        super().__init__()
        self.title, self.headings, self._in = "", [], None

    def handle_starttag(self, tag, attrs) -> None:
        self._in = tag if tag in ("title", "h2") else None

    def handle_endtag(self, tag) -> None:
        self._in = None

    def handle_data(self, data) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h2":
            self.headings.append(data.strip())


def test_the_bare_loop_renders_every_post_page_from_its_markdown(tmp_path: Path) -> None:
    site, output = tmp_path / "site", tmp_path / "floor"
    write_site(site, 12)
    result = subprocess.run([sys.executable, str(BENCH / "floor.py"), str(site), str(output), "--jobs", "2"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "12 post pages"
    sources = sorted((site / "content" / "posts").glob("*.md"))
    assert sorted(path.parent.name for path in output.glob("*/index.html")) == [path.stem for path in sources]
    for source in sources:
        _, front, body = source.read_text("utf-8").split("---\n", 2)
        page = _Page()
        page.feed((output / source.stem / "index.html").read_text("utf-8"))
        assert page.title == yaml.safe_load(front)["title"]
        assert page.headings == [line[3:].strip() for line in body.splitlines() if line.startswith("## ")]


def run_table(tmp_path: Path, *flags: str) -> tuple[dict[str, list[str]], str]:
    """Run `run.py` on 12 posts, once; give its rows by build and its whole output."""
    command = [sys.executable, str(BENCH / "run.py"), "--posts", "12", "--repeat", "1", "--jobs", "1",
               "--work", str(tmp_path), *flags]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    rows = {cells[1]: cells for line in result.stdout.splitlines()
            if (cells := [cell.strip() for cell in line.strip("|").split("|")])[0] == "12"}
    return rows, result.stdout


def test_run_gives_the_clean_build_as_a_multiple_of_the_bare_loop(tmp_path: Path) -> None:
    rows, output = run_table(tmp_path)
    clean, floor = rows["clean build"], rows["bare loop, post pages only (floor.py)"]
    ratio = re.search(r"with the index\): 12 posts: ([\d.]+) times the bare loop\.", output)
    assert ratio, output
    assert float(ratio.group(1)) == pytest.approx(float(clean[2]) / float(floor[2]), rel=0.05)
    assert len(list((tmp_path / "floor-12").glob("*/index.html"))) == 12


def test_run_with_search_gives_the_clean_build_with_the_index_as_a_multiple_of_the_one_without(tmp_path: Path) -> None:
    rows, output = run_table(tmp_path, "--search")
    clean, without, floor = (rows[name] for name in ("clean build", "clean build, without search",
                                                      "bare loop, post pages only (floor.py)"))
    ratios = re.search(r"12 posts: ([\d.]+) times the bare loop, and with the search index ([\d.]+) times", output)
    assert ratios, output
    assert float(ratios.group(1)) == pytest.approx(float(without[2]) / float(floor[2]), rel=0.05)
    assert float(ratios.group(2)) == pytest.approx(float(clean[2]) / float(without[2]), rel=0.05)
    assert list((tmp_path / "public-12" / "pagefind").iterdir())  # the builds it times index


def test_count_renders_in_its_counted_process_the_pages_a_build_writes(tmp_path: Path) -> None:
    site, output = tmp_path / "site", tmp_path / "public"
    write_site(site, 12)
    counted = subprocess.run([sys.executable, str(BENCH / "count.py"), "--child", "render", "1", "--site", str(site)],
                             capture_output=True, text=True, check=True)
    subprocess.run([sys.executable, "-m", "builder", "build", "--source", str(site), "--output", str(output),
                    "--now", "2030-01-01T00:00:00+00:00", "--no-search"], capture_output=True, check=True)
    assert int(counted.stdout) == len(list(output.rglob("*.html")))
