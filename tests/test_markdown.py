"""Post bodies: CommonMark with tables, footnotes, heading ids and highlighted code, and
nothing an author writes (raw HTML, `javascript:` links, markup in a title) runs in a reader's browser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from support import BALISES, CODE, PREMIER, build, html_files, read_page, text_of


def body(page):
    """Give the post's article element (title, meta and body)."""
    return page.main.article


def test_fenced_code_is_highlighted_with_pygments_classes(built: Path) -> None:
    pre = body(read_page(built, CODE)).find("pre")
    assert "highlight" in pre["class"]
    keywords = [text_of(span) for span in pre.find_all("span", class_="k")]
    assert keywords == ["def", "return"]
    assert text_of(pre.find("span", class_="nf")) == "bonjour"
    assert 'return f"Bonjour {nom}"' in pre.get_text()


def test_tables_are_rendered(built: Path) -> None:
    table = body(read_page(built, CODE)).find("table")
    assert [text_of(th) for th in table.find_all("th")] == ["Outil", "Usage"]
    rows = [[text_of(td) for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.find("td")]
    assert rows == [["Pygments", "coloration"], ["markdown-it", "analyse"]]


def test_footnotes_link_to_their_note_and_back(built: Path) -> None:
    article = body(read_page(built, CODE))
    reference = article.find("sup").find("a")
    note = article.find(id=reference["href"].removeprefix("#"))
    assert note is not None
    assert "Une note de bas de page." in text_of(note)
    assert note.find("a", href=f"#{reference['id']}") is not None


def test_headings_get_slug_ids(built: Path) -> None:
    heading = body(read_page(built, CODE)).find("h2", string="Résultats et données")
    assert heading["id"] == "resultats-et-donnees"


def test_raw_html_in_markdown_is_shown_as_text(built: Path) -> None:
    article = body(read_page(built, BALISES))
    assert article.find("script") is None
    assert article.find("b") is None
    text = text_of(article)
    assert "<b>gras</b>" in text
    assert '<script>alert("piège")</script>' in text  # exactly as typed: typography leaves it alone


def test_javascript_links_are_not_emitted_as_links(built: Path) -> None:
    article = body(read_page(built, BALISES))
    assert [a["href"] for a in article.find_all("a") if "lien" in text_of(a)] == ["https://example.com/"]
    for path in html_files(built):
        page = read_page(built, "/" + path.relative_to(built).as_posix())
        for tag in page.find_all(href=True):
            assert not tag["href"].strip().lower().startswith("javascript:"), path


def test_markup_in_a_title_is_escaped_everywhere(built: Path) -> None:
    title = "Balises <script> & liens"
    for url in (BALISES, "/page/2/", "/tags/html/"):
        page = read_page(built, url)
        # The only script element is the JSON-LD data block, which browsers never run.
        assert {script.get("type") for script in page.find_all("script")} <= {"application/ld+json"}, url
        assert page.find("a", string=title) or page.find("h1", string=title), url
    assert read_page(built, BALISES).title.string.startswith(title)


def test_raw_html_is_kept_when_the_site_allows_it(site: Path, tmp_path: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("allow_raw_html: false", "allow_raw_html: true"), "utf-8")
    assert build(site, tmp_path / "out").code == 0
    article = body(read_page(tmp_path / "out", BALISES))
    assert text_of(article.find("b")) == "gras"
    assert [a["href"] for a in article.find_all("a") if "lien" in text_of(a)] == ["https://example.com/"]


def test_a_default_summary_leaves_footnote_markers_out(site: Path, tmp_path: Path) -> None:
    (site / "content" / "posts" / "note.md").write_text(
        "---\ntitle: Une note\ndate: 2021-03-02T09:00:00+01:00\ntopic: securite\ntags: [CNIL, RGPD]\n---\n\n"
        "Un texte avec une note[^1] au milieu.\n\n[^1]: La note.\n", "utf-8")
    assert build(site, tmp_path / "out").code == 0
    feed = (tmp_path / "out" / "feed.xml").read_text("utf-8")
    items = {item.findtext("title"): item for item in ET.fromstring(feed).iter("item")}
    assert items["Une note"].findtext("description") == "Un texte avec une note au milieu."


def test_double_tildes_strike_text_through(site: Path, tmp_path: Path) -> None:
    post = site / "content" / "posts" / "premier-article.md"
    post.write_text(post.read_text("utf-8").replace("Un second paragraphe", "Un ~~ancien~~ nouveau paragraphe"),
                    "utf-8")
    assert build(site, tmp_path / "out").code == 0
    article = body(read_page(tmp_path / "out", PREMIER))
    struck = article.find_all("s")
    assert [text_of(tag) for tag in struck] == ["ancien"]
    assert "~" not in text_of(struck[0].parent)
