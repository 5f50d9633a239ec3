"""Drafts and posts dated after the build's moment stay out of every page and the feed,
unless `--drafts` or `--future` asks for them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import feedparser
import pytest

from support import (BALISES, CODE, CYBERATTAQUES, DRAFT, FUTURE, PUBLISHED, blog, build, file_for,
                     html_files, listed_posts, read_page, text_of)

HIDDEN = {
    DRAFT: ("Un brouillon inachevé", "/tags/brouillon/", "/2021/01/"),
    FUTURE: ("Un article du futur", "/tags/avenir/", "/2027/"),
}


def everything_shown(output: Path) -> tuple[set[str], str]:
    """Give every href of every page and the feed's links, and all the text readers see."""
    hrefs, texts = set(), []
    for path in html_files(output):
        page = read_page(output, "/" + path.relative_to(output).as_posix())
        hrefs |= {tag["href"] for tag in page.find_all(href=True)}
        texts.append(text_of(page))
    feed = feedparser.parse((output / "feed.xml").read_bytes())
    hrefs |= {entry.link.removeprefix("https://example.org") for entry in feed.entries}
    texts += [entry.title for entry in feed.entries]
    return hrefs, "\n".join(texts)


@pytest.mark.parametrize("url", [DRAFT, FUTURE], ids=["draft", "future"])
def test_hidden_post_is_absent_from_every_page_and_the_feed(built: Path, url: str) -> None:
    title, tag_page, archive_page = HIDDEN[url]
    hrefs, text = everything_shown(built)
    assert not file_for(built, url).exists()
    assert url not in hrefs
    assert title not in text
    assert not file_for(built, tag_page).exists()  # a tag only this post has
    assert tag_page not in hrefs
    assert not file_for(built, archive_page).exists()


def test_draft_is_not_a_neighbour_of_the_posts_around_it(built: Path) -> None:
    # The draft is dated between AMENDE and BALISES: BALISES's older post skips it.
    assert read_page(built, BALISES).main.find("a", rel="prev")["href"] != DRAFT


def test_drafts_flag_publishes_drafts(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert build(site, output, "--drafts").code == 0
    assert read_page(output, DRAFT).h1.string == "Un brouillon inachevé"
    assert DRAFT in listed_posts(output, "/")
    assert listed_posts(output, "/tags/brouillon/") == [DRAFT]
    assert read_page(output, BALISES).main.find("a", rel="prev")["href"] == DRAFT
    assert not file_for(output, FUTURE).exists()


def test_future_flag_publishes_future_posts_in_the_feed_too(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert build(site, output, "--future").code == 0
    assert read_page(output, FUTURE).h1.string == "Un article du futur"
    assert listed_posts(output, "/")[0] == FUTURE
    links = [entry.link for entry in feedparser.parse((output / "feed.xml").read_bytes()).entries]
    assert links[0] == "https://example.org" + FUTURE
    assert not file_for(output, DRAFT).exists()


def test_now_decides_which_posts_are_in_the_future(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    run = blog("build", "--source", site, "--output", output, "--now", "2021-02-20T12:00:00+01:00")
    assert run.code == 0
    assert listed_posts(output, "/") == PUBLISHED[2:]
    assert not file_for(output, CODE).exists()


def test_now_without_offset_is_read_in_the_site_timezone(site: Path, tmp_path: Path) -> None:
    # CYBERATTAQUES is dated 2021-03-01T00:30 in Paris (23:30 UTC): at 00:15 Paris time it is not out yet.
    output = tmp_path / "out"
    assert blog("build", "--source", site, "--output", output, "--now", "2021-03-01T00:15:00").code == 0
    assert not file_for(output, CYBERATTAQUES).exists()
    assert file_for(output, CODE).is_file()


def test_source_date_epoch_sets_now_when_there_is_no_now_flag(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    epoch = int(datetime.fromisoformat("2021-02-20T12:00:00+01:00").timestamp())
    run = blog("build", "--source", site, "--output", output, env={"SOURCE_DATE_EPOCH": str(epoch)})
    assert run.code == 0
    assert listed_posts(output, "/") == PUBLISHED[2:]


@pytest.mark.parametrize("flags, said", [
    ((), "; left out: 1 draft, 1 future post (the next due at 2027-01-15T09:00:00+01:00)"),
    (("--drafts",), "; left out: 1 future post (the next due at 2027-01-15T09:00:00+01:00)"),
    (("--future",), "; left out: 1 draft"),
    (("--drafts", "--future"), ""),
], ids=["plain", "drafts", "future", "both"])
def test_a_build_says_how_many_drafts_and_future_posts_it_left_out(site: Path, tmp_path: Path,
                                                                  flags: tuple[str, ...], said: str) -> None:
    run = build(site, tmp_path / "public", *flags)
    assert run.code == 0, run.stderr
    summary = run.stdout.splitlines()[0]
    assert summary.startswith(f"Built {6 + len(flags)} posts into ")
    assert summary.endswith(f" deleted{said}"), summary


def test_a_quick_build_says_what_the_whole_build_left_out(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0  # with the cache, as a build is by default
    code = site / "content" / "posts" / "un-peu-de-code.md"
    code.write_text(code.read_text("utf-8").replace("Un court article", "Un article court"), "utf-8")
    run = build(site, output, "--explain")
    assert "the whole way" not in run.stdout, run.stdout  # the quick way, from the last build's record
    assert run.stdout.splitlines()[0].endswith("; left out: 1 draft, 1 future post "
                                               "(the next due at 2027-01-15T09:00:00+01:00)"), run.stdout


def test_a_build_of_one_post_says_post(site: Path, tmp_path: Path) -> None:
    for path in (site / "content" / "posts").glob("*.md"):
        if path.name != "premier-article.md":
            path.unlink()
    run = build(site, tmp_path / "public")
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("Built 1 post into "), run.stdout
