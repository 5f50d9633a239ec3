"""A blog moved here from elsewhere, as real posts are: remote images, HTML pasted from
WordPress, French quotes next to apostrophes, relative links through `../`. It builds, shows
each thing as its author meant, and every mistake in it is one located error that `blog check`
and `blog build` give alike."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup

from editor_support import NOW, POSTS, blog, copy_editor_site, file_for, soup_of, write_files
from builder.content.typography import NNBSP

ENV = {"SOURCE_DATE_EPOCH": str(int(datetime.fromisoformat(NOW).timestamp()))}
BASE = "https://example.org"
MIGRATED = "/2021/04/l-avenir-de-la-teleconsultation-utile/"

# As an export leaves a post: block comments, inline styles, a target, a script, `&nbsp;`.
PASTED = ('<!-- wp:paragraph -->\n<p style="text-align:center">Vu sur <a href="https://exemple.fr/x" '
          'target="_top" onclick="track()">le site</a>&nbsp;!</p>\n<!-- /wp:paragraph -->')
BODY = f"""L'« avenir » de la téléconsultation, qu'« avec » prudence : est-ce utile ?»

![Le logo](https://images.exemple.fr/logo.png) et ![Une icône](//cdn.exemple.net/icone.png)

Voir [le premier](../posts/premier-article.md#le-contexte), [la suite](#la-suite) et
[le mot-clé](/tags/cnil/). Le prix ~~était~~ est de 1 200 euros.

{PASTED}

Un <b>gras</b> tapé en HTML et du `code 'tel' quel`.

## La suite

<script>alert("piège")</script>

Fin.
"""
POST = ("---\ntitle: \"L'avenir de la téléconsultation : « utile ? »\"\ndate: 2021-04-01T09:00:00+02:00\n"
        "topic: sante-numerique\ntags: [CNIL, RGPD]\nsummary: \"Un résumé avec <img src=x onerror=alert(1)>\"\n"
        f"---\n\n{BODY}")


def migrated_site(root: Path, allow_raw_html: bool) -> Path:
    """Give the editors' site with the migrated post, raw HTML allowed or not."""
    site = copy_editor_site(root / "site")
    premier = site / POSTS / "premier-article.md"
    premier.write_text(premier.read_text("utf-8") + "\n## Le contexte\n\nDu contexte.\n", "utf-8")
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace(
        "allow_raw_html: false", f"allow_raw_html: {str(allow_raw_html).lower()}"), "utf-8")
    write_files(site, {str(POSTS / "migre.md"): POST})
    return site


def built(site: Path, output: Path) -> tuple[BeautifulSoup, list[str]]:
    """Build the site; give the migrated post's page and the warning lines printed."""
    run = blog("build", "--source", site, "--output", output, "--no-search", env=ENV)
    assert run.code == 0, run.stderr
    return soup_of(file_for(output, MIGRATED).read_text("utf-8")), [
        line for line in run.stderr.splitlines() if ": warning: " in line]


def test_a_migrated_post_shows_pasted_html_as_typed_and_sets_its_prose_in_french(tmp_path: Path) -> None:
    site = migrated_site(tmp_path, allow_raw_html=False)
    page, warnings = built(site, tmp_path / "out")
    article = page.select_one("article")
    text = article.get_text()
    # The apostrophe stays glued to the guillemet; `?` and `»` get their narrow no-break spaces.
    assert f"L’«{NNBSP}avenir{NNBSP}» de la téléconsultation, qu’«{NNBSP}avec{NNBSP}» prudence{NNBSP}:" in text
    assert f"est-ce utile{NNBSP}?{NNBSP}»" in text
    # What was pasted reaches the reader as the characters typed, quotes and all, never as markup.
    assert '<a href="https://exemple.fr/x" target="_top" onclick="track()">' in text
    assert '<script>alert("piège")</script>' in text
    assert article.find("script") is None and article.find(attrs={"onclick": True}) is None
    assert "code 'tel' quel" in [code.get_text() for code in article.find_all("code")]
    assert [s.get_text() for s in article.find_all("s")] == ["était"]
    # Remote images from their address; links to a file through ../ and to the page's own heading.
    assert [img["src"] for img in article.find_all("img")] == [
        "https://images.exemple.fr/logo.png", "//cdn.exemple.net/icone.png"]
    hrefs = [a["href"] for a in article.find_all("a")]
    assert {"/2021/02/premier-article/#le-contexte", "#la-suite", "/tags/cnil/"} <= set(hrefs)
    # One located warning for each piece of raw HTML (a block, or an inline tag), saying how to allow it.
    raw = [line for line in warnings if "raw HTML shown as text" in line]
    assert [line.split(": warning:")[0].rsplit(":", 2)[1:] for line in raw] == [
        ["16", "1"], ["17", "1"], ["20", "4"], ["20", "11"], ["24", "1"]]
    assert all("allow_raw_html: true" in line and line.startswith(str(site / POSTS / "migre.md")) for line in raw)


def test_a_migrated_post_keeps_safe_pasted_html_where_the_site_allows_it(tmp_path: Path) -> None:
    site = migrated_site(tmp_path, allow_raw_html=True)
    output = tmp_path / "out"
    page, warnings = built(site, output)
    article = page.select_one("article")
    assert [b.get_text() for b in article.find_all("b")] == ["gras"]
    link = article.find("a", string="le site")
    assert link["href"] == "https://exemple.fr/x" and "onclick" not in link.attrs
    assert article.find("script") is None and "alert" not in article.get_text()
    assert not [line for line in warnings if "raw HTML" in line]
    # The feeds carry the same sanitised body, and the summary as text, not as an image.
    rss = ElementTree.parse(output / "feed.xml").getroot()
    item = next(item for item in rss.iter("item") if item.findtext("link") == BASE + MIGRATED)
    body = BeautifulSoup(item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded"), "html.parser")
    assert body.find("script") is None and not body.find_all(attrs={"onclick": True})
    assert BeautifulSoup(item.findtext("description"), "html.parser").find("img") is None
    feed = json.loads((output / "feed.json").read_text("utf-8"))
    entry = next(entry for entry in feed["items"] if entry["url"] == BASE + MIGRATED)
    assert BeautifulSoup(entry["content_html"], "html.parser").find("script") is None


def test_a_migrated_post_is_titled_the_same_everywhere(tmp_path: Path) -> None:
    site = migrated_site(tmp_path, allow_raw_html=False)
    output = tmp_path / "out"
    page, _ = built(site, output)
    heading = page.select_one("h1").get_text()
    assert heading == f"L’avenir de la téléconsultation{NNBSP}: «{NNBSP}utile{NNBSP}?{NNBSP}»"
    assert page.title.get_text().startswith(heading)
    assert page.find("meta", property="og:title")["content"] == heading
    graph = [item for script in page.find_all("script", type="application/ld+json")
             for item in json.loads(script.string)["@graph"]]
    assert [item["headline"] for item in graph if "headline" in item] == [heading]
    titles = [entry.title for entry in feedparser.parse(output / "feed.xml").entries]
    titles += [entry.title for entry in feedparser.parse(output / "atom.xml").entries]
    titles += [item["title"] for item in json.loads((output / "feed.json").read_text("utf-8"))["items"]]
    assert titles.count(heading) == 3


def test_the_migrated_site_allows_exactly_its_remote_image_hosts(tmp_path: Path) -> None:
    site = migrated_site(tmp_path, allow_raw_html=False)
    output = tmp_path / "out"
    built(site, output)
    rules = (output / "_headers").read_text("utf-8")
    policy = next(line.split(":", 1)[1] for line in rules.splitlines()
                  if line.strip().startswith("Content-Security-Policy:"))
    img_src = next(part.split()[1:] for part in policy.split(";") if part.split()[:1] == ["img-src"])
    assert img_src == ["'self'", "data:", "https://cdn.exemple.net", "https://images.exemple.fr"]


# Each mistake a migrated post holds, alone in the migrated site: check and build say the same.
MISTAKES = {
    "unquoted-colon": ("title: \"L'avenir", "title: Covid : le point\nx: \"L'avenir"),
    "tab-in-front-matter": ("tags: [CNIL, RGPD]", "tags:\n\t- CNIL"),
    "bad-date": ("date: 2021-04-01T09:00:00+02:00", "date: 2021-13-01"),
    "year-out-of-range": ("date: 2021-04-01T09:00:00+02:00", "date: 0001-01-01T00:00:00+00:00"),
    "alias-bomb": ("tags: [CNIL, RGPD]", "tags: [CNIL, RGPD]\naliases: &a [/x/, *a]"),
    "control-character": ("Fin.", "Fin\x01."),
    "link-without-md": ("../posts/premier-article.md#le-contexte", "premier-article"),
    "missing-anchor": ("[la suite](#la-suite)", "[la suite](#plus-bas)"),
    "missing-site-page": ("/tags/cnil/", "/tags/inconnu/"),
    "missing-image": ("![Le logo](https://images.exemple.fr/logo.png)", "![Le logo](/images/logo.png)"),
    "tag-spelled-twice": ("tags: [CNIL, RGPD]", "tags: [Cnil, RGPD]"),
    "long-slug": ("topic: sante-numerique", f"slug: {'a' * 300}\ntopic: sante-numerique"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_check_and_build_report_each_mistake_of_a_migrated_post_alike(name: str, tmp_path: Path) -> None:
    site = migrated_site(tmp_path, allow_raw_html=False)
    post = site / POSTS / "migre.md"
    old, new = MISTAKES[name]
    assert old in post.read_text("utf-8")
    post.write_text(post.read_text("utf-8").replace(old, new, 1), "utf-8")
    output = tmp_path / "out"
    run = blog("build", "--source", site, "--output", output, "--no-search", env=ENV)
    checked = blog("check", "--source", site, env=ENV)
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert run.code == 1 and checked.code == 1, (run.stderr, checked.stdout)
    assert errors and all(line.startswith(f"{post}:") for line in errors), run.stderr
    assert errors == [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert "Traceback" not in run.stderr + checked.stdout and not output.exists()


def test_a_link_to_no_page_quotes_at_most_eighty_characters_of_its_target(tmp_path: Path) -> None:
    site = migrated_site(tmp_path, allow_raw_html=False)
    post = site / POSTS / "migre.md"
    target = "/" + "tres-long/" * 100
    post.write_text(post.read_text("utf-8").replace("/tags/cnil/", target, 1), "utf-8")
    checked = blog("check", "--source", site, env=ENV)
    [error] = [line for line in checked.stdout.splitlines() if ": error: " in line]
    assert f"{post}:14:" in error and "no such page" in error
    assert f"link to {target[:80]!r}…: no such page" in error and len(error.replace(str(post), "")) < 250
