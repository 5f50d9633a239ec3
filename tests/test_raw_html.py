"""Raw HTML in a post: shown as the text that was typed, with a located warning, unless the site
allows it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from builder.build import BuildOptions, build as build_site
from support import NOW, PREMIER, Run, blog, build, edit, read_page

POSTS = Path("content") / "posts"
PASTED = 'Voir <a href="x" target="_top">ce lien</a> ou <https://exemple.fr/page?a=1&b=2>, c\'est "l\'avenir" !'
BLOCK = '<div class="encadre" title="L\'avenir">\nUn "encadré" : ici\n</div>'
CACHED = BuildOptions(now=datetime.fromisoformat(NOW), cache=True, search=False)


def paste(site: Path) -> Path:
    """Put an inline tag, an autolink and a raw HTML block into the fixture's first post; give its file."""
    path = site / POSTS / "premier-article.md"
    edit(path, "Un second paragraphe", f"{PASTED}\n\n{BLOCK}\n\nUn second paragraphe")
    return path


def test_raw_html_is_shown_exactly_as_typed(site: Path, tmp_path: Path) -> None:
    paste(site)
    assert build(site, tmp_path / "out").code == 0
    article = read_page(tmp_path / "out", PREMIER).main.article
    paragraphs = [p.get_text() for p in article.find_all("p")]
    pasted = next(text for text in paragraphs if text.startswith("Voir "))
    assert pasted.startswith('Voir <a href="x" target="_top">ce lien</a> ou https://exemple.fr/page?a=1&b=2,')
    assert BLOCK in paragraphs
    assert article.find("div", class_="encadre") is None
    assert not [a for a in article.find_all("a") if a.get("href") == "x"]


def test_autolinks_stay_links_beside_raw_html_shown_as_text(site: Path, tmp_path: Path) -> None:
    paste(site)
    assert build(site, tmp_path / "out").code == 0
    article = read_page(tmp_path / "out", PREMIER).main.article
    link = article.find("a", href="https://exemple.fr/page?a=1&b=2")
    assert link is not None and link.get_text() == "https://exemple.fr/page?a=1&b=2"


def test_text_around_raw_html_shown_as_text_is_still_set_in_french(site: Path, tmp_path: Path) -> None:
    paste(site)
    assert build(site, tmp_path / "out").code == 0
    article = read_page(tmp_path / "out", PREMIER).main.article
    pasted = next(p.get_text() for p in article.find_all("p") if p.get_text().startswith("Voir "))
    assert pasted.endswith("c’est «\u202fl’avenir\u202f»\u202f!")


def test_each_raw_html_tag_and_block_shown_as_text_is_a_located_warning(site: Path, tmp_path: Path) -> None:
    path = paste(site)
    lines = path.read_text("utf-8").split("\n")
    line = lines.index(PASTED) + 1
    expected = [(line, PASTED.index('<a href="x"') + 1, '<a href="x" target="_top">'),
                (line, PASTED.index("</a>") + 1, "</a>"),
                (line + 2, 1, '<div class="encadre" title="L\'avenir">')]
    check = blog("check", "--source", site)
    for run in (build(site, tmp_path / "out"), Run(check.code, "", check.stdout)):  # check lists on stdout
        found = [(problem.line, problem.col, problem.message.split("raw HTML shown as text: ", 1)[1].split(" (")[0])
                 for problem in run.problems() if problem.path == path.resolve()]
        assert found == expected, run.stderr
        assert "allow_raw_html: true" in run.stderr


def test_a_quick_build_gives_the_raw_html_warnings_a_whole_build_gives(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    whole = build_site(site, output, CACHED)
    assert whole.warnings  # the fixture's post of tags and links
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    quick = build_site(site, output, CACHED)
    assert quick.quick_way and quick.warnings == whole.warnings


def test_an_edit_that_pastes_raw_html_takes_the_whole_way_and_warns(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    before = build_site(site, output, CACHED).warnings
    path = paste(site)
    report = build_site(site, output, CACHED)
    assert not report.quick_way and "raw HTML shown as text" in report.quick_way_not_because
    added = [warning for warning in report.warnings if warning not in before]
    assert {warning.path for warning in added} == {path} and len(added) == 3


def test_raw_html_is_not_warned_about_when_the_site_allows_it(site: Path, tmp_path: Path) -> None:
    edit(site / "site.yaml", "allow_raw_html: false", "allow_raw_html: true")
    paste(site)
    run = build(site, tmp_path / "out")
    assert run.code == 0 and "raw HTML" not in run.stderr
    assert "raw HTML" not in blog("check", "--source", site).stdout
