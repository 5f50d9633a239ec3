"""Slugs: lowercase ASCII with accents folded and apostrophes between words, for posts,
tags and topics alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.core.urls import slugify
from support import AMENDE, CYBERATTAQUES, build, file_for, listed_posts


@pytest.mark.parametrize("text, slug", [
    ("Cyberattaques en série dans les hôpitaux", "cyberattaques-en-serie-dans-les-hopitaux"),
    ("l’amende", "l-amende"),
    ("l'amende", "l-amende"),
    ("Deux médecins mis à l’amende par la CNIL", "deux-medecins-mis-a-l-amende-par-la-cnil"),
    ("Équipement du cabinet", "equipement-du-cabinet"),
    ("Fin 2021, tous les lecteurs santé seront en PC/SC", "fin-2021-tous-les-lecteurs-sante-seront-en-pc-sc"),
    ("Covid-19", "covid-19"),
    ("  MSSanté  ", "mssante"),
])
def test_slug_is_lowercase_ascii_with_accents_folded(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_post_without_slug_gets_one_from_its_title(built: Path) -> None:
    assert file_for(built, CYBERATTAQUES).is_file()  # "Cyberattaques en série dans les hôpitaux"
    assert file_for(built, AMENDE).is_file()  # "Deux médecins mis à l’amende par la CNIL"


def test_tag_urls_fold_accents(built: Path) -> None:
    assert listed_posts(built, "/tags/securite-informatique/")[0] == CYBERATTAQUES
    assert listed_posts(built, "/tags/hopital/") == [CYBERATTAQUES]
    assert listed_posts(built, "/tags/rancongiciel/") == [CYBERATTAQUES]


def test_tag_with_an_apostrophe_separates_words(site: Path, tmp_path: Path) -> None:
    post = site / "content" / "posts" / "premier-article.md"
    post.write_text(post.read_text("utf-8").replace("tags: [CNIL, RGPD]", "tags: [CNIL, RGPD, l’amende]"), "utf-8")
    assert build(site, tmp_path / "out").code == 0
    assert listed_posts(tmp_path / "out", "/tags/l-amende/") == ["/2020/11/premier-article/"]


def test_topic_given_by_its_accented_title_maps_to_its_key(site: Path, tmp_path: Path) -> None:
    post = site / "content" / "posts" / "premier-article.md"
    post.write_text(post.read_text("utf-8").replace("topic: sante-numerique", "topic: Sécurité"), "utf-8")
    assert build(site, tmp_path / "out").code == 0
    assert "/2020/11/premier-article/" in listed_posts(tmp_path / "out", "/topics/securite/")
