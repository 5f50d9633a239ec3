"""French typography: each case file holds what an editor writes and what readers see, and
the builder sets prose only, never code, URLs or attributes."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.content.markdown import render_markdown
from builder.content.typography import NBSP, NNBSP, typeset
from support import TESTS, read_page

CASES = TESTS / "cases" / "typography"
HOSPITALS = "/2021/02/cyberattaques-en-serie-dans-les-hopitaux/"  # a post of the real site
# Case files show the invisible spaces by name.
MARKERS = {"{nnbsp}": NNBSP, "{nbsp}": NBSP}


def visible(text: str) -> str:
    """Give a case file's text with its space markers turned into the spaces they name."""
    for marker, char in MARKERS.items():
        text = text.replace(marker, char)
    return text


def text_cases() -> list:
    """Give (input, expected) for every pair of lines in the .txt case files, with an id."""
    cases = []
    for path in sorted(CASES.glob("*.txt")):
        lines = [(number, line) for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
                 if not line.startswith("#")]
        blocks, block = [], []
        for number, line in lines + [(0, "")]:
            if line:
                block.append((number, line))
            elif block:
                blocks.append(block)
                block = []
        for block in blocks:
            assert len(block) == 2, f"{path.name}:{block[0][0]}: a case is two lines, input then expected"
            (number, given), (_, expected) = block
            cases.append(pytest.param(visible(given), visible(expected), id=f"{path.stem}:{number}"))
    return cases


@pytest.mark.parametrize("given, expected", text_cases())
def test_plain_text_is_set_in_french_typography(given: str, expected: str) -> None:
    assert typeset(given) == expected


@pytest.mark.parametrize("given, expected", text_cases())
def test_typography_is_idempotent(given: str, expected: str) -> None:
    assert typeset(expected) == expected


@pytest.mark.parametrize("source", sorted(CASES.glob("*.md")), ids=lambda path: path.stem)
def test_markdown_prose_is_set_but_code_urls_and_attributes_are_not(source: Path) -> None:
    # Case files fence code without a language: Pygments' escaping changes between its versions.
    expected = visible(source.with_suffix(".html").read_text("utf-8"))
    assert render_markdown(source.read_text("utf-8")).html == expected


def test_heading_anchors_come_from_the_text_as_written() -> None:
    rendered = render_markdown('## Le "dossier" : l\'essentiel\n')
    assert rendered.headings[0].anchor == "le-dossier-l-essentiel"


def test_titles_and_summaries_are_set_where_they_are_shown(real_site: Path) -> None:
    page = read_page(real_site, HOSPITALS)
    assert page.h1.get_text() == f"Cyberattaques en série dans les hôpitaux{NNBSP}: le monde de la santé doit renforcer sa vigilance"
    body = page.main.article.get_text()
    assert f"11{NBSP}% des entreprises" in body
    assert f"350{NBSP}millions d’euros" in body
    assert f"(«{NNBSP}Ryuk{NNBSP}» à Dax" in body
    # A summary, as the home page shows it (the front-matter has plain spaces inside « »).
    summaries = [text.get_text() for text in read_page(real_site, "/").main.find_all(class_="summary")]
    assert any(f"symposium e-santé «{NNBSP}Les trois sphères{NNBSP}»" in summary for summary in summaries)


def test_dates_and_reading_times_do_not_break_across_lines(real_site: Path) -> None:
    meta = read_page(real_site, HOSPITALS).main.find(class_="post-meta")
    text = meta.get_text()
    assert f"22{NBSP}février 2021" in text
    assert f"{NBSP}min de lecture" in text
