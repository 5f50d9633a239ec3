"""The pages of the fixture site: what each one shows, where, and in which order."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from support import (AMENDE, BALISES, CODE, CYBERATTAQUES, DMP, PREMIER, PUBLISHED, REPO, broken_links, build,
                     file_for, html_files, listed_posts, listing_pages, post_links, read_page, text_of)

READING_TIME = re.compile(r"\b(\d+) min de lecture\b")
COUNT = re.compile(r"\((\d+) articles?\)")


def card(page, url: str):
    """Give the listing entry (an <article>) whose title links to `url`."""
    for article in page.main.find_all("article"):
        heading = article.find(["h2", "h3"])
        if heading and heading.a and heading.a["href"] == url:
            return article
    raise AssertionError(f"no entry for {url}")


def count_next_to(page, href: str) -> int:
    """Give the "(N articles)" count written beside the link to `href`."""
    link = page.main.find("a", href=href)
    assert link is not None, f"no link to {href}"
    match = COUNT.search(text_of(link.parent))
    assert match, f"no count beside {href}: {text_of(link.parent)!r}"
    return int(match[1])


# Home and pagination

def test_home_lists_posts_newest_first_two_per_page(built: Path) -> None:
    pages = listing_pages(built, "/")
    assert [post_links(page) for page in pages] == [PUBLISHED[0:2], PUBLISHED[2:4], PUBLISHED[4:6]]
    assert file_for(built, "/page/2/").is_file()
    assert not file_for(built, "/page/4/").exists()


def test_home_pages_link_to_each_other_with_rel_prev_and_next(built: Path) -> None:
    first, second, third = listing_pages(built, "/")
    assert first.main.find("a", rel="prev") is None
    assert first.main.find("a", rel="next")["href"] == "/page/2/"
    assert second.main.find("a", rel="prev")["href"] == "/"
    assert second.main.find("a", rel="next")["href"] == "/page/3/"
    assert third.main.find("a", rel="prev")["href"] == "/page/2/"
    assert third.main.find("a", rel="next") is None


def test_home_entry_shows_title_date_topic_tags_summary_and_reading_time(built: Path) -> None:
    entry = card(read_page(built, "/"), CYBERATTAQUES)
    assert text_of(entry.find(["h2", "h3"])) == "Cyberattaques en série dans les hôpitaux"
    time = entry.find("time")
    assert datetime.fromisoformat(time["datetime"]) == datetime.fromisoformat("2021-02-28T23:30:00+00:00")
    assert text_of(time) == "1er mars 2021"
    assert [(a["href"], text_of(a)) for a in entry.find_all("a", href=re.compile("^/topics/"))] == [
        ("/topics/securite/", "Sécurité")]
    assert [(a["href"], text_of(a)) for a in entry.find_all("a", href=re.compile("^/tags/"))] == [
        ("/tags/hopital/", "hôpital"),
        ("/tags/securite-informatique/", "sécurité informatique"),
        ("/tags/rancongiciel/", "rançongiciel"),
    ]
    assert "Plusieurs hôpitaux paralysés par des rançongiciels." in text_of(entry)
    assert READING_TIME.search(text_of(entry))[1] == "1"


def test_summary_defaults_to_the_first_paragraph(built: Path) -> None:
    entry = card(listing_pages(built, "/")[2], PREMIER)
    text = text_of(entry)
    assert "Ce premier article n’a pas de résumé : la liste montre donc ses premiers mots." in text
    assert "second paragraphe" not in text


def test_reading_time_counts_200_words_a_minute(built: Path) -> None:
    entry = card(listing_pages(built, "/")[2], DMP)  # its body has 400 words
    assert READING_TIME.search(text_of(entry))[1] == "2"


# Post pages

def test_every_published_post_has_its_own_page(built: Path) -> None:
    for url in PUBLISHED:
        assert file_for(built, url).is_file(), url


def test_post_page_shows_title_date_topic_tags_reading_time_and_body(built: Path) -> None:
    page = read_page(built, CODE)
    assert [text_of(h1) for h1 in page.find_all("h1")] == ["Un peu de code"]
    header = page.main.article
    time = header.find("time")
    assert time["datetime"] == "2021-02-28T18:30:00+01:00"
    assert text_of(time) == "28 février 2021"
    assert header.find("a", href="/topics/logiciels/") is not None
    assert [a["href"] for a in header.find_all("a", rel="tag")] == ["/tags/python/", "/tags/html/"]
    assert READING_TIME.search(text_of(header))[1] == "1"
    assert "Un court article avec du code, un tableau et une note" in text_of(header)


@pytest.mark.parametrize("url, iso, french", [
    (CYBERATTAQUES, "2021-03-01T00:30:00+01:00", "1er mars 2021"),  # written 2021-02-28T23:30:00Z
    (PREMIER, "2020-11-15T10:00:00+01:00", "15 novembre 2020"),  # written without offset: site's timezone
    (DMP, "2020-12-01T09:00:00+01:00", "1er décembre 2020"),
    (CODE, "2021-02-28T18:30:00+01:00", "28 février 2021"),
])
def test_post_date_is_shown_in_french_in_the_site_timezone(built: Path, url: str, iso: str, french: str) -> None:
    time = read_page(built, url).main.find("time")
    assert datetime.fromisoformat(time["datetime"]) == datetime.fromisoformat(iso)
    assert text_of(time) == french


def test_post_links_to_older_post_with_rel_prev_and_newer_with_rel_next(built: Path) -> None:
    for index, url in enumerate(PUBLISHED):
        page = read_page(built, url)
        older = page.main.find("a", rel="prev")
        newer = page.main.find("a", rel="next")
        assert (older and older["href"]) == (PUBLISHED[index + 1] if index + 1 < len(PUBLISHED) else None), url
        assert (newer and newer["href"]) == (PUBLISHED[index - 1] if index > 0 else None), url


def related_links(page) -> list[str]:
    """Give the post links of the "À lire aussi" section, or [] when there is none."""
    heading = page.main.find(lambda tag: tag.name in ("h2", "h3") and text_of(tag) == "À lire aussi"
                             and tag.parent.name == "section")
    return post_links(heading.parent) if heading else []


def test_related_posts_share_tags_most_shared_first(built: Path) -> None:
    # AMENDE has CNIL, RGPD and sécurité informatique; PREMIER shares two of them, the others one.
    related = related_links(read_page(built, AMENDE))
    assert related[0] == PREMIER
    assert set(related) <= {PREMIER, DMP, BALISES, CYBERATTAQUES}
    assert AMENDE not in related
    # CODE (Python, HTML) shares a tag with BALISES only.
    assert related_links(read_page(built, CODE)) == [BALISES]


def test_post_shows_its_author_default_or_own(built: Path) -> None:
    assert "Par Dr Martin" in text_of(read_page(built, DMP).main.article.header)
    assert "Par La rédaction" in text_of(read_page(built, CODE).main.article.header)


# Tags, topics, archives

EXPECTED_TAGS = {
    "cnil": [AMENDE, PREMIER],
    "dmp": [DMP],
    "hopital": [CYBERATTAQUES],
    "html": [CODE, BALISES],
    "python": [CODE],
    "rancongiciel": [CYBERATTAQUES],
    "rgpd": [AMENDE, DMP, PREMIER],
    "securite-informatique": [CYBERATTAQUES, BALISES, AMENDE],
}


def test_tags_page_lists_every_tag_with_its_count(built: Path) -> None:
    page = read_page(built, "/tags/")
    shown = {a["href"] for a in page.main.find_all("a", href=re.compile(r"^/tags/[^/]+/$"))}
    assert shown == {f"/tags/{slug}/" for slug in EXPECTED_TAGS}
    for slug, posts in EXPECTED_TAGS.items():
        assert count_next_to(page, f"/tags/{slug}/") == len(posts), slug


@pytest.mark.parametrize("slug", sorted(EXPECTED_TAGS))
def test_tag_page_lists_its_posts_newest_first(built: Path, slug: str) -> None:
    assert listed_posts(built, f"/tags/{slug}/") == EXPECTED_TAGS[slug]


def test_tag_page_is_paginated(built: Path) -> None:
    pages = listing_pages(built, "/tags/rgpd/")
    assert [post_links(page) for page in pages] == [[AMENDE, DMP], [PREMIER]]


EXPECTED_TOPICS = {
    "sante-numerique": ("Santé numérique", "Dossiers, messageries et services en ligne.", [DMP, PREMIER]),
    "securite": ("Sécurité", "Attaques, failles et bonnes pratiques.", [CYBERATTAQUES, BALISES, AMENDE]),
    "logiciels": ("Logiciels", "Les outils du cabinet médical.", [CODE]),
}


def test_topics_page_lists_every_topic_with_description_and_count(built: Path) -> None:
    page = read_page(built, "/topics/")
    text = text_of(page.main)
    for slug, (title, description, posts) in EXPECTED_TOPICS.items():
        assert text_of(page.main.find("a", href=f"/topics/{slug}/")) == title
        assert description in text
        assert count_next_to(page, f"/topics/{slug}/") == len(posts), slug


@pytest.mark.parametrize("slug", sorted(EXPECTED_TOPICS))
def test_topic_page_lists_its_posts_newest_first_paginated(built: Path, slug: str) -> None:
    pages = listing_pages(built, f"/topics/{slug}/")
    posts = EXPECTED_TOPICS[slug][2]
    assert [post_links(page) for page in pages] == [posts[i:i + 2] for i in range(0, len(posts), 2)]


def test_topic_named_by_its_title_in_front_matter_is_the_declared_topic(built: Path) -> None:
    # dossier-medical-partage.md says `topic: Santé numérique`, the title of `sante-numerique`.
    assert read_page(built, DMP).main.article.find("a", href="/topics/sante-numerique/") is not None


EXPECTED_MONTHS = {
    "/2021/03/": [CYBERATTAQUES],
    "/2021/02/": [CODE, BALISES],
    "/2020/12/": [AMENDE, DMP],
    "/2020/11/": [PREMIER],
}


def test_archives_page_lists_years_and_months_with_counts(built: Path) -> None:
    page = read_page(built, "/archives/")
    assert count_next_to(page, "/2021/") == 3
    assert count_next_to(page, "/2020/") == 3
    for url, posts in EXPECTED_MONTHS.items():
        assert count_next_to(page, url) == len(posts), url
    months = [a["href"] for a in page.main.find_all("a", href=re.compile(r"^/\d{4}/\d{2}/$"))]
    assert months == list(EXPECTED_MONTHS)  # newest first
    assert text_of(page.main.find("a", href="/2021/02/")) == "février 2021"


@pytest.mark.parametrize("url", sorted(EXPECTED_MONTHS))
def test_month_page_lists_its_posts_newest_first(built: Path, url: str) -> None:
    assert listed_posts(built, url) == EXPECTED_MONTHS[url]


def test_year_page_lists_its_posts_newest_first_paginated(built: Path) -> None:
    assert [post_links(page) for page in listing_pages(built, "/2021/")] == [[CYBERATTAQUES, CODE], [BALISES]]
    assert listed_posts(built, "/2020/") == [AMENDE, DMP, PREMIER]


def test_no_archive_page_for_a_month_without_posts(built: Path) -> None:
    assert not file_for(built, "/2021/01/").exists()


# Every page

def test_every_page_is_french_and_advertises_the_feed(built: Path) -> None:
    for path in html_files(built):
        page = read_page(built, "/" + path.relative_to(built).as_posix())
        assert page.html["lang"] == "fr", path
        feeds = page.head.find_all("link", rel="alternate", type="application/rss+xml")
        # The whole site's first; a tag's or a topic's pages add their own (tests/test_feeds_all.py).
        assert [link["href"] for link in feeds][:1] == ["/feed.xml"], path


def test_every_page_uses_pretty_urls(built: Path) -> None:
    for path in html_files(built):
        assert path.name == "index.html" or path.relative_to(built).as_posix() == "404.html", path


def test_every_internal_link_leads_to_a_built_file(built: Path) -> None:
    assert broken_links(built) == []


def duplicate_ids(page) -> list[str]:
    """Give the ids used more than once in a page."""
    ids = [tag["id"] for tag in page.find_all(id=True)]
    return sorted({id_ for id_ in ids if ids.count(id_) > 1})


def test_ids_are_unique_in_every_page(built: Path) -> None:
    for path in html_files(built):
        assert duplicate_ids(read_page(built, "/" + path.relative_to(built).as_posix())) == [], path


def test_ids_stay_unique_when_a_body_heading_is_named_like_the_related_section(site: Path, tmp_path: Path) -> None:
    post = site / "content" / "posts" / "deux-medecins-a-l-amende.md"
    post.write_text(post.read_text("utf-8") + "\n## À lire aussi\n\nLe site de la CNIL.\n", "utf-8")
    assert build(site, tmp_path / "out").code == 0
    page = read_page(tmp_path / "out", AMENDE)
    assert related_links(page)  # the page does have its related-posts section
    assert duplicate_ids(page) == []


def test_not_found_page_is_built_at_the_root(built: Path) -> None:
    page = read_page(built, "/404.html")
    assert page.html["lang"] == "fr"
    assert text_of(page.find("h1")) == "Page introuvable"
    assert page.main.find("a", href="/") is not None


def stylesheet(output: Path, name: str) -> Path:
    """Give the one published stylesheet `name` (its file name carries a digest)."""
    found = list((output / "css").glob(f"{name}.*.css"))
    assert len(found) == 1, found
    return found[0]


def test_static_files_are_copied(built: Path) -> None:
    assert stylesheet(built, "style").read_bytes() == (REPO / "static" / "css" / "style.css").read_bytes()
    assert (built / "favicon.svg").read_bytes() == (REPO / "static" / "favicon.svg").read_bytes()


def test_site_static_file_overrides_the_default_theme(site: Path, tmp_path: Path) -> None:
    (site / "static" / "css").mkdir(parents=True)
    (site / "static" / "css" / "style.css").write_text("body { color: black; }\n")
    (site / "static" / "robots.txt").write_text("User-agent: *\n")
    assert build(site, tmp_path / "out").code == 0
    assert stylesheet(tmp_path / "out", "style").read_text() == "body { color: black; }\n"
    assert (tmp_path / "out" / "robots.txt").read_text() == "User-agent: *\n"


def test_code_stylesheet_is_generated_with_pygments_classes(built: Path) -> None:
    css = stylesheet(built, "code").read_text("utf-8")
    assert re.search(r"\.highlight \.k\s*\{", css), "no rule for Pygments keywords"
    assert re.search(r"\.highlight \.s2\s*\{", css), "no rule for Pygments strings"


def test_build_reports_what_it_built(site: Path, tmp_path: Path) -> None:
    run = build(site, tmp_path / "out")
    assert run.code == 0
    # Only the warnings about the fixture's raw HTML, shown as text.
    assert {problem.path.name for problem in run.problems()} == {"balises-et-liens.md"}
    assert len(run.problems()) == len(run.stderr.splitlines())
    assert run.stdout.startswith("Built 6 posts")
