"""Share links on posts: plain, encoded links to e-mail and each network's share page, with French
labels, and no third-party script or tracking anywhere on the site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from support import BALISES, PUBLISHED, html_files, read_page, text_of

BASE = "https://example.org"
TITLES = {BALISES: "Balises <script> & liens"}


def share_links(output: Path, url: str) -> dict[str, str]:
    """Give the share links of a post's page by their visible label."""
    aside = read_page(output, url).find("aside", class_="share")
    assert aside is not None, url
    return {text_of(a): a["href"] for a in aside.find_all("a")}


def query(href: str) -> dict[str, str]:
    """Give the query of a link as single values, decoded."""
    values = parse_qs(urlsplit(href).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(value) == 1 for value in values.values()), values
    return {key: value[0] for key, value in values.items()}


@pytest.mark.parametrize("url", PUBLISHED)
def test_each_post_offers_email_x_and_linkedin_in_french(built: Path, url: str) -> None:
    assert list(share_links(built, url)) == ["Envoyer par e-mail", "Partager sur X (Twitter)", "Partager sur LinkedIn"]


@pytest.mark.parametrize("url", PUBLISHED)
def test_share_links_carry_the_permalink_and_title_encoded(built: Path, url: str) -> None:
    page = read_page(built, url)
    title = text_of(page.h1)
    links = share_links(built, url)
    mail = links["Envoyer par e-mail"]
    assert mail.startswith("mailto:?")
    assert query(mail)["subject"] == title
    assert query(mail)["body"].endswith("\r\n\r\n" + BASE + url)
    tweet = links["Partager sur X (Twitter)"]
    assert tweet.startswith("https://twitter.com/intent/tweet?")
    assert query(tweet) == {"url": BASE + url, "text": title}
    linkedin = links["Partager sur LinkedIn"]
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query(linkedin) == {"url": BASE + url}


def test_markup_and_ampersands_in_a_title_are_encoded_not_split(built: Path) -> None:
    links = share_links(built, BALISES)
    raw = urlsplit(links["Partager sur X (Twitter)"]).query
    assert " " not in raw and "<" not in raw and "+" not in raw  # %20, not +: mail programs show + as is
    assert query(links["Partager sur X (Twitter)"])["text"] == TITLES[BALISES]
    assert query(links["Envoyer par e-mail"])["subject"] == TITLES[BALISES]


def test_share_links_have_an_accessible_region_and_send_no_referrer(built: Path) -> None:
    page = read_page(built, PUBLISHED[0])
    aside = page.find("aside", class_="share")
    heading = page.find(id=aside["aria-labelledby"])
    assert text_of(heading) == "Partager cet article"
    for a in aside.find_all("a"):
        assert "noreferrer" in a["rel"]
        assert not a.has_attr("target")  # a reader decides where a link opens
        assert "utm_" not in a["href"]


def test_no_page_loads_a_script_or_stylesheet_from_another_site(built: Path) -> None:
    for path in html_files(built):
        page = read_page(built, "/" + path.relative_to(built).as_posix())
        for script in page.find_all("script", src=True):
            assert script["src"].startswith("/") and not script["src"].startswith("//"), (path, script)
        for link in page.find_all("link", rel="stylesheet"):
            assert link["href"].startswith("/") and not link["href"].startswith("//"), (path, link)
        for frame in page.find_all(["iframe", "img"], src=True):
            assert not urlsplit(frame["src"]).netloc, (path, frame)


def test_only_post_pages_offer_sharing(built: Path) -> None:
    for url in ("/", "/tags/", "/topics/securite/", "/archives/", "/recherche/", "/404.html"):
        assert read_page(built, url).find("aside", class_="share") is None, url
