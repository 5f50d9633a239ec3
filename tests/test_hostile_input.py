"""Hostile and broken input: every bad file is one located error, never a traceback, and
nothing harmful reaches the output (escaped markup, neutralised links, no file read from
outside the site)."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from builder.content.typography import typeset
from editor_support import parse_problems
from feed_html import html_fields, xml_feeds
from support import PROBLEM_LINE, blog, build, read_page, snapshot, text_of

POSTS = Path("content") / "posts"
FRONT = "title: Un cas\ndate: 2021-04-01T09:00:00+02:00\ntopic: securite\ntags: [CNIL, RGPD]\n"


def post(front: str = FRONT, body: str = "Le texte.\n") -> str:
    """Give a post: `---` on line 1, the front-matter from line 2, `---`, a blank line, the body."""
    return f"---\n{front}---\n\n{body}"


def link_out(target: Path) -> Callable[[Path, str], None]:
    """Give a setup that makes `relative` in the site a symlink to a file outside it."""
    def setup(site: Path, relative: str) -> None:
        outside = site.parent / "ailleurs" / target.name
        outside.parent.mkdir(exist_ok=True)
        outside.write_text(post(), "utf-8")
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).symlink_to(outside)
    return setup


@dataclass(frozen=True)
class Case:
    """A bad file and the one error it must give."""

    id: str
    file: str  # relative to the site root; the file the error names
    content: str | bytes | None  # None: `setup` makes the file
    line: int
    col: int
    message: str
    setup: Callable[[Path, str], None] | None = None


CASES = [
    Case("empty-file", "content/posts/vide.md", b"", 1, 1, "the file is empty"),
    Case("blank-file", "content/posts/vide.md", "\n  \n\n", 1, 1, "the file is empty"),
    Case("tab-indented-front-matter", "content/posts/cas.md", post(FRONT + "\tauthor: X\n"), 6, 1, "invalid YAML"),
    Case("huge-file", "content/posts/cas.md", post(body="mot " * 300_000), 1, 1, "the limit is 1 MB"),
    Case("binary-file", "content/posts/image.md", b"\x89PNG\r\n\x1a\n\x00\x00", 1, 1, "not valid UTF-8"),
    Case("nul-in-text", "content/posts/cas.md", post(body="Un\x00deux\n"), 8, 3, "NUL character"),
    # Control characters: XML cannot hold them, so one would make every feed ill-formed.
    Case("control-in-body", "content/posts/cas.md", post(body="Un\x01deux\n"), 8, 3, "control character U+0001"),
    Case("escape-in-body", "content/posts/cas.md", post(body="Titre\n\nUn mot\x1b[0m.\n"), 10, 7,
         "control character U+001B"),
    Case("noncharacter-in-body", "content/posts/cas.md", post(body="Un\uffffdeux\n"), 8, 3, "control character U+FFFF"),
    Case("control-typed-in-front-matter", "content/posts/cas.md", post(FRONT + "summary: Un\x0cdeux\n"), 6, 12,
         "control character U+000C"),
    Case("control-after-a-carriage-return", "content/posts/cas.md", post(body="Un\nde\rux\x02\n").replace("\n", "\r\n"),
         10, 3, "control character U+0002"),
    Case("control-escaped-in-yaml", "content/posts/cas.md", post(FRONT + 'summary: "Un\\x01deux"\n'), 6, 1,
         "control character U+0001 in `summary`"),
    Case("control-escaped-in-a-tag", "content/posts/cas.md", post(FRONT.replace("[CNIL, RGPD]", '[CNIL, "RG\\u0007PD"]')),
         5, 1, "control character U+0007 in `tags`"),
    Case("control-escaped-in-site-yaml", "site.yaml", None, 3, 1, "control character U+0008 in `description`",
         lambda site, name: _replace(site / name, "description: ", 'description: "Un\\bdeux" # ')),
    Case("control-typed-in-site-yaml", "site.yaml", None, 2, 15, "control character U+0003",
         lambda site, name: _replace(site / name, "title: Journal", "title: Journal\x03")),
    Case("slug-climbs-out", "content/posts/cas.md", post(FRONT + "slug: ../../etc\n"), 6, 1, "is not a slug"),
    Case("slug-absolute", "content/posts/cas.md", post(FRONT + "slug: /etc/passwd\n"), 6, 1, "is not a slug"),
    Case("slug-backslash", "content/posts/cas.md", post(FRONT + "slug: 'a\\b'\n"), 6, 1, "is not a slug"),
    Case("slug-nul", "content/posts/cas.md", post(FRONT + 'slug: "a\\0b"\n'), 6, 1, "is not a slug"),
    Case("slugs-equal-after-accent-folding", "content/posts/zz-cafe.md",
         post(FRONT.replace("Un cas", "Café crème")).replace("2021-04-01", "2021-04-02"), 2, 1, "duplicate slug"),
    Case("tags-a-string", "content/posts/cas.md", post(FRONT.replace("[CNIL, RGPD]", "CNIL, RGPD")), 5, 1,
         "`tags` must be a list"),
    Case("symlinked-post-outside-the-site", "content/posts/lien.md", None, 1, 1, "outside", link_out(Path("x.md"))),
    Case("symlinked-static-file-outside-the-site", "static/fuite.txt", None, 1, 1, "outside", link_out(Path("f.txt"))),
]


def _replace(path: Path, old: str, new: str) -> None:
    """Replace the first `old` of a file with `new`."""
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


def prepare(site: Path, case: Case) -> None:
    """Write the case's file into the site (and its twin, for the folding case)."""
    if case.id == "slugs-equal-after-accent-folding":
        (site / POSTS / "cafe.md").write_text(post(FRONT.replace("Un cas", "Cafe creme")), "utf-8")
    if case.setup:
        case.setup(site, case.file)
        return
    target = site / case.file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.content if isinstance(case.content, bytes) else case.content.encode("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_file_is_one_located_error(case: Case, site: Path, tmp_path: Path) -> None:
    prepare(site, case)
    output = tmp_path / "public"
    run = build(site, output)
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    located = [match for match in map(PROBLEM_LINE.match, run.stderr.splitlines()) if match]
    # Paths as printed: a symlink is named by its own path, not its target's.
    assert [(m["path"].endswith(case.file), int(m["line"]), int(m["col"])) for m in located
            if case.message in m["message"]] == [(True, case.line, case.col)], run.stderr
    assert not output.exists()


def test_check_reports_control_characters_where_build_does(site: Path, tmp_path: Path) -> None:
    (site / POSTS / "cas.md").write_text(post(body="Un\x02deux\n"), "utf-8")
    (site / POSTS / "autre.md").write_text(post(FRONT.replace("Un cas", "Un autre") + 'author: "A\\x1fB"\n'), "utf-8")
    built, checked = build(site, tmp_path / "out"), blog("check", "--source", site)
    assert built.code == checked.code == 1
    located = sorted((p.path.name, p.line, p.col, p.message.split(" (")[0]) for p in built.problems())
    assert located == [("autre.md", 6, 1, "control character U+001F in `author`"),
                       ("cas.md", 8, 3, "control character U+0002 in the text")]
    assert sorted((p.path.name, p.line, p.col, p.message.split(" (")[0]) for p in parse_problems(checked.stdout)
                  if p.severity == "error") == located


def test_characters_xml_allows_keep_every_feed_well_formed(site: Path, tmp_path: Path) -> None:
    # Tab, line ends (a carriage return too), DEL, C1 controls and line separators are XML's.
    front = FRONT.replace("title: Un cas", 'title: "Un\\tcas\\r\\x7f\\x85"') + 'summary: "Un\\rrésumé\\u2028\\x9f"\n'
    (site / POSTS / "cas.md").write_text(post(front, body="Un\tmot\x7f, un\x85autre\u2028et\r\nfin.\n"), "utf-8")
    output = tmp_path / "out"
    run = build(site, output)
    assert run.code == 0, run.stderr
    for path in xml_feeds(output):
        ET.parse(path)  # well-formed
        assert not feedparser.parse(path.read_bytes()).bozo, path
    assert feedparser.parse((output / "feed.xml").read_bytes()).entries[0].title.startswith("Un cas")
    assert html_fields(output)  # every HTML field of every feed parses
    json.loads((output / "feed.json").read_text("utf-8"))


def test_a_date_without_offset_is_read_in_the_site_timezone(site: Path, tmp_path: Path) -> None:
    (site / POSTS / "cas.md").write_text(post(FRONT.replace("2021-04-01T09:00:00+02:00", "2021-04-01 09:00")), "utf-8")
    assert build(site, tmp_path / "out").code == 0
    page = read_page(tmp_path / "out", "/2021/04/un-cas/")
    assert page.find("article").find("time")["datetime"] == "2021-04-01T09:00:00+02:00"  # Paris summer time


PAYLOAD = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_in_every_field_and_the_config_is_escaped_everywhere(site: Path, tmp_path: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("title: Journal de test", f"title: {json.dumps('Journal ' + PAYLOAD)}"),
                      "utf-8")
    front = (f"title: {json.dumps('Titre ' + PAYLOAD)}\ndate: 2021-04-01T09:00:00+02:00\ntopic: securite\n"
             f"tags: [{json.dumps('CNIL ' + PAYLOAD)}, RGPD]\nsummary: {json.dumps('Résumé ' + PAYLOAD)}\n"
             f"author: {json.dumps('Auteur ' + PAYLOAD)}\n")
    (site / POSTS / "cas.md").write_text(post(front, body=f"Texte {PAYLOAD}\n"), "utf-8")
    output = tmp_path / "out"
    run = build(site, output)
    assert run.code == 0, run.stderr
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml"):
            data = path.read_text("utf-8")
            assert "<script>alert" not in data and "<img src=x" not in data, path
    # JSON Feed: titles are plain text by its spec; the HTML it carries must be escaped.
    for item in json.loads((output / "feed.json").read_text("utf-8"))["items"]:
        assert "<script>alert" not in item["content_html"] and "<img src=x" not in item["content_html"]
    page = read_page(output, "/2021/04/titre-script-script-alert-x-script-img-src-x-onerror-alert-1/")
    heading = page.find("h1")  # typography may change the quotes, never the markup into elements
    assert heading.find(True) is None and text_of(heading).startswith("Titre </script><script>alert(")
    feed = feedparser.parse((output / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "Journal " + PAYLOAD
    assert any(entry.title == typeset("Titre " + PAYLOAD) for entry in feed.entries)  # as its h1: quotes set
    ET.fromstring((output / "feed.xml").read_bytes())  # well-formed


@pytest.mark.parametrize("markdown, kept", [
    ("[a](javascript:alert(1))", False),
    ("[a](JavaScript:alert(1))", False),
    ("[a](vbscript:msgbox(1))", False),
    ("[a](data:text/html;base64,PHNjcmlwdD4=)", False),
    ("![a](data:image/png;base64,iVBORw0KGgo=)", True),
    ("<javascript:alert(1)>", False),
    ("[a][ref]\n\n[ref]: javascript:alert(1)", False),
])
def test_dangerous_link_schemes_are_neutralised(markdown: str, kept: bool, site: Path, tmp_path: Path) -> None:
    (site / POSTS / "cas.md").write_text(post(body=f"Du texte.\n\n{markdown}\n"), "utf-8")
    assert build(site, tmp_path / "out").code == 0
    body = read_page(tmp_path / "out", "/2021/04/un-cas/").find("article")
    targets = [tag.get("href") or tag.get("src") for tag in body.find_all(["a", "img"]) if tag.get("href") or tag.get("src")]
    schemes = [t.split(":", 1)[0].lower() for t in targets if ":" in t and not t.startswith(("http", "/"))]
    assert ("data" in schemes) is kept
    assert not {"javascript", "vbscript"} & set(schemes)


def test_an_image_linked_from_outside_the_site_is_not_published(site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    (site / POSTS / "image.png").symlink_to(secret)
    (site / POSTS / "cas.md").write_text(post(body="![schéma](image.png)\n"), "utf-8")
    output = tmp_path / "out"
    run = build(site, output)
    assert run.code == 1
    assert [(p.path.name, p.line) for p in run.problems()] == [("cas.md", 8)], run.stderr
    assert "outside" in run.problems()[0].message
    assert not output.exists()


def test_nothing_is_ever_written_into_the_sources(site: Path, tmp_path: Path) -> None:
    before = snapshot(site / "content")
    assert build(site, tmp_path / "out").code == 0
    (site / POSTS / "cas.md").write_text(post(FRONT.replace("title: Un cas", "title: [")), "utf-8")
    assert build(site, tmp_path / "out").code == 1
    os.remove(site / POSTS / "cas.md")
    assert snapshot(site / "content") == before  # the build cache lives in .cache/, never here
    shutil.rmtree(tmp_path / "out")
