"""The real site, built once: every post has its page, and every listing and the feed hold
exactly the posts the front-matter says, computed here with yaml, not through the builder."""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
import yaml

from builder.content.typography import typeset
from support import REPO, broken_links, html_files, listed_posts, listing_pages, post_links, read_page, text_of

CONFIG = yaml.safe_load((REPO / "site.yaml").read_text("utf-8"))
ZONE = ZoneInfo(CONFIG["timezone"])
PER_PAGE = CONFIG["posts_per_page"]
FRONT_MATTER = re.compile(r"\A\ufeff?---\r?\n(.*?)\r?\n---\r?\n", re.DOTALL)

# The titles in the order the seed (the old site's front page, shared/seed/) lists them: newest first.
SEED_ORDER = [
    "Des start-up françaises plus solides, un Conseil national du numérique plus ouvert aux sciences sociales",
    "Cyberattaques en série dans les hôpitaux : le monde de la santé doit renforcer sa vigilance",
    "Le numérique au service de la vaccination contre la Covid",
    "Espace Numérique de Santé : la promesse du bouquet de services pour les PS libéraux",
    "La nouvelle version Hellodoc SQL arrive en 2021 dans le poste de travail ou en ligne",
    "Fin 2021, tous les lecteurs santé seront en PC/SC",
    "La MIMS, une maison de l’innovation soutenue par la CSMF et ses partenaires pour préparer le cabinet de 2030",
    "Deux médecins mis à l’amende par la CNIL pour avoir mal protégé les données de leurs patients",
    "Lifen lance un magasin d’applications santé interopérables",
    "Docaposte et la e-santé : avec 13 millions d’utilisateurs, succès pour le site maladiecoronavirus",
]


def slug(text: str) -> str:
    """Give the slug the contract describes: lowercase ASCII, accents folded, any other character a dash."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@dataclass(frozen=True)
class Expected:
    """A post as its front-matter describes it."""

    file: Path
    title: str
    date: datetime  # in the site's timezone
    topic: str  # the topic's key
    tags: dict[str, str]  # slug -> name
    draft: bool

    @property
    def url(self) -> str:
        """Give the post's URL by the contract's scheme."""
        return f"/{self.date:%Y}/{self.date:%m}/{self.slug}/"

    @property
    def slug(self) -> str:
        """Give the explicit slug, or the title's."""
        return self.meta.get("slug") or slug(self.title)

    @property
    def meta(self) -> dict:
        """Give the raw front-matter."""
        return read_front_matter(self.file)


def read_front_matter(path: Path) -> dict:
    """Read a post's front-matter with yaml alone."""
    match = FRONT_MATTER.match(path.read_text("utf-8"))
    assert match, f"{path}: no front-matter"
    return yaml.safe_load(match[1])


def topic_key(value: str) -> str:
    """Give the topic key a front-matter names, by key or by title."""
    if value in CONFIG["topics"]:
        return value
    return next(key for key, topic in CONFIG["topics"].items() if slug(topic["title"]) == slug(value))


def expected_post(path: Path) -> Expected:
    """Describe a post from its front-matter."""
    meta = read_front_matter(path)
    date = meta["date"]
    date = date.replace(tzinfo=ZONE) if date.tzinfo is None else date.astimezone(ZONE)
    return Expected(path, meta["title"], date, topic_key(meta["topic"]),
                    {slug(tag): tag for tag in meta.get("tags", [])}, bool(meta.get("draft", False)))


POSTS = [expected_post(path) for path in sorted((REPO / "content" / "posts").glob("*.md"))]
PUBLISHED = sorted((post for post in POSTS if not post.draft), key=lambda post: (post.date, post.slug), reverse=True)
BY_TITLE = {post.title: post for post in POSTS}


def newest_first(posts) -> list[str]:
    """Give the URLs of posts, newest first."""
    return [post.url for post in sorted(posts, key=lambda post: (post.date, post.slug), reverse=True)]


def by_tag() -> dict[str, list[str]]:
    """Give each tag slug's posts, newest first."""
    groups = defaultdict(list)
    for post in PUBLISHED:
        for tag in post.tags:
            groups[tag].append(post)
    return {tag: newest_first(posts) for tag, posts in groups.items()}


def by_month() -> dict[str, list[str]]:
    """Give each month URL's posts, newest first."""
    groups = defaultdict(list)
    for post in PUBLISHED:
        groups[f"/{post.date:%Y}/{post.date:%m}/"].append(post)
    return {url: newest_first(posts) for url, posts in groups.items()}


def by_year() -> dict[str, list[str]]:
    """Give each year URL's posts, newest first."""
    groups = defaultdict(list)
    for post in PUBLISHED:
        groups[f"/{post.date:%Y}/"].append(post)
    return {url: newest_first(posts) for url, posts in groups.items()}


TAGS, MONTHS, YEARS = by_tag(), by_month(), by_year()
TOPICS = {key: newest_first(p for p in PUBLISHED if p.topic == key) for key in CONFIG["topics"]}


# The content itself

def test_the_real_site_has_posts() -> None:
    assert len(POSTS) >= 10
    assert not [post.file.name for post in POSTS if post.draft]


@pytest.mark.parametrize("post", POSTS, ids=[post.file.stem for post in POSTS])
def test_each_post_has_2_to_6_tags(post: Expected) -> None:
    assert 2 <= len(post.meta["tags"]) <= 6
    assert len(post.tags) == len(post.meta["tags"]), "two tags of one post share a slug"


def test_post_dates_strictly_decrease_in_the_order_of_the_seed() -> None:
    dates = [BY_TITLE[title].date for title in SEED_ORDER]
    assert all(newer > older for newer, older in zip(dates, dates[1:])), dates
    assert set(SEED_ORDER) == set(BY_TITLE)


def test_seed_order_above_is_the_seed_files_order() -> None:
    seed = REPO.parent / "shared" / "seed"
    if not seed.is_dir():
        pytest.skip("shared/seed is not beside this checkout")
    text = "\n".join(path.read_text("utf-8") for path in sorted(seed.glob("*.txt")))
    listed = [line.strip().removeprefix("• ").strip() for line in text.splitlines() if line.strip().startswith("•")]
    assert [title for title in listed if title in BY_TITLE] == SEED_ORDER


def test_each_tag_is_spelled_one_way_across_posts() -> None:
    spellings = defaultdict(set)
    for post in POSTS:
        for tag_slug, name in post.tags.items():
            spellings[tag_slug].add(name)
    assert {tag: names for tag, names in spellings.items() if len(names) > 1} == {}


# Pages

@pytest.mark.parametrize("post", PUBLISHED, ids=[post.file.stem for post in PUBLISHED])
def test_each_post_has_its_page(real_site: Path, post: Expected) -> None:
    page = read_page(real_site, post.url)
    assert [text_of(h1) for h1 in page.find_all("h1")] == [post.title]
    time = page.main.article.find("time")
    assert datetime.fromisoformat(time["datetime"]) == post.date
    assert page.main.article.find("a", href=f"/topics/{post.topic}/") is not None
    assert [a["href"] for a in page.main.article.find_all("a", rel="tag")] == [f"/tags/{t}/" for t in post.tags]


def test_home_lists_every_post_newest_first(real_site: Path) -> None:
    assert listed_posts(real_site, "/") == [post.url for post in PUBLISHED]


@pytest.mark.parametrize("tag", sorted(TAGS))
def test_each_tag_page_lists_exactly_its_posts_newest_first(real_site: Path, tag: str) -> None:
    assert listed_posts(real_site, f"/tags/{tag}/") == TAGS[tag]


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_each_topic_page_lists_exactly_its_posts_newest_first(real_site: Path, topic: str) -> None:
    assert listed_posts(real_site, f"/topics/{topic}/") == TOPICS[topic]


@pytest.mark.parametrize("month", sorted(MONTHS))
def test_each_month_page_lists_exactly_its_posts_newest_first(real_site: Path, month: str) -> None:
    assert listed_posts(real_site, month) == MONTHS[month]


@pytest.mark.parametrize("year", sorted(YEARS))
def test_each_year_page_lists_exactly_its_posts_newest_first(real_site: Path, year: str) -> None:
    assert listed_posts(real_site, year) == YEARS[year]


def test_tags_page_lists_every_tag_once(real_site: Path) -> None:
    page = read_page(real_site, "/tags/")
    links = [a["href"] for a in page.main.find_all("a", href=re.compile(r"^/tags/[^/]+/$"))]
    assert sorted(links) == sorted(f"/tags/{tag}/" for tag in TAGS)


def test_topics_page_lists_every_declared_topic_with_its_description(real_site: Path) -> None:
    page = read_page(real_site, "/topics/")
    text = text_of(page.main)
    for key, topic in CONFIG["topics"].items():
        assert text_of(page.main.find("a", href=f"/topics/{key}/")) == topic["title"]
        assert topic["description"] in text


def test_archives_page_links_every_year_and_month(real_site: Path) -> None:
    page = read_page(real_site, "/archives/")
    links = {a["href"] for a in page.main.find_all("a", href=True)}
    assert set(MONTHS) | set(YEARS) <= links


LISTINGS = {"/": [post.url for post in PUBLISHED], **{f"/tags/{t}/": p for t, p in TAGS.items()},
            **{f"/topics/{t}/": p for t, p in TOPICS.items()}, **MONTHS, **YEARS}


def test_every_listing_is_split_into_pages_of_the_configured_size(real_site: Path) -> None:
    for base, posts in LISTINGS.items():
        pages = listing_pages(real_site, base)
        expected = [min(PER_PAGE, len(posts) - start) for start in range(0, len(posts), PER_PAGE)] or [0]
        assert [len(post_links(page)) for page in pages] == expected, base
        assert len(pages) == max(1, math.ceil(len(posts) / PER_PAGE)), base


def test_every_page_is_french_and_advertises_the_feed(real_site: Path) -> None:
    for path in html_files(real_site):
        page = read_page(real_site, "/" + path.relative_to(real_site).as_posix())
        assert page.html["lang"] == "fr", path
        assert page.head.find("link", rel="alternate", type="application/rss+xml")["href"] == "/feed.xml", path


def test_every_internal_link_leads_to_a_built_file(real_site: Path) -> None:
    assert broken_links(real_site) == []


# The feed

def test_feed_parses_with_the_newest_posts(real_site: Path) -> None:
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    newest = PUBLISHED[: CONFIG["feed_length"]]
    assert len(feed.entries) == len(newest)
    base = CONFIG["base_url"].rstrip("/")
    for entry, post in zip(feed.entries, newest, strict=True):
        assert entry.title == typeset(post.title)  # as the post's h1
        assert entry.link == base + post.url
        assert entry.id == base + post.url
        assert calendar.timegm(entry.published_parsed) == post.date.timestamp()
        assert parsedate_to_datetime(entry.published) == post.date
        # The topic's title, then the tags (feedparser merges a tag spelled like the topic).
        topic = CONFIG["topics"][post.topic]["title"]
        assert [tag.term for tag in entry.tags] == list(dict.fromkeys([topic, *post.tags.values()]))


def test_feed_content_has_only_absolute_links(real_site: Path) -> None:
    feed = feedparser.parse((real_site / "feed.xml").read_bytes())
    for entry in feed.entries:
        html = entry.content[0].value
        for url in re.findall(r'\s(?:href|src)="([^"]*)"', html):
            assert url.startswith(("http://", "https://", "mailto:", "#")), (entry.link, url)
