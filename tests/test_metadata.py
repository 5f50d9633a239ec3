"""Every page's metadata: title, description, canonical URL, OpenGraph, Twitter card and JSON-LD,
compared with the front-matter (read with yaml, not through the builder) and with each other."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from builder.content.typography import typeset
from support import BALISES, CYBERATTAQUES, DMP, PREMIER, build, html_files, read_page
from test_real_site import CONFIG, PUBLISHED, ZONE, Expected

BASE = "https://example.org"
REAL_BASE = CONFIG["base_url"].rstrip("/")


def properties(page, attribute: str) -> list[tuple[str, str]]:
    """Give (name, content) of every <meta> of the head named by `attribute` (property or name)."""
    return [(meta[attribute], meta["content"]) for meta in page.head.find_all("meta", attrs={attribute: True})]


def one(page, attribute: str, name: str) -> str:
    """Give the content of the one <meta> of the head with this property or name."""
    found = [content for key, content in properties(page, attribute) if key == name]
    assert len(found) == 1, (name, found)
    return found[0]


def json_ld(page) -> list[dict]:
    """Give every node of the page's JSON-LD graphs, parsed as JSON."""
    nodes = []
    for script in page.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        assert data["@context"] == "https://schema.org"
        nodes += data["@graph"]
    return nodes


def node(page, kind: str) -> dict:
    """Give the one JSON-LD node of a type."""
    found = [item for item in json_ld(page) if item["@type"] == kind]
    assert len(found) == 1, (kind, found)
    return found[0]


def pages_of(output: Path) -> list[str]:
    """Give the URL of every HTML page of a build."""
    return ["/" + path.relative_to(output).as_posix().removesuffix("index.html") for path in html_files(output)]


# Every page

def test_every_page_has_one_title_description_and_canonical_url(built: Path) -> None:
    for url in pages_of(built):
        page = read_page(built, url)
        assert len(page.head.find_all("title")) == 1, url  # an inline SVG's <title> is its own
        assert page.title.string.strip(), url
        description = page.head.find_all("meta", attrs={"name": "description"})
        assert len(description) == 1 and description[0]["content"].strip(), url
        canonical = page.head.find_all("link", rel="canonical")
        assert [link["href"] for link in canonical] == [BASE + url], url


def test_opengraph_and_twitter_say_what_the_title_and_description_say(built: Path) -> None:
    for url in pages_of(built):
        page = read_page(built, url)
        description = page.head.find("meta", attrs={"name": "description"})["content"]
        assert one(page, "property", "og:url") == BASE + url
        assert one(page, "property", "og:locale") == "fr_FR"
        assert one(page, "property", "og:site_name") == "Journal de test"
        assert one(page, "property", "og:description") == description == one(page, "name", "twitter:description")
        assert one(page, "property", "og:title") == one(page, "name", "twitter:title")
        assert page.title.string.startswith(one(page, "property", "og:title")), url
        assert one(page, "name", "twitter:card") == "summary"


def test_only_post_pages_are_articles(built: Path) -> None:
    for url in pages_of(built):
        page = read_page(built, url)
        is_post = page.find("article", class_="post") is not None
        assert one(page, "property", "og:type") == ("article" if is_post else "website"), url
        assert bool([key for key, _ in properties(page, "property") if key.startswith("article:")]) == is_post, url
        assert len([item for item in json_ld(page) if item["@type"] == "BlogPosting"]) == int(is_post), url


def test_titles_name_the_site_and_the_page_number(built: Path) -> None:
    assert read_page(built, "/").title.string == "Journal de test"
    assert read_page(built, "/page/2/").title.string == "Journal de test, page 2"
    assert read_page(built, PREMIER).title.string == "Premier article · Journal de test"
    assert read_page(built, "/tags/rgpd/page/2/").title.string == "Mot-clé «\u202fRGPD\u202f», page 2 · Journal de test"


def test_index_pages_are_described_by_their_topic_or_tag(built: Path) -> None:
    def description(url: str) -> str:
        """Give the meta description of the page at `url`."""
        return read_page(built, url).head.find("meta", attrs={"name": "description"})["content"]

    assert description("/topics/securite/") == "Attaques, failles et bonnes pratiques."
    assert description("/topics/securite/page/2/") == "Attaques, failles et bonnes pratiques."
    assert description("/tags/cnil/") == "Les articles de Journal de test sur CNIL."
    assert description(DMP) == "Le DMP en quatre cents mots, soit deux minutes de lecture."


def test_breadcrumb_list_is_the_visible_trail(built: Path) -> None:
    for url in pages_of(built):
        page = read_page(built, url)
        trail = page.find("nav", class_="breadcrumbs")
        lists = [item for item in json_ld(page) if item["@type"] == "BreadcrumbList"]
        if trail is None:
            assert lists == [], url
            continue
        steps = lists[0]["itemListElement"]
        visible = trail.find_all("li")
        assert [step["position"] for step in steps] == list(range(1, len(visible) + 1))
        assert [step["name"] for step in steps] == [li.get_text(strip=True) for li in visible]
        hrefs = [BASE + li.a["href"] if li.a else BASE + url for li in visible]
        assert [step["item"] for step in steps] == hrefs, url


def test_home_page_describes_the_website(built: Path) -> None:
    site = node(read_page(built, "/"), "WebSite")
    assert (site["name"], site["url"], site["inLanguage"]) == ("Journal de test", f"{BASE}/", "fr")


# Posts, against their front-matter

def dates(post: Expected) -> tuple[datetime, datetime]:
    """Give a post's publication date and last change, from its front-matter."""
    updated = post.meta.get("updated")
    if updated is None:
        return post.date, post.date
    return post.date, updated if updated.tzinfo else updated.replace(tzinfo=ZONE)


@pytest.mark.parametrize("post", PUBLISHED, ids=[post.file.stem for post in PUBLISHED])
def test_blog_posting_matches_the_front_matter(real_site: Path, post: Expected) -> None:
    page = read_page(real_site, post.url)
    article = node(page, "BlogPosting")
    canonical = REAL_BASE + post.url
    published, modified = dates(post)
    assert article["headline"] == typeset(post.title)  # as the page's h1 shows it
    assert datetime.fromisoformat(article["datePublished"]) == published
    assert datetime.fromisoformat(article["dateModified"]) == modified
    assert article["author"]["name"] == post.meta.get("author", CONFIG["default_author"])
    assert article["publisher"] == {"@type": "Organization", "name": CONFIG["title"], "url": REAL_BASE + "/"}
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert article["url"] == canonical
    assert article["keywords"] == post.meta["tags"]
    assert article["articleSection"] == CONFIG["topics"][post.topic]["title"]
    assert article["description"] == post.meta["summary"]


@pytest.mark.parametrize("post", PUBLISHED, ids=[post.file.stem for post in PUBLISHED])
def test_opengraph_article_matches_the_front_matter(real_site: Path, post: Expected) -> None:
    page = read_page(real_site, post.url)
    published, modified = dates(post)
    assert one(page, "property", "og:title") == typeset(post.title)  # as the page's h1 shows it
    assert datetime.fromisoformat(one(page, "property", "article:published_time")) == published
    assert datetime.fromisoformat(one(page, "property", "article:modified_time")) == modified
    assert one(page, "property", "article:section") == CONFIG["topics"][post.topic]["title"]
    assert [content for key, content in properties(page, "property") if key == "article:tag"] == post.meta["tags"]
    assert page.head.find("meta", attrs={"name": "description"})["content"] == post.meta["summary"]


def test_a_named_author_is_a_person_and_the_newsroom_an_organization(built: Path) -> None:
    assert node(read_page(built, DMP), "BlogPosting")["author"] == {"@type": "Person", "name": "Dr Martin"}
    assert node(read_page(built, PREMIER), "BlogPosting")["author"] == {"@type": "Organization", "name": "La rédaction"}


def test_an_updated_post_says_so_everywhere(built: Path) -> None:
    page = read_page(built, DMP)
    updated = datetime.fromisoformat("2021-01-05T09:00:00+01:00")
    assert datetime.fromisoformat(node(page, "BlogPosting")["dateModified"]) == updated
    assert datetime.fromisoformat(one(page, "property", "article:modified_time")) == updated
    assert datetime.fromisoformat(one(page, "property", "article:published_time")) < updated


# JSON-LD cannot break out of its script element

def test_markup_in_a_title_stays_inside_the_json_ld(built: Path) -> None:
    page = read_page(built, BALISES)
    assert node(page, "BlogPosting")["headline"] == "Balises <script> & liens"
    raw = page.find("script", type="application/ld+json").string
    assert "<" not in raw and ">" not in raw and "&" not in raw


def test_a_title_closing_the_script_element_cannot_inject_one(site: Path, tmp_path: Path) -> None:
    title = 'Fin </script><script>alert("x")</script> & <!-- commentaire'
    post = site / "content" / "posts" / "premier-article.md"
    post.write_text(post.read_text("utf-8").replace("title: Premier article", f"title: '{title}'\nslug: premier-article"),
                    "utf-8")
    assert build(site, tmp_path / "out").code == 0
    page = read_page(tmp_path / "out", PREMIER)
    assert [script.get("type") for script in page.find_all("script")] == ["application/ld+json"]
    assert node(page, "BlogPosting")["headline"] == typeset(title)
    assert [step["name"] for step in node(page, "BreadcrumbList")["itemListElement"]][-1] == typeset(title)


TYPED_TITLE = 'L\'hôpital "numérique" : utile ?'  # as an editor types it
SET_TITLE = "L’hôpital «\u202fnumérique\u202f»\u202f: utile\u202f?"  # as the page's h1 shows it


def retitled(site: Path, tmp_path: Path) -> Path:
    """Give the fixture site built with its newest post titled `TYPED_TITLE` (slug kept)."""
    post = site / "content" / "posts" / "cyberattaques.md"
    text = post.read_text("utf-8").replace('title: "Cyberattaques en série dans les hôpitaux"',
                                           f"title: {json.dumps(TYPED_TITLE)}\nslug: cyberattaques-en-serie-dans-les-hopitaux")
    post.write_text(text, "utf-8")
    assert build(site, tmp_path / "out").code == 0
    return tmp_path / "out"


def test_a_post_title_is_set_in_the_head_as_in_its_heading(site: Path, tmp_path: Path) -> None:
    page = read_page(retitled(site, tmp_path), CYBERATTAQUES)
    assert page.h1.get_text() == SET_TITLE
    assert page.title.string == f"{SET_TITLE} · Journal de test"
    assert one(page, "property", "og:title") == SET_TITLE
    assert one(page, "name", "twitter:title") == SET_TITLE
    assert node(page, "BlogPosting")["headline"] == SET_TITLE


def test_a_post_title_is_set_in_every_feed_as_in_its_heading(site: Path, tmp_path: Path) -> None:
    output = retitled(site, tmp_path)
    feeds = [path for path in output.rglob("*.xml") if path.name in ("feed.xml", "atom.xml")]
    assert len(feeds) > 2
    holding = 0
    for path in feeds:
        root = ET.parse(path).getroot()
        atom = "{http://www.w3.org/2005/Atom}"
        titles = [item.findtext("title") for item in root.iter("item")] + [
            entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]
        assert TYPED_TITLE not in titles, path
        holding += SET_TITLE in titles
    assert holding >= 4  # the whole site's RSS and Atom, and its topic's at least
    items = json.loads((output / "feed.json").read_text("utf-8"))["items"]
    assert SET_TITLE in [item["title"] for item in items]


def test_a_tag_feed_is_titled_as_its_listing_page(built: Path) -> None:
    heading = read_page(built, "/tags/rgpd/").h1.get_text()
    assert heading == "Mot-clé «\u202fRGPD\u202f»"
    rss = ET.parse(built / "tags" / "rgpd" / "feed.xml").getroot()
    atom = ET.parse(built / "tags" / "rgpd" / "atom.xml").getroot()
    assert rss.find("channel").findtext("title") == f"Journal de test · {heading}"
    assert atom.findtext("{http://www.w3.org/2005/Atom}title") == f"Journal de test · {heading}"
