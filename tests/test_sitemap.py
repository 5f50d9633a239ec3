"""The sitemap and robots.txt: every public page once, absolute, with the date of its last change."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support import (AMENDE, CYBERATTAQUES, DMP, DRAFT, FUTURE, PUBLISHED, build, file_for, html_files)

BASE = "https://example.org"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
REAL_BASE = "https://buzz-medecin.netlify.app"


def sitemap(output: Path) -> dict[str, str | None]:
    """Give each URL path the sitemap lists, with its lastmod; fail on a URL listed twice."""
    root = ET.parse(output / "sitemap.xml").getroot()
    assert root.tag == f"{NS}urlset"
    entries = {}
    for entry in root.findall(f"{NS}url"):
        loc = entry.findtext(f"{NS}loc")
        assert loc not in entries, f"{loc} is listed twice"
        entries[loc] = entry.findtext(f"{NS}lastmod")
    return entries


def built_pages(output: Path) -> set[str]:
    """Give the URL of every HTML page of a build but the 404 page."""
    urls = set()
    for path in html_files(output):
        relative = path.relative_to(output).as_posix()
        if relative != "404.html":
            urls.add("/" + relative.removesuffix("index.html"))
    return urls


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_sitemap_lists_every_built_page_but_404_once_with_absolute_urls(built: Path, real_site: Path, which: str) -> None:
    output, base = (built, BASE) if which == "fixture" else (real_site, REAL_BASE)
    entries = sitemap(output)
    paths = set()
    for loc in entries:
        parts = urlsplit(loc)
        assert f"{parts.scheme}://{parts.netloc}" == base, loc
        assert file_for(output, parts.path).is_file(), f"{loc} is no built page"
        paths.add(parts.path)
    assert paths == built_pages(output)
    assert "/404.html" not in paths


def test_lastmod_is_a_date_with_its_offset(built: Path) -> None:
    for loc, lastmod in sitemap(built).items():
        assert lastmod is not None, loc
        assert datetime.fromisoformat(lastmod).tzinfo is not None, (loc, lastmod)


@pytest.mark.parametrize(("url", "iso"), [
    (DMP, "2021-01-05T09:00:00+01:00"),  # updated after it was published
    (AMENDE, "2020-12-18T09:00:00+01:00"),
    ("/", "2021-02-28T23:30:00+00:00"),  # its newest post
    ("/page/3/", "2021-02-28T23:30:00+00:00"),  # a new post on top shifts every page of the listing
    ("/tags/rgpd/", "2021-01-05T09:00:00+01:00"),  # the update of a post it shows
    ("/tags/rgpd/page/2/", "2020-12-18T09:00:00+01:00"),  # its listing's newest post, not page 1's update
    ("/tags/", "2021-02-28T23:30:00+00:00"),  # pages summing up every post: the site's last change
])
def test_lastmod_is_the_last_change_of_the_posts_the_page_shows(built: Path, url: str, iso: str) -> None:
    assert datetime.fromisoformat(sitemap(built)[BASE + url]) == datetime.fromisoformat(iso)


def test_drafts_and_future_posts_are_not_in_the_sitemap(built: Path) -> None:
    locs = set(sitemap(built))
    assert {BASE + url for url in PUBLISHED} <= locs
    assert BASE + DRAFT not in locs and BASE + FUTURE not in locs
    assert BASE + "/tags/brouillon/" not in locs and BASE + "/tags/avenir/" not in locs


def test_drafts_are_in_the_sitemap_only_when_the_build_publishes_them(site: Path, tmp_path: Path) -> None:
    assert build(site, tmp_path / "out", "--drafts").code == 0
    assert BASE + DRAFT in sitemap(tmp_path / "out")


def test_robots_txt_welcomes_crawlers_and_names_the_sitemap(built: Path) -> None:
    lines = (built / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines
    assert not [line for line in lines if line.startswith("Disallow:") and line != "Disallow:"]
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_sitemap_does_not_change_with_the_moment_of_the_build(built: Path, site: Path, tmp_path: Path) -> None:
    assert build(site, tmp_path / "later", "--now", "2026-12-31T23:00:00+01:00").code == 0
    assert (tmp_path / "later" / "sitemap.xml").read_bytes() == (built / "sitemap.xml").read_bytes()


def test_newest_post_is_the_sitemaps_first_page(built: Path) -> None:
    assert next(iter(sitemap(built))) == BASE + CYBERATTAQUES
