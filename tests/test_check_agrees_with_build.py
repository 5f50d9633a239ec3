"""`blog check` and `blog build` judge a site alike: whatever fails a build is an error of
`blog check`, on the same `path:line:col: error: message` line. Each case is a post (or a
file) of a realistic site with one mistake; the mixed site has them all at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from editor_support import NOW, POSTS, blog, copy_editor_site, write_files

# Both commands read "now" from SOURCE_DATE_EPOCH: the same moment, so the same posts are due.
ENV = {"SOURCE_DATE_EPOCH": str(int(datetime.fromisoformat(NOW).timestamp()))}


def post(title: str, body: str, extra: str = "") -> str:
    """Give a published post of the site titled `title`; its body starts on line 8."""
    return (f"---\ntitle: {title}\ndate: 2021-04-01T09:00:00+02:00\ntopic: securite\n"
            f"tags: [CNIL, RGPD]{extra}\n---\n\n{body}")


# Each mistake an editor makes with links and images, in a file of its own.
CASES = {
    "link-to-a-post-file-without-md": {"a.md": post("Cas A", "Voir [le premier](premier-article).\n")},
    "link-to-no-post-file": {"b.md": post("Cas B", "Voir [l'autre](autre-article.md).\n")},
    "relative-path-to-no-post-file": {"c.md": post("Cas C", "Voir [l'autre](../posts/nulle-part.md).\n")},
    "link-to-no-page": {"d.md": post("Cas D", "Du texte.\n\nVoir [ici](/2026/12/nexiste-pas/).\n")},
    "link-to-no-tag-page": {"e.md": post("Cas E", "Voir [le mot-clé](/tags/inconnu/).\n")},
    "link-to-an-anchor-another-post-lacks": {"f.md": post("Cas F", "Voir [la section](premier-article.md#nope).\n")},
    "link-to-an-anchor-the-post-lacks": {"g.md": post("Cas G", "## Partie\n\nVoir [plus bas](#plus-bas).\n")},
    "link-to-an-anchor-a-page-lacks": {"h.md": post("Cas H", "Voir [la section](/2021/02/premier-article/#nope).\n")},
    "image-missing-from-static": {"i.md": post("Cas I", "![Un schéma](/images/schema.png)\n")},
    "image-missing-beside-the-post": {"j.md": post("Cas J", "Texte.\n\n![Un schéma](schema.png)\n")},
    "link-to-a-draft": {"k.md": post("Cas K", "Voir [la suite](brouillon.md).\n")},
    "link-to-a-future-post": {"l.md": post("Cas L", "Voir [la suite](programme.md) bientôt.\n")},
    "link-to-a-draft-by-its-address": {"m.md": post("Cas M", "Voir [la suite](/2021/03/un-brouillon-en-cours/).\n")},
    "alias-that-is-a-page": {"n.md": post("Cas N", "Texte.\n", "\naliases: [/2021/02/premier-article/]")},
}


def error_lines(text: str) -> list[str]:
    """Give the `path:line:col: error: message` lines of a command's output."""
    return [line for line in text.splitlines() if ": error: " in line]


def write_case(site: Path, files: dict[str, str]) -> None:
    """Write a case's posts in the site's posts folder."""
    write_files(site, {str(POSTS / name): text for name, text in files.items()})


def build_and_check(site: Path, output: Path) -> tuple[list[str], list[str]]:
    """Build the site, then check it; give each one's error lines."""
    built = blog("build", "--source", site, "--output", output, "--no-search", env=ENV)
    checked = blog("check", "--source", site, env=ENV)
    assert (built.code == 1) == bool(error_lines(built.stderr)), built.stderr
    assert (checked.code == 1) == bool(error_lines(checked.stdout)), checked.stdout
    return error_lines(built.stderr), error_lines(checked.stdout)


@pytest.mark.parametrize("files", CASES.values(), ids=CASES.keys())
def test_check_gives_the_error_lines_the_build_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     files: dict[str, str]) -> None:
    monkeypatch.chdir(tmp_path)  # the lines name files from here
    site = copy_editor_site(tmp_path / "site")
    write_case(site, files)
    built, checked = build_and_check(site, tmp_path / "public")
    assert len(built) == 1, built
    assert checked == built
    [name] = files
    assert built[0].startswith(f"site/{POSTS}/{name}:")


def test_a_static_file_on_a_page_path_fails_check_as_it_fails_the_build(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    site = copy_editor_site(tmp_path / "site")
    write_files(site, {"static/feed.xml": "<rss/>\n"})
    built, checked = build_and_check(site, tmp_path / "public")
    assert len(built) == 1 and "feed.xml is written twice" in built[0], built
    assert checked == built


def test_a_site_with_every_mistake_checks_as_each_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    expected = []
    for number, files in enumerate(CASES.values()):
        site = copy_editor_site(tmp_path / f"site-{number}")
        write_case(site, files)
        expected += [line.replace(f"site-{number}/", "site/")
                     for line in build_and_check(site, tmp_path / f"public-{number}")[0]]
    mixed = copy_editor_site(tmp_path / "site")
    for files in CASES.values():
        write_case(mixed, files)
    built, checked = build_and_check(mixed, tmp_path / "public")
    # Every error, with its place, as the build of its own case gave it; the build of the
    # mixed site stops at the first stage that fails, and gives that stage's errors.
    assert sorted(checked) == sorted(expected)
    assert built and set(built) <= set(checked)
