"""The RSS 2.0 feed of the fixture site: valid, full, absolute, and independent of the clock."""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup

from support import BALISES, CODE, CYBERATTAQUES, build

BASE = "https://example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
NEWEST = [CYBERATTAQUES, CODE, BALISES]  # feed_length: 3
DATES = ["2021-02-28T23:30:00+00:00", "2021-02-28T18:30:00+01:00", "2021-02-10T09:00:00+01:00"]


def channel(output: Path) -> ET.Element:
    """Give the feed's <channel>, checking that the root is RSS 2.0."""
    root = ET.parse(output / "feed.xml").getroot()
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return root.find("channel")


def test_feed_parses_without_errors(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Journal de test"
    assert feed.feed.link == f"{BASE}/"


def test_feed_holds_the_newest_feed_length_posts_newest_first(built: Path) -> None:
    entries = feedparser.parse((built / "feed.xml").read_bytes()).entries
    assert [entry.link for entry in entries] == [BASE + url for url in NEWEST]
    assert entries[2].title == "Balises <script> & liens"


def test_feed_guid_is_the_permalink(built: Path) -> None:
    for item in channel(built).findall("item"):
        guid = item.find("guid")
        assert guid.text == item.find("link").text
        assert guid.get("isPermaLink", "true") == "true"
    entries = feedparser.parse((built / "feed.xml").read_bytes()).entries
    assert [entry.id for entry in entries] == [BASE + url for url in NEWEST]


def test_feed_dates_are_rfc_822(built: Path) -> None:
    items = channel(built).findall("item")
    for item, iso in zip(items, DATES, strict=True):
        assert parsedate_to_datetime(item.find("pubDate").text) == datetime.fromisoformat(iso)
    entries = feedparser.parse((built / "feed.xml").read_bytes()).entries
    for entry, iso in zip(entries, DATES, strict=True):
        assert calendar.timegm(entry.published_parsed) == datetime.fromisoformat(iso).timestamp()


def test_feed_last_build_date_is_the_newest_post_not_the_clock(built: Path, site: Path, tmp_path: Path) -> None:
    last = channel(built).find("lastBuildDate").text
    assert parsedate_to_datetime(last) == datetime.fromisoformat(DATES[0])
    # Built at another moment (still after every post but the future one), the feed is the same.
    assert build(site, tmp_path / "later", "--now", "2026-12-31T23:00:00+01:00").code == 0
    assert (tmp_path / "later" / "feed.xml").read_bytes() == (built / "feed.xml").read_bytes()


def test_feed_links_to_itself_with_atom_self(built: Path) -> None:
    links = channel(built).findall(f"{ATOM}link")
    assert [(link.get("rel"), link.get("href")) for link in links] == [("self", f"{BASE}/feed.xml")]


def test_feed_items_carry_the_full_content_with_absolute_links(built: Path) -> None:
    items = {item.find("link").text: item for item in channel(built).findall("item")}
    content = BeautifulSoup(items[BASE + CODE].find(CONTENT).text, "html.parser")
    assert content.find("table") is not None
    assert content.find("pre") is not None
    assert "Une note de bas de page." in content.get_text()
    hrefs = [a["href"] for a in content.find_all("a", href=True)]
    assert f"{BASE}/2020/11/premier-article/" in hrefs
    assert not [href for href in hrefs if href.startswith("/")]


def test_feed_content_keeps_raw_html_escaped_and_drops_javascript_links(built: Path) -> None:
    items = {item.find("link").text: item for item in channel(built).findall("item")}
    content = BeautifulSoup(items[BASE + BALISES].find(CONTENT).text, "html.parser")
    assert content.find("script") is None
    assert "<b>gras</b>" in content.get_text()
    assert [a["href"] for a in content.find_all("a", href=True)] == ["https://example.com/"]


def test_feed_items_have_summary_topic_and_tags(built: Path) -> None:
    entry = feedparser.parse((built / "feed.xml").read_bytes()).entries[0]
    assert entry.summary == "Plusieurs hôpitaux paralysés par des rançongiciels."
    assert [tag.term for tag in entry.tags] == ["Sécurité", "hôpital", "sécurité informatique", "rançongiciel"]


def test_summaries_and_descriptions_reach_rss_readers_as_plain_text(site: Path, tmp_path: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace(
        "description: Un petit site pour éprouver le générateur.", 'description: "Un site <b>gras</b> & sûr"'), "utf-8")
    (site / "content" / "posts" / "piege.md").write_text(
        "---\ntitle: Un résumé piégé\ndate: 2021-03-05T09:00:00+01:00\ntopic: securite\ntags: [HTML, CNIL]\n"
        'summary: "Un <img src=x onerror=alert(1)> & co"\n---\n\nLe texte.\n', "utf-8")
    output = tmp_path / "out"
    assert build(site, output).code == 0
    # Atom says its summaries are text (and they are): RSS must show readers the same text.
    atom = feedparser.parse((output / "atom.xml").read_bytes())
    assert (atom.feed.subtitle, atom.entries[0].summary) == ("Un site <b>gras</b> & sûr", "Un <img src=x onerror=alert(1)> & co")
    rss = feedparser.parse((output / "feed.xml").read_bytes())
    assert rss.bozo == 0 and rss.entries[0].summary_detail.type == "text/html"  # what readers take it for
    for html, text in ((rss.feed.subtitle, atom.feed.subtitle), (rss.entries[0].summary, atom.entries[0].summary)):
        shown = BeautifulSoup(html, "html.parser")
        assert shown.find(True) is None and shown.get_text() == text
    head = channel(output)
    assert head.findtext("description") == "Un site &lt;b&gt;gras&lt;/b&gt; &amp; sûr"
    assert head.find("item").findtext("description") == "Un &lt;img src=x onerror=alert(1)&gt; &amp; co"
    assert b"<description>Un &amp;lt;img src=x" in (output / "feed.xml").read_bytes()
