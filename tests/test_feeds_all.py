"""Every feed of the fixture site, RSS 2.0, Atom 1.0 and JSON Feed 1.1: parsed by feedparser
(or json), and held to the W3C Feed Validation Service's rules on the XML itself."""

from __future__ import annotations

import calendar
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from feed_html import active_content, html_fields
from support import (AMENDE, BALISES, CODE, CYBERATTAQUES, DMP, DRAFT, FUTURE, PREMIER, build, file_for,
                     html_files, listed_posts, read_page)

BASE = "https://example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
FEED_LENGTH = 3
# The listings that have feeds, with the posts each holds, newest first (drafts and future posts never).
LISTINGS = {
    "/": [CYBERATTAQUES, CODE, BALISES, AMENDE, DMP, PREMIER],
    "/tags/cnil/": [AMENDE, PREMIER],
    "/tags/dmp/": [DMP],
    "/tags/hopital/": [CYBERATTAQUES],
    "/tags/html/": [CODE, BALISES],
    "/tags/python/": [CODE],
    "/tags/rancongiciel/": [CYBERATTAQUES],
    "/tags/rgpd/": [AMENDE, DMP, PREMIER],
    "/tags/securite-informatique/": [CYBERATTAQUES, BALISES, AMENDE],
    "/topics/sante-numerique/": [DMP, PREMIER],
    "/topics/securite/": [CYBERATTAQUES, BALISES, AMENDE],
    "/topics/logiciels/": [CODE],
}
# The moment of each post as its front-matter gives it, and of its last change.
DATES = {
    CYBERATTAQUES: "2021-02-28T23:30:00+00:00", CODE: "2021-02-28T18:30:00+01:00",
    BALISES: "2021-02-10T09:00:00+01:00", AMENDE: "2020-12-18T09:00:00+01:00",
    DMP: "2020-12-01T09:00:00+01:00", PREMIER: "2020-11-15T10:00:00+01:00",
}
CHANGED = {**DATES, DMP: "2021-01-05T09:00:00+01:00"}
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
TARGET = re.compile(r"""\s(?:href|src)=["']([^"']*)["']""")


def moment(iso: str) -> datetime:
    """Give an ISO 8601 moment as an aware datetime."""
    return datetime.fromisoformat(iso)


def parsed(output: Path, url: str) -> feedparser.FeedParserDict:
    """Parse a feed of the output with feedparser, checking it is well-formed."""
    feed = feedparser.parse(file_for(output, url).read_bytes())
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


def xml_root(output: Path, url: str) -> ET.Element:
    """Give the root element of a feed of the output."""
    return ET.parse(file_for(output, url)).getroot()


def feed_urls() -> list[tuple[str, str]]:
    """Give (listing, feed URL) for every RSS and Atom feed the fixture site must have."""
    return [(listing, f"{listing}{name}") for listing in LISTINGS for name in ("feed.xml", "atom.xml")]


@pytest.mark.parametrize(("listing", "url"), feed_urls())
def test_every_feed_parses_and_holds_its_listings_newest_posts(built: Path, listing: str, url: str) -> None:
    feed = parsed(built, url)
    assert feed.version == ("rss20" if url.endswith("feed.xml") else "atom10")
    expected = LISTINGS[listing][:FEED_LENGTH]
    assert [entry.link for entry in feed.entries] == [BASE + post for post in expected]
    assert [entry.id for entry in feed.entries] == [BASE + post for post in expected]
    for entry, post in zip(feed.entries, expected, strict=True):
        assert calendar.timegm(entry.published_parsed) == moment(DATES[post]).timestamp()
    assert feed.feed.link == BASE + listing


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_feeds_hold_what_the_listing_page_shows(built: Path, listing: str) -> None:
    expected = [BASE + url for url in listed_posts(built, listing)[:FEED_LENGTH]]
    for name in ("feed.xml", "atom.xml"):
        assert [entry.link for entry in parsed(built, listing + name).entries] == expected


def test_tags_of_unpublished_posts_have_no_feed(built: Path) -> None:
    for tag in ("brouillon", "avenir"):  # only the draft and the future post have them
        assert not file_for(built, f"/tags/{tag}/feed.xml").exists()
        assert not file_for(built, f"/tags/{tag}/atom.xml").exists()


def test_drafts_and_future_posts_are_in_no_feed(built: Path) -> None:
    for path in [*built.rglob("*.xml"), built / "feed.json"]:
        data = path.read_text("utf-8")
        assert DRAFT not in data and FUTURE not in data, path


# RSS 2.0, element by element

@pytest.mark.parametrize("listing", list(LISTINGS))
def test_rss_channel_has_the_required_elements_and_links_to_itself(built: Path, listing: str) -> None:
    root = xml_root(built, listing + "feed.xml")
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    channel = root.find("channel")
    for name in ("title", "link", "description", "language", "lastBuildDate"):
        assert (channel.findtext(name) or "").strip(), name
    assert channel.findtext("link") == BASE + listing
    assert [(link.get("rel"), link.get("href"), link.get("type")) for link in channel.findall(f"{ATOM}link")] == [
        ("self", f"{BASE}{listing}feed.xml", "application/rss+xml")]


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_rss_items_have_unique_permalink_guids_and_rfc_822_dates(built: Path, listing: str) -> None:
    items = xml_root(built, listing + "feed.xml").find("channel").findall("item")
    guids = [item.findtext("guid") for item in items]
    assert len(set(guids)) == len(guids)
    for item in items:
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "true" and guid.text == item.findtext("link")
        assert guid.text.startswith(BASE + "/")
        date = parsedate_to_datetime(item.findtext("pubDate"))
        assert date.tzinfo is not None
        assert date == moment(DATES[guid.text.removeprefix(BASE)])


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_last_build_date_and_updated_are_the_newest_change_not_the_clock(built: Path, listing: str) -> None:
    newest = max(moment(CHANGED[post]) for post in LISTINGS[listing][:FEED_LENGTH])
    channel = xml_root(built, listing + "feed.xml").find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == newest
    assert moment(xml_root(built, listing + "atom.xml").findtext(f"{ATOM}updated")) == newest


def test_an_update_counts_as_the_feeds_last_change(built: Path) -> None:
    # The DMP post was updated after the newer CNIL fine was published.
    assert moment(xml_root(built, "/tags/rgpd/atom.xml").findtext(f"{ATOM}updated")) == moment(CHANGED[DMP])


def test_feeds_do_not_change_with_the_moment_of_the_build(built: Path, site: Path, tmp_path: Path) -> None:
    assert build(site, tmp_path / "later", "--now", "2026-12-31T23:00:00+01:00").code == 0
    for listing, url in feed_urls():
        assert file_for(tmp_path / "later", url).read_bytes() == file_for(built, url).read_bytes(), url
    assert (tmp_path / "later" / "feed.json").read_bytes() == (built / "feed.json").read_bytes()


def test_rss_items_have_their_topic_then_their_tags_as_categories(built: Path) -> None:
    items = {item.findtext("link"): item for item in xml_root(built, "/tags/rgpd/feed.xml").iter("item")}
    assert [c.text for c in items[BASE + DMP].findall("category")] == ["Santé numérique", "DMP", "RGPD"]
    assert items[BASE + DMP].findtext("{http://purl.org/dc/elements/1.1/}creator") == "Dr Martin"


# Atom 1.0, element by element

@pytest.mark.parametrize("listing", list(LISTINGS))
def test_atom_feed_has_id_title_updated_and_links_to_itself_and_its_page(built: Path, listing: str) -> None:
    root = xml_root(built, listing + "atom.xml")
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert root.findtext(f"{ATOM}id") == f"{BASE}{listing}atom.xml"
    assert root.findtext(f"{ATOM}title").strip()
    assert RFC_3339.match(root.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link for link in root.findall(f"{ATOM}link")}
    assert links["self"].get("href") == f"{BASE}{listing}atom.xml"
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("href") == BASE + listing


@pytest.mark.parametrize("listing", list(LISTINGS))
def test_atom_entries_have_unique_ids_authors_and_rfc_3339_dates(built: Path, listing: str) -> None:
    entries = xml_root(built, listing + "atom.xml").findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        post = entry.findtext(f"{ATOM}id").removeprefix(BASE)
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == BASE + post
        assert entry.findtext(f"{ATOM}author/{ATOM}name").strip()
        for name, expected in (("published", DATES[post]), ("updated", CHANGED[post])):
            text = entry.findtext(f"{ATOM}{name}")
            assert RFC_3339.match(text), text
            assert moment(text) == moment(expected)


def test_atom_entry_has_its_topic_then_its_tags_as_categories_and_its_author(built: Path) -> None:
    entry = next(e for e in parsed(built, "/tags/rgpd/atom.xml").entries if e.id == BASE + DMP)
    assert [tag.term for tag in entry.tags] == ["Santé numérique", "DMP", "RGPD"]
    assert [tag.scheme for tag in entry.tags] == [f"{BASE}/topics/", f"{BASE}/tags/", f"{BASE}/tags/"]
    assert entry.author == "Dr Martin"
    assert calendar.timegm(entry.updated_parsed) == moment(CHANGED[DMP]).timestamp()


def test_atom_content_is_escaped_html_and_titles_stay_text(built: Path) -> None:
    root = xml_root(built, "/tags/html/atom.xml")
    entry = next(e for e in root.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == BASE + BALISES)
    assert entry.findtext(f"{ATOM}title") == "Balises <script> & liens"
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    html = BeautifulSoup(content.text, "html.parser")
    assert html.find("p") is not None and html.find("script") is None
    assert "<b>gras</b>" in html.get_text()  # raw HTML of the post stays text, as on its page
    raw = file_for(built, "/tags/html/atom.xml").read_text("utf-8")
    assert "&lt;p&gt;" in raw and "<p>" not in raw


# JSON Feed 1.1

def test_json_feed_follows_version_1_1(built: Path) -> None:
    feed = json.loads((built / "feed.json").read_text("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Journal de test"
    assert feed["home_page_url"] == f"{BASE}/"
    assert feed["feed_url"] == f"{BASE}/feed.json"
    assert feed["language"] == "fr"
    items = feed["items"]
    assert [item["id"] for item in items] == [BASE + post for post in LISTINGS["/"][:FEED_LENGTH]]
    for item in items:
        post = item["url"].removeprefix(BASE)
        assert item["id"] == item["url"]
        assert moment(item["date_published"]) == moment(DATES[post])
        assert moment(item["date_modified"]) == moment(CHANGED[post])
        assert RFC_3339.match(item["date_published"]) and RFC_3339.match(item["date_modified"])
        assert item["title"] and item["content_html"] and item["authors"][0]["name"]
    assert items[0]["tags"] == ["Sécurité", "hôpital", "sécurité informatique", "rançongiciel"]


def test_json_feed_is_written_with_sorted_keys(built: Path) -> None:
    text = (built / "feed.json").read_text("utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# Absolute URLs in content

def contents(output: Path) -> list[tuple[str, str]]:
    """Give (feed, HTML content) for every entry of every feed of the output."""
    found = []
    for path in output.rglob("*.xml"):
        root = ET.parse(path).getroot()
        found += [(path.name, element.text or "") for element in [*root.iter(CONTENT), *root.iter(f"{ATOM}content")]]
    found += [("feed.json", item["content_html"]) for item in json.loads((output / "feed.json").read_text())["items"]]
    return found


def test_links_and_images_in_every_feed_content_are_absolute(built: Path) -> None:
    checked = 0
    for feed, html in contents(built):
        for target in TARGET.findall(html):
            assert target.startswith(("https://", "http://", "mailto:")), (feed, target)
            checked += 1
    assert checked > 0


def test_relative_links_and_images_beside_a_post_resolve_against_the_post(site: Path, tmp_path: Path) -> None:
    posts = site / "content" / "posts"
    (posts / "schema.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (posts / "avec-image.md").write_text(
        "---\ntitle: Un article illustré\ndate: 2021-03-05T09:00:00+01:00\ntopic: logiciels\n"
        "tags: [Python, HTML]\nsummary: Une image à côté de l’article.\n---\n\n"
        "![Le schéma](schema.png) et [le premier](premier-article.md), [plus bas](#suite) "
        "et [la racine](/tags/).\n\n## Suite\n\nFin.[^1]\n\n[^1]: Une note.\n", "utf-8")
    output = tmp_path / "out"
    assert build(site, output).code == 0
    post = f"{BASE}/2021/03/un-article-illustre/"
    for feed, html in contents(output):
        if "Le schéma" not in html:
            continue
        page = BeautifulSoup(html, "html.parser")
        assert page.find("img")["src"] == post + "schema.png", feed
        hrefs = [a["href"] for a in page.find_all("a")]
        assert {BASE + PREMIER, post + "#suite", f"{BASE}/tags/"} <= set(hrefs), feed
        assert all(href.startswith(BASE) for href in hrefs), (feed, hrefs)
    assert (output / "2021" / "03" / "un-article-illustre" / "schema.png").is_file()


# A link title that holds ` src='` (or ` href='`) once let a rewrite of targets run across tags,
# and the next link's URL become attributes: `onmouseover=alert(1)//` among them. (`JaVa%09script:`
# is no scheme, so a relative address: the build checks it against the site's pages.)
HOSTILE_BODY = (
    "[a](/tags/ \"t src='\") ' [autre](http://x.test/onmouseover=alert(1)//)\n\n"
    "![i](y.png \"q href='\") ' [j](http://x.test/onerror=alert(1)//)\n\n"
    "[b](javascript:alert(1)) <a href=\"/z\" onclick=\"alert(1)\">d</a>\n"
)


@pytest.mark.parametrize("raw_html", [False, True], ids=["raw-html-shown", "raw-html-allowed"])
def test_no_feed_carries_an_event_handler_or_a_script_url_whatever_the_post_holds(
        raw_html: bool, site: Path, tmp_path: Path) -> None:
    if raw_html:
        config = site / "site.yaml"
        config.write_text(config.read_text("utf-8").replace("allow_raw_html: false", "allow_raw_html: true"), "utf-8")
    (site / "content" / "posts" / "y.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (site / "content" / "posts" / "piege.md").write_text(
        "---\ntitle: Un piège\ndate: 2021-03-05T09:00:00+01:00\ntopic: securite\ntags: [HTML, CNIL]\n---\n\n"
        + HOSTILE_BODY, "utf-8")
    output = tmp_path / "out"
    run = build(site, output)
    assert run.code == 0, run.stderr
    # Where raw HTML is allowed, the fixture's own <script> is the sanitiser’s work (content/sanitise.py):
    # the feeds' own part is that no tag they rewrite lets an attribute through.
    fields = [(where, html) for where, html in html_fields(output) if not raw_html or "autre" in html]
    assert [where for where, html in fields if active_content(html)] == []
    bodies = [(where, html) for where, html in fields if "<a " in html and "autre" in html]
    assert len(bodies) == 9  # RSS and Atom of the site, of its topic and of two tags, and the JSON feed
    for where, html in bodies:
        links = BeautifulSoup(html, "html.parser").find_all("a")
        # The title stays whole, and each link keeps its own target, made absolute.
        assert [(a.get("href"), a.get("title")) for a in links][:2] == [
            (f"{BASE}/tags/", "t src='"), ("http://x.test/onmouseover=alert(1)//", None)], where


def test_a_topic_without_posts_still_has_valid_empty_feeds(site: Path, tmp_path: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8") + "  vide:\n    title: Vide\n    description: Rien encore.\n", "utf-8")
    assert build(site, tmp_path / "out").code == 0
    for name, version in (("feed.xml", "rss20"), ("atom.xml", "atom10")):
        feed = parsed(tmp_path / "out", f"/topics/vide/{name}")
        assert (feed.version, feed.entries) == (version, [])
    root = xml_root(tmp_path / "out", "/topics/vide/atom.xml")
    assert RFC_3339.match(root.findtext(f"{ATOM}updated"))


# Advertised on the pages they belong to

def alternates(output: Path, url: str) -> list[tuple[str, str]]:
    """Give (type, href) of every feed a page advertises, in order."""
    head = read_page(output, url).head
    return [(link["type"], link["href"]) for link in head.find_all("link", rel="alternate")]


SITE_FEEDS = [("application/rss+xml", "/feed.xml"), ("application/atom+xml", "/atom.xml"),
              ("application/feed+json", "/feed.json")]


def test_every_page_advertises_the_whole_sites_feeds_first(built: Path) -> None:
    for path in html_files(built):
        url = "/" + path.relative_to(built).as_posix()
        assert alternates(built, url)[:3] == SITE_FEEDS, url


@pytest.mark.parametrize("listing", [listing for listing in LISTINGS if listing != "/"])
def test_tag_and_topic_pages_advertise_their_own_feeds_on_every_page(built: Path, listing: str) -> None:
    own = [("application/rss+xml", f"{listing}feed.xml"), ("application/atom+xml", f"{listing}atom.xml")]
    assert alternates(built, listing) == SITE_FEEDS + own
    page = read_page(built, listing)
    assert [a["href"] for a in page.main.select("p.feeds a")] == [href for _, href in own]
    if file_for(built, f"{listing}page/2/").exists():
        assert alternates(built, f"{listing}page/2/") == SITE_FEEDS + own


def test_other_pages_advertise_only_the_whole_sites_feeds(built: Path) -> None:
    for url in ("/", CODE, "/archives/", "/2021/", "/tags/", "/recherche/"):
        assert alternates(built, url) == SITE_FEEDS, url


def test_every_advertised_feed_exists(built: Path) -> None:
    for path in html_files(built):
        for _, href in alternates(built, "/" + path.relative_to(built).as_posix()):
            assert file_for(built, href).is_file(), (path, href)
