"""Raw HTML in a post: shown as the text that was typed, with a located warning, unless the site
allows it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from bs4 import BeautifulSoup

from builder.build import BuildOptions, build as build_site
from support import CYBERATTAQUES, NOW, PREMIER, Run, blog, build, edit, read_page

POSTS = Path("content") / "posts"
PASTED = 'Voir <a href="x" target="_top">ce lien</a> ou <https://exemple.fr/page?a=1&b=2>, c\'est "l\'avenir" !'
BLOCK = '<div class="encadre" title="L\'avenir">\nUn "encadré" : ici\n</div>'
ATOM = "{http://www.w3.org/2005/Atom}"
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
    assert quick.fast_path and quick.warnings == whole.warnings


def test_an_edit_that_pastes_raw_html_takes_the_whole_way_and_warns(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    before = build_site(site, output, CACHED).warnings
    path = paste(site)
    report = build_site(site, output, CACHED)
    assert not report.fast_path and "raw HTML shown as text" in report.fast_path_not_because
    added = [warning for warning in report.warnings if warning not in before]
    assert {warning.path for warning in added} == {path} and len(added) == 3


def test_raw_html_is_not_warned_about_when_the_site_allows_it(site: Path, tmp_path: Path) -> None:
    edit(site / "site.yaml", "allow_raw_html: false", "allow_raw_html: true")
    paste(site)
    run = build(site, tmp_path / "out")
    assert run.code == 0 and "raw HTML" not in run.stderr
    assert "raw HTML" not in blog("check", "--source", site).stdout


HOSTILE = """Texte <img src=x onerror=alert(1)> et <a href="javascript:alert(2)">un lien</a>,
<a href=" JaVaScRiPt:alert(3)">un autre</a>, <a href="data:text/html,<script>alert(4)</script>">des données</a>
et <b onclick="alert(5)">gras</b>.

<script>alert(6)</script>

<svg onload="alert(7)"><circle r="1"/></svg>

<iframe src="https://exemple.fr/"></iframe>

<style>body { display: none }</style>

<div class="encadre" onmouseover="alert(8)"><em>Encadré</em> gardé.</div>

| Outil | Prix |
|:------|-----:|
| nh3   | 0 €  |

```python
print("ok")
```

Une note[^1].

[^1]: La note.
"""
FEEDS = ("/feed.xml", "/atom.xml", "/feed.json")


def hostile_site(site: Path) -> None:
    """Let the site allow raw HTML, and give its newest post a body of hostile HTML."""
    edit(site / "site.yaml", "allow_raw_html: false", "allow_raw_html: true")
    path = site / POSTS / "cyberattaques.md"
    front = path.read_text("utf-8").split("\n---\n", 1)[0]
    path.write_text(f"{front}\n---\n\n{HOSTILE}", "utf-8")


def feed_bodies(output: Path) -> dict[str, BeautifulSoup]:
    """Give the newest post's HTML in each feed of the whole site, parsed."""
    bodies = {}
    rss = ET.parse(output / "feed.xml").getroot()
    item = next(item for item in rss.iter("item") if item.findtext("link").endswith(CYBERATTAQUES))
    bodies["/feed.xml"] = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    atom = ET.parse(output / "atom.xml").getroot()
    entry = next(entry for entry in atom.iter(f"{ATOM}entry") if entry.findtext(f"{ATOM}id").endswith(CYBERATTAQUES))
    bodies["/atom.xml"] = entry.findtext(f"{ATOM}content")
    feed = json.loads((output / "feed.json").read_text("utf-8"))
    bodies["/feed.json"] = next(item for item in feed["items"] if item["url"].endswith(CYBERATTAQUES))["content_html"]
    return {url: BeautifulSoup(html, "html.parser") for url, html in bodies.items()}


def assert_harmless(html: BeautifulSoup) -> None:
    """Check that nothing in a body can run: no script, frame, style, SVG, event handler, or
    `javascript:` or `data:` link."""
    assert not html.find_all(["script", "iframe", "style", "svg", "object", "embed"])
    for tag in html.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")], tag
        for name in ("href", "src"):
            scheme = tag.get(name, "").strip().lower().split(":", 1)[0]
            assert scheme not in ("javascript", "vbscript") and (scheme != "data" or tag.name == "img"), tag
    assert "alert(6)" not in html.get_text()  # a script's content goes with it


def test_allowed_raw_html_is_sanitised_in_the_page(site: Path, tmp_path: Path) -> None:
    hostile_site(site)
    assert build(site, tmp_path / "out").code == 0
    article = read_page(tmp_path / "out", CYBERATTAQUES).main.article
    assert_harmless(article)
    assert [a.get_text() for a in article.find_all("a", href=False)] == ["un lien", "un autre", "des données"]
    assert article.find("img", src="x") is not None
    assert article.find("b").get_text() == "gras"
    kept = article.find("div", class_="encadre")
    assert kept.find("em").get_text() == "Encadré" and kept.attrs == {"class": ["encadre"]}


def test_allowed_raw_html_is_sanitised_in_every_feed(site: Path, tmp_path: Path) -> None:
    hostile_site(site)
    assert build(site, tmp_path / "out").code == 0
    bodies = feed_bodies(tmp_path / "out")
    assert set(bodies) == set(FEEDS)
    for html in bodies.values():
        assert_harmless(html)
        assert html.find("b").get_text() == "gras"


def test_our_own_markup_survives_the_sanitiser(site: Path, tmp_path: Path) -> None:
    hostile_site(site)
    assert build(site, tmp_path / "out").code == 0
    article = read_page(tmp_path / "out", CYBERATTAQUES).main.article
    pre = article.find("pre", class_="highlight")
    assert pre["data-lang"] == "python" and pre["tabindex"] == "0" and pre.find("span", class_="nb")
    table = article.find("table")
    assert table["tabindex"] == "0"
    assert [cell.get("style") for cell in table.find("tr").find_all("th")] == ["text-align:left", "text-align:right"]
    reference = article.find("sup", class_="footnote-ref").find("a")
    assert reference["aria-label"] == "Note 1" and article.find("li", id=reference["href"][1:]) is not None
    back = article.find("a", class_="footnote-backref")
    assert back["href"] == f"#{reference['id']}" and back["aria-label"] == "Retour au texte de la note 1"
