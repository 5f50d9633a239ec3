"""`blog check` lists every problem of a site as `path:line:col: severity: message` lines,
writing nothing; links between posts' Markdown files become the posts' URLs in a build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest

from editor_support import (NOW, POSTS, PREMIER, SECOND, blog, copy_editor_site, file_for, parse_problems,
                            soup_of, tree_bytes, write_files)

# The front-matter of most cases: lines 2 to 5 of the file; the body starts on line 8.
FRONT = """\
title: Un cas
date: 2021-04-01T09:00:00+02:00
topic: securite
tags: [CNIL, RGPD]"""


def post(front: str = FRONT, body: str = "Le texte du cas.\n") -> str:
    """Give a post file: `---` on line 1, `front` from line 2, `---`, a blank line, then `body`."""
    return f"---\n{front}\n---\n\n{body}"


@dataclass(frozen=True)
class Case:
    """One problem `blog check` must report: the file that has it, and where and how."""

    id: str
    text: str
    severity: str
    line: int
    fragment: str
    code: int
    name: str = "cas.md"  # the file, in content/posts/
    col: int | None = None  # checked where it is the place of a link's or image's target


CASES = [
    # Front-matter schema and types.
    Case("unknown-key", post(FRONT + "\nauteur: Dr Martin"), "error", 6, "unknown front-matter key `auteur`", 1),
    Case("missing-title", post(FRONT.replace("title: Un cas\n", "")), "error", 2, "missing required field `title`", 1),
    Case("title-not-text", post(FRONT.replace("title: Un cas", "title: 2021")), "error", 2, "`title` must be a text", 1),
    Case("impossible-date", post(FRONT.replace("2021-04-01", "2021-02-30")), "error", 3,
         "`date` '2021-02-30T09:00:00+02:00' is not a valid date", 1),
    Case("tags-not-a-list", post(FRONT.replace("tags: [CNIL, RGPD]", "tags: CNIL")), "error", 5,
         "`tags` must be a list", 1),
    Case("draft-not-a-boolean", post(FRONT + "\ndraft: oui"), "error", 6, "`draft` must be true or false", 1),
    Case("invalid-yaml", post(FRONT.replace("tags: [CNIL, RGPD]", "tags: [CNIL, RGPD")), "error", 5,
         "invalid YAML", 1),
    Case("no-front-matter", "title: Un cas\n\nLe texte.\n", "error", 1, "must start with `---`", 1),
    Case("unknown-topic", post(FRONT.replace("topic: securite", "topic: astronomie")), "error", 4,
         "unknown topic 'astronomie'", 1),
    Case("tag-spelled-differently", post(FRONT.replace("[CNIL, RGPD]", "[cnil, RGPD]")), "error", 5,
         "tag 'cnil' is spelled 'CNIL'", 1, col=8),
    Case("tag-spelled-differently-in-a-block-list", post(FRONT.replace("[CNIL, RGPD]", "\n  - RGPD\n  - cnil")),
         "error", 7, "tag 'cnil' is spelled 'CNIL'", 1, col=5),
    # Slugs: from the title, or set by another post's `slug:` (second-article.md sets one).
    Case("duplicate-slug-from-title", post(FRONT.replace("Un cas", "Premier article").replace("2021-04-01", "2021-02-20")),
         "error", 2,
         "duplicate slug 'premier-article'", 1, name="zz-doublon.md"),
    Case("duplicate-slug-field", post(FRONT.replace("2021-04-01", "2021-03-20") + "\nslug: second-article"), "error", 6,
         "duplicate slug 'second-article'", 1, name="zz-doublon.md"),
    # The body.
    Case("empty-body", post(body="\n   \n"), "error", 7, "the post has no body", 1),
    Case("link-to-no-post", post(body="Voir [texte](autre-article.md).\n"), "error", 8,
         "link to 'autre-article.md': no such post", 1, col=14),
    Case("link-to-no-post-on-a-paragraph-second-line", post(body="Un paragraphe\nqui cite [texte](autre-article.md).\n"),
         "error", 9, "link to 'autre-article.md': no such post", 1, col=18),
    Case("link-to-no-post-with-an-anchor", post(body="Voir [texte](autre-article.md#section).\n"), "error", 8,
         "link to 'autre-article.md': no such post", 1, col=14),
    Case("link-whose-text-is-its-target", post(body="Voir [autre-article.md](autre-article.md).\n"), "error", 8,
         "link to 'autre-article.md': no such post", 1, col=25),
    Case("second-link-of-a-line", post(body="Voir [a](premier-article.md) et [b](autre-article.md).\n"), "error", 8,
         "link to 'autre-article.md': no such post", 1, col=37),
    Case("reference-link-at-its-definition", post(body="Voir [texte][ref].\n\n[ref]: autre-article.md\n"),
         "error", 10, "link to 'autre-article.md': no such post", 1, col=8),
    Case("link-in-a-list-item", post(body="- un point ;\n  - voir [t](autre-article.md)\n"), "error", 9,
         "link to 'autre-article.md': no such post", 1, col=14),
    Case("link-to-a-missing-anchor", post(body="Voir [t](premier-article.md#nope).\n"), "error", 8,
         "link to 'premier-article.md': no heading #nope there", 1, col=10),
    Case("missing-anchor-on-a-later-line-than-a-good-link",
         post(body="Voir [a](premier-article.md) et\n[b](premier-article.md#nope).\n"),
         "error", 9, "no heading #nope there", 1, col=5),
    # Links that name a page of the site by its address, or an anchor of the post's own page.
    Case("link-to-a-post-file-without-md", post(body="Voir [t](premier-article).\n"), "error", 8,
         "link to 'premier-article': no such page (did you mean `premier-article.md`?)", 1, col=10),
    Case("link-to-no-page-of-the-site", post(body="Voir [t](/2026/12/nexiste-pas/).\n"), "error", 8,
         "link to '/2026/12/nexiste-pas/': no such page", 1, col=10),
    Case("link-to-a-draft-by-its-address", post(body="Voir [t](/2021/03/un-brouillon-en-cours/).\n"), "error", 8,
         "link to '/2021/03/un-brouillon-en-cours/': that post is not published (draft or future)", 1, col=10),
    Case("link-to-no-tag-page", post(body="Voir [t](/tags/nulle-part/).\n"), "error", 8,
         "link to '/tags/nulle-part/': no such page", 1, col=10),
    Case("link-to-no-page-by-the-site-address", post(body="Voir [t](https://example.org/nulle-part/).\n"), "error", 8,
         "link to 'https://example.org/nulle-part/': no such page", 1, col=10),
    Case("relative-link-to-no-page", post(body="Voir [t](../../03/ailleurs/).\n"), "error", 8,
         "link to '../../03/ailleurs/': no such page", 1, col=10),
    Case("link-to-a-page-anchor-it-lacks", post(body="Voir [t](/2021/02/premier-article/#nope).\n"), "error", 8,
         "link to '/2021/02/premier-article/': no heading #nope there", 1, col=10),
    Case("link-to-an-anchor-the-post-lacks", post(body="## Partie\n\nVoir [t](#partie-deux).\n"), "error", 10,
         "link to '#partie-deux': no heading #partie-deux in this post", 1, col=10),
    Case("image-missing-beside-the-post", post(body="![x](missing.png)\n"), "error", 8, "image 'missing.png' not found", 1,
         col=6),
    Case("image-missing-from-static", post(body="Du texte.\n\n![x](/images/missing.png)\n"), "error", 10,
         "image '/images/missing.png' not found in static/", 1, col=6),
    # Warnings: exit code 0.
    Case("title-over-70-characters", post(FRONT.replace("Un cas", "T" * 71)), "warning", 2,
         "title is 71 characters long", 0),
    Case("summary-over-160-characters", post(FRONT + "\nsummary: " + "s" * 161), "warning", 6,
         "summary is 161 characters long", 0),
    Case("heading-skips-a-level", post(body="Texte.\n\n## Partie\n\nTexte.\n\n#### Détail\n\nFin.\n"), "warning", 14,
         "heading level skips from h2 to h4", 0),
    Case("first-heading-skips-a-level", post(body="Texte.\n\n### Partie\n\nFin.\n"), "warning", 10,
         "heading level skips from h1 to h3", 0),
    Case("h1-in-the-body", post(body="Texte.\n\n# Grand titre\n\nFin.\n"), "warning", 10, "a `#` heading in the body", 0),
    Case("image-without-a-description", post(body="Texte.\n\n![](/images/logo.svg)\n"), "warning", 10,
         "image '/images/logo.svg' has no description", 0, col=5),
]


def case_id(case: Case) -> str:
    """Name a parametrised case by its id."""
    return case.id


def check(site: Path):
    """Run `blog check` on `site` and prove it wrote nothing: no output folder, sources
    byte-identical; give the run."""
    before = tree_bytes(site)
    run = blog("check", "--source", site)
    assert tree_bytes(site) == before
    assert not (site / "public").exists()
    return run


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_check_reports_the_problem_with_its_line_and_exit_code(tmp_path: Path, case: Case) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {str(POSTS / case.name): case.text})
    run = check(site)
    reported = parse_problems(run.stdout)
    assert [(p.path, p.severity, p.line) for p in reported] == [(site / POSTS / case.name, case.severity, case.line)], \
        run.stdout
    assert case.fragment in reported[0].message
    assert case.col is None or reported[0].col == case.col, run.stdout
    assert run.code == case.code


# Writing that must not be reported: the limits themselves, and what exists.
ACCEPTED = {
    "title-of-70-characters": post(FRONT.replace("Un cas", "T" * 70)),
    "title-of-a-post-of-another-month": post(FRONT.replace("Un cas", "Premier article")),
    "summary-of-160-characters": post(FRONT + "\nsummary: " + "s" * 160),
    "links-to-a-post-and-its-heading": post(body="[a](premier-article.md), [b](premier-article.md#premiere-section).\n"),
    "image-from-static": post(body="![logo](/images/logo.svg)\n"),
    "link-through-the-posts-folder": post(body="[a](../posts/premier-article.md), [b](./premier-article.md).\n"),
    "links-to-pages-of-the-site": post(body="[a](/2021/02/premier-article/#premiere-section), [b](/tags/cnil/), "
                                            "[c](/feed.xml), [d](/images/logo.svg), [e](/2021/02/premier-article), "
                                            "[f](https://example.org/recherche/), [g](/), [h](/2021/03/second-article/"
                                            "index.html), [i](../../02/premier-article/).\n"),
    "links-to-anchors-of-the-post": post(body="## Partie\n\n[a](#partie), [b](#fn1).[^1]\n\n[^1]: Une note.\n"),
    "link-inside-a-code-block": post(body="```\n[x](nulle-part.md)\n```\n\nTexte.\n"),
    "headings-in-order": post(body="Texte.\n\n## Partie\n\n### Détail\n\n## Autre partie\n\nFin.\n"),
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_check_accepts_what_is_right(tmp_path: Path, text: str) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {str(POSTS / "cas.md"): text})
    run = check(site)
    assert (run.code, parse_problems(run.stdout)) == (0, []), run.stdout


def test_check_passes_the_fixture_site_drafts_and_future_posts_included(tmp_path: Path) -> None:
    run = check(copy_editor_site(tmp_path / "site"))
    assert (run.code, run.stdout) == (0, "")


def test_check_lists_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {
        "content/posts/a.md": post(f"{FRONT.replace('securite', 'astronomie').replace('Un cas', 'Cas A')}\nauteur: X"),
        "content/posts/b.md": post(FRONT.replace("Un cas", "Cas B"), "Voir [texte](autre-article.md).\n"),
        "content/posts/c.md": post(FRONT.replace("Un cas", "C" * 71), "Texte.\n\n## A\n\n#### B\n"),
    })
    run = check(site)
    found = [(p.path.name, p.line, p.severity, p.message.split(" (")[0]) for p in parse_problems(run.stdout)]
    assert found == [
        ("a.md", 4, "error", "unknown topic 'astronomie'"),
        ("a.md", 6, "error", "unknown front-matter key `auteur`"),
        ("b.md", 8, "error", "link to 'autre-article.md': no such post"),
        ("c.md", 2, "warning", "title is 71 characters long; search results show about 70"),
        ("c.md", 12, "warning", "heading level skips from h2 to h4; use ###"),
    ]
    assert run.code == 1


def test_check_lists_the_other_problems_of_a_post_with_a_missing_image(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {"content/posts/cas.md": post(body="![x](missing.png)\n\nVoir [t](nulle-part.md).\n\n## A\n\n#### B\n")})
    run = check(site)
    assert [(p.line, p.severity) for p in parse_problems(run.stdout)] == [(8, "error"), (10, "error"), (14, "warning")]


def test_link_to_a_post_with_its_own_error_is_not_reported_as_pointing_nowhere(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    premier = site / POSTS / "premier-article.md"
    premier.write_text(premier.read_text("utf-8").replace("topic: sante-numerique", "topic: astronomie"), "utf-8")
    run = check(site)
    # Only the real problem; second-article.md's two links to premier-article.md are right.
    assert [(p.path.name, p.line) for p in parse_problems(run.stdout)] == [("premier-article.md", 4)], run.stdout


def test_a_link_to_the_address_of_a_post_with_its_own_error_is_not_reported(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    premier = site / POSTS / "premier-article.md"
    premier.write_text(premier.read_text("utf-8").replace("topic: sante-numerique", "topic: astronomie"), "utf-8")
    write_files(site, {"content/posts/cas.md": post(body=f"Voir [le premier]({PREMIER}) et [ailleurs](/nulle-part/).\n")})
    run = check(site)
    # Its address is unknown while it cannot be read; any other address is still judged.
    assert [(p.path.name, p.line, p.col) for p in parse_problems(run.stdout) if p.severity == "error"] == [
        ("cas.md", 8, 60), ("premier-article.md", 4, 1)], run.stdout


def test_check_outside_a_site_is_a_usage_error(tmp_path: Path) -> None:
    run = blog("check", "--source", tmp_path)
    assert run.code == 2
    assert "site.yaml" in run.stderr


# Links between posts, in a build.

def build(site: Path, output: Path, *extra: str):
    """Build `site` into `output` at the suite's fixed moment."""
    return blog("build", "--source", site, "--output", output, "--now", NOW, *extra)


def test_links_to_post_files_become_the_posts_urls(tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(copy_editor_site(tmp_path / "site"), output).code == 0
    page = soup_of(file_for(output, SECOND).read_text("utf-8"))
    links = {a.get_text(): a["href"] for a in page.main.find_all("a", href=True)}
    assert links["le premier article"] == PREMIER
    assert links["sa première section"] == PREMIER + "#premiere-section"
    target = soup_of(file_for(output, PREMIER).read_text("utf-8"))
    assert target.find(id="premiere-section") is not None  # the anchor leads somewhere


def test_two_posts_of_one_title_in_two_months_get_two_pages(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {"content/posts/cas.md": post(FRONT.replace("Un cas", "Premier article"))})
    output = tmp_path / "public"
    assert build(site, output).code == 0
    titles = [soup_of(file_for(output, url).read_text("utf-8")).h1.get_text(strip=True)
              for url in (PREMIER, "/2021/04/premier-article/")]
    assert titles == ["Premier article", "Premier article"]


def test_a_link_that_leaves_the_posts_folder_and_comes_back_becomes_the_post_url(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {"content/posts/cas.md": post(body="Voir [la section](../posts/premier-article.md#premiere-section).\n")})
    output = tmp_path / "public"
    assert build(site, output).code == 0
    page = soup_of(file_for(output, "/2021/04/un-cas/").read_text("utf-8"))
    assert page.main.find("a", string="la section")["href"] == PREMIER + "#premiere-section"


def test_links_from_a_subfolder_are_relative_to_the_post(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {"content/posts/2021/cas.md": post(body="Voir [la section](../premier-article.md#premiere-section).\n")})
    output = tmp_path / "public"
    assert build(site, output).code == 0
    page = soup_of(file_for(output, "/2021/04/un-cas/").read_text("utf-8"))
    assert page.main.find("a", string="la section")["href"] == PREMIER + "#premiere-section"


@pytest.mark.parametrize("target, line", [("autre-article.md", 8), ("premier-article.md#nope", 8)],
                         ids=["no-such-post", "no-such-anchor"])
def test_build_fails_on_an_unresolved_link_and_writes_nothing(tmp_path: Path, target: str, line: int) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {"content/posts/cas.md": post(body=f"Voir [texte]({target}).\n")})
    output = tmp_path / "public"
    run = build(site, output)
    assert run.code == 1
    assert [(p.path, p.line) for p in parse_problems(run.stderr)] == [(site / POSTS / "cas.md", line)], run.stderr
    assert not output.exists()


def test_an_image_beside_a_post_is_copied_beside_its_page(tmp_path: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    image = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n'
    write_files(site, {"content/posts/cas.md": post(body="![Le schéma](schema.svg)\n")})
    (site / POSTS / "schema.svg").write_bytes(image)
    output = tmp_path / "public"
    assert build(site, output).code == 0
    url = "/2021/04/un-cas/"
    source = soup_of(file_for(output, url).read_text("utf-8")).main.find("img", alt="Le schéma")["src"]
    assert urljoin(url, source) == url + "schema.svg"
    assert file_for(output, url + "schema.svg").read_bytes() == image


@pytest.mark.parametrize("target", ["brouillon.md", "programme.md"], ids=["a-draft", "a-future-post"])
def test_a_link_to_an_unpublished_post_fails_the_build_and_check_alike(tmp_path: Path, target: str) -> None:
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {"content/posts/cas.md": post(body=f"Du texte.\n\nVoir [la suite]({target}).\n")})
    output = tmp_path / "public"
    run = build(site, output)
    assert run.code == 1
    problems = parse_problems(run.stderr)
    assert [(p.path, p.line, p.col, p.severity) for p in problems] == [(site / POSTS / "cas.md", 10, 17, "error")], \
        run.stderr
    assert "not published" in problems[0].message
    assert not output.exists()
    # With the post it links to included, the link resolves.
    assert build(site, output, "--drafts", "--future").code == 0
    # `blog check` judges as `blog build` does (not with --drafts): the same error, at the same place.
    checked = blog("check", "--source", site, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert checked.code == 1
    assert parse_problems(checked.stdout) == problems, checked.stdout
