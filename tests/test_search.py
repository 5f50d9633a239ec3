"""Site search: `blog build` indexes the posts with Pagefind, inside the staging folder; queries
run through Pagefind's own JavaScript API (tests/js/pagefind_query.mjs, under Node)."""

from __future__ import annotations

import gzip
import json
import re
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.build import BuildOptions, Memo, build as build_site
from support import (AMENDE, BALISES, CODE, CYBERATTAQUES, DMP, DRAFT, FIXTURE_SITE, POST_URL, PREMIER, PUBLISHED,
                     SEARCH_BUNDLE, TESTS, build, copy_site, delete_premier, edit, file_for, read_page, snapshot)

QUERY_SCRIPT = TESTS / "js" / "pagefind_query.mjs"
# A post that says "hôpital" often, but only in its body: the post with it in its title must still rank first.
BODY_ONLY = "/2021/01/les-groupements-de-territoire/"
BODY_ONLY_POST = """---
title: Les groupements de territoire
date: 2021-01-10T09:00:00+01:00
topic: sante-numerique
tags: [CNIL, RGPD]
summary: "Un article qui parle beaucoup d’établissements."
---

Les hôpitaux d’un territoire partagent leurs outils. Chaque hôpital garde son dossier patient,
mais l’hôpital support héberge les serveurs. Les hôpitaux voisins s’y raccordent : un hôpital,
puis un autre hôpital, et bientôt tous les hôpitaux du groupement.
"""


def searchable_site(folder: Path) -> Path:
    """Give a copy of the fixture site with the body-only post added."""
    site = copy_site(FIXTURE_SITE, folder)
    (site / "content" / "posts" / "groupements.md").write_text(BODY_ONLY_POST, "utf-8")
    return site


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site (and the body-only post) built with its search index; tests only read it."""
    root = tmp_path_factory.mktemp("search")
    output = root / "public"
    run = build(searchable_site(root / "site"), output, search=True)
    assert run.code == 0, run.stderr
    assert ", search index in " in run.stdout
    return output


def bundles_of(output: Path) -> list[str]:
    """Give the search bundles the built search page loads, as URL paths: the one whose UI
    it starts, then those that UI merges."""
    root = read_page(output, "/recherche/").find(id="recherche")
    return [root["data-bundle"], *root.get("data-merge", "").split()]


def bundle_posts(output: Path) -> dict[str, set[str]]:
    """Give the URLs of the posts each search bundle of the output indexes, by bundle name,
    read from its fragments (gzip bytes: Pagefind's signature, then the page's JSON)."""
    found: dict[str, set[str]] = {}
    for fragment in sorted((output / "pagefind").glob("*/fragment/*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        found.setdefault(fragment.parent.parent.name, set()).add(json.loads(data)["url"])
    return found


def search(output: Path, query: str, bundles: list[str] | None = None) -> list[dict]:
    """Run `query` against the built index with Pagefind's JavaScript API, merging the bundles
    as the search page does (or only those of `bundles`); give the results, best first."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed to run Pagefind's JavaScript API")
    command = [node, str(QUERY_SCRIPT), str(output), query, *(bundles or bundles_of(output))]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_query_without_accents_finds_words_with_them(indexed: Path) -> None:
    found = [result["url"] for result in search(indexed, "hopital")]
    assert CYBERATTAQUES in found  # "hôpitaux" in its title, "l’hôpital" in its body
    assert BODY_ONLY in found


def test_french_stemming_finds_the_plural_from_the_singular(indexed: Path) -> None:
    assert [result["url"] for result in search(indexed, "rançongiciel")] == [CYBERATTAQUES]  # "rançongiciels"


def test_a_title_match_ranks_above_body_matches(indexed: Path) -> None:
    results = search(indexed, "hopitaux")
    assert results[0]["url"] == CYBERATTAQUES
    assert results[0]["title"] == "Cyberattaques en série dans les hôpitaux"
    assert results[0]["score"] > next(r["score"] for r in results if r["url"] == BODY_ONLY)


def test_only_published_posts_are_indexed(indexed: Path) -> None:
    for query in ("dossier", "hopital", "CNIL", "code"):
        for result in search(indexed, query):
            assert POST_URL.match(result["url"]), result
    entries = [json.loads(path.read_text()) for path in (indexed / "pagefind").glob("*/pagefind-entry.json")]
    assert sum(entry["languages"]["fr"]["page_count"] for entry in entries) == len(PUBLISHED) + 1
    assert search(indexed, "inachevé") == []  # the draft's title
    assert search(indexed, "programmé") == []  # the future post's summary
    assert DRAFT not in json.dumps(search(indexed, "brouillon"))


def test_navigation_and_footers_are_not_indexed(indexed: Path) -> None:
    assert search(indexed, "générateur") == []  # the site's description, in every page's footer
    assert search(indexed, "précédent") == []  # the links to the previous and next posts
    assert search(indexed, "linkedin") == []  # the share links beside each post


def test_the_index_is_in_french(indexed: Path) -> None:
    bundles = sorted((indexed / "pagefind").iterdir())
    assert [bundle.name for bundle in bundles] == ["2020-q4", "2021-q1"]
    for bundle in bundles:
        assert list(json.loads((bundle / "pagefind-entry.json").read_text())["languages"]) == ["fr"]
        assert (bundle / "wasm.fr.pagefind").is_file()


def test_search_page_loads_only_same_origin_files_that_exist(indexed: Path) -> None:
    page = read_page(indexed, "/recherche/")
    loaded = [s["src"] for s in page.find_all("script", src=True)]
    loaded += [link["href"] for link in page.find_all("link", rel="stylesheet")]
    newest = f"{SEARCH_BUNDLE}2021-q1/"  # the UI of the newest bundle, which merges the others
    assert f"{newest}pagefind-ui.js" in loaded and f"{newest}pagefind-ui.css" in loaded
    assert any(re.fullmatch(r"/js/search\.[0-9a-f]{10}\.js", url) for url in loaded), loaded
    for url in loaded:
        assert url.startswith("/") and not url.startswith("//"), url
        assert file_for(indexed, url).is_file(), url
    # What the UI then fetches itself: the API, its worker, each bundle's French WebAssembly and index.
    assert bundles_of(indexed) == [newest, f"{SEARCH_BUNDLE}2020-q4/"]
    for bundle in bundles_of(indexed):
        for name in ("pagefind.js", "pagefind-worker.js", "wasm.fr.pagefind", "pagefind-entry.json"):
            assert file_for(indexed, bundle + name).is_file(), bundle + name
    inline = [s for s in page.find_all("script", src=False) if s.get("type") != "application/ld+json"]
    assert inline == []  # nothing a strict Content-Security-Policy would have to allow


def test_search_page_without_javascript_points_to_tags_and_topics(indexed: Path) -> None:
    noscript = read_page(indexed, "/recherche/").main.find("noscript")
    assert "JavaScript" in noscript.get_text()
    assert {"/tags/", "/topics/"} <= {a["href"] for a in noscript.find_all("a")}


def test_every_page_links_to_the_search_page(indexed: Path) -> None:
    for url in ("/", PUBLISHED[0], "/tags/", "/404.html"):
        assert read_page(indexed, url).find("a", href="/recherche/") is not None, url


def test_two_indexed_builds_are_byte_identical(indexed: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(searchable_site(tmp_path / "elsewhere"), output, search=True).code == 0
    assert snapshot(output) == snapshot(indexed)


def test_no_search_flag_builds_no_index(built: Path) -> None:
    assert not (built / "pagefind").exists()
    assert read_page(built, "/recherche/").find(class_="search-unavailable") is not None


def test_a_preview_never_indexes(tmp_path: Path) -> None:
    output = tmp_path / "preview"
    build_site(copy_site(FIXTURE_SITE, tmp_path / "site"), output, BuildOptions(future=True), Memo())
    assert file_for(output, "/recherche/").is_file()
    assert not (output / "pagefind").exists()


def failing_pagefind(folder: Path) -> Path:
    """Give a stand-in for Pagefind that writes part of an index, then fails."""
    script = folder / "pagefind"
    script.write_text("#!/bin/sh\nmkdir -p pagefind && echo partial > pagefind/pagefind.js\n"
                      "echo 'Error: disk full' >&2\nexit 1\n")
    script.chmod(0o755)
    return script


def recording_pagefind(folder: Path) -> tuple[Path, Path]:
    """Give a stand-in for Pagefind that notes the folder it runs in and its glob, one line a
    run, then runs the real one; and the file of its notes."""
    from builder.output.search import pagefind_binary

    notes = folder / "pagefind-runs.txt"
    script = folder / "pagefind"
    script.write_text(f'''#!/bin/sh
glob=""
previous=""
for argument in "$@"; do
  [ "$previous" = "--glob" ] && glob="$argument"
  previous="$argument"
done
printf '%s\t%s\n' "$(pwd)" "$glob" >> "{notes}"
exec "{pagefind_binary()}" "$@"
''', "utf-8")
    script.chmod(0o755)
    return script, notes


def test_a_clean_build_indexes_the_staged_pages_and_an_edit_a_view_of_its_quarter(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script, notes = recording_pagefind(tmp_path)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))
    site = searchable_site(tmp_path / "site")
    output = tmp_path / "out" / "public"
    assert build(site, output, search=True).code == 0
    runs = sorted(line.split("\t") for line in notes.read_text("utf-8").splitlines())
    # Each quarter's run reads the staging folder itself (no view of links is made), its own
    # months only: the glob picks them among every page of the build.
    assert [glob for _folder, glob in runs] == ["2020/{10,11,12}/*/index.html", "2021/{01,02,03}/*/index.html"]
    assert all(Path(folder).name.startswith(".public.staging-") and "-view-" not in Path(folder).name
               for folder, _glob in runs)
    notes.unlink()
    edit(site / "content" / "posts" / "groupements.md", "outils", "outils et leurs parapluies")
    assert build(site, output, search=True).code == 0
    # An edit stages one post page: its quarter is read through a view of the site as it will be.
    [(folder, glob)] = [line.split("\t") for line in notes.read_text("utf-8").splitlines()]
    assert glob == "2021/{01,02,03}/*/index.html" and Path(folder).name.startswith(".public.staging-view-")
    assert as_clean(site, output, tmp_path / "clean")


def test_a_failed_index_leaves_the_previous_site_whole(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    output = tmp_path / "out" / "public"
    assert build(site, output).code == 0
    before = snapshot(output)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing_pagefind(tmp_path)))
    delete_premier(site)
    run = build(site, output, search=True)
    assert run.code == 1
    assert "disk full" in run.stderr and "build failed (search)" in run.stderr
    assert snapshot(output) == before
    assert sorted(path.name for path in output.parent.iterdir()) == ["public"]  # no staging folder left


def test_a_missing_pagefind_is_an_error_that_says_how_to_build_without_it(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    run = build(FIXTURE_SITE, tmp_path / "public", "--no-cache", search=True)
    assert run.code == 1
    assert "--no-search" in run.stderr
    assert not (tmp_path / "public").exists()


def test_pagefind_is_found_without_configuration() -> None:
    from builder.output.search import pagefind_binary

    assert "PAGEFIND_BINARY_PATH" not in os.environ  # the one `pagefind[extended]` installs
    assert pagefind_binary().is_file()
    assert subprocess.run([str(pagefind_binary()), "--version"], capture_output=True, text=True,
                          timeout=30).stdout.startswith("pagefind ")


@pytest.mark.parametrize("deleted", [True, False])  # the whole way, or the quick way for a body edit alone
def test_an_edit_indexes_the_site_again_as_a_clean_build_would(tmp_path: Path, deleted: bool) -> None:
    site = searchable_site(tmp_path / "site")
    output = tmp_path / "public"
    assert build(site, output, search=True).code == 0
    if deleted:
        delete_premier(site)
    groupements = site / "content" / "posts" / "groupements.md"
    groupements.write_text(groupements.read_text("utf-8").replace("outils", "outils et leurs parapluies"), "utf-8")
    run = build(site, output, "--explain", search=True)
    assert run.code == 0, run.stderr
    assert "through a journal" in run.stdout and ", search index in " in run.stdout
    assert ("from the last build's record" in run.stdout) is not deleted, run.stdout
    clean = tmp_path / "clean"
    assert build(site, clean, "--no-cache", search=True).code == 0
    assert snapshot(output) == snapshot(clean)
    # Its own bundle has it; the other bundles, which lack the word, give their near matches, below it.
    assert [hit["url"] for hit in search(output, "parapluies", [f"{SEARCH_BUNDLE}2021-q1/"])] == [BODY_ONLY]
    assert search(output, "parapluies")[0]["url"] == BODY_ONLY


def test_an_edit_that_changes_no_post_page_keeps_the_index(tmp_path: Path) -> None:
    site = searchable_site(tmp_path / "site")
    output = tmp_path / "public"
    assert build(site, output, search=True).code == 0
    (site / "static").mkdir()
    (site / "static" / "humans.txt").write_text("La rédaction\n", "utf-8")
    run = build(site, output, search=True)
    assert run.code == 0, run.stderr
    assert ", search index in " not in run.stdout
    assert (output / "humans.txt").is_file() and (output / "pagefind" / "2021-q1" / "pagefind.js").is_file()


def test_a_failed_index_after_an_edit_leaves_the_previous_site_whole(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    output = tmp_path / "out" / "public"
    assert build(site, output, search=True).code == 0
    before = snapshot(output)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing_pagefind(tmp_path)))
    post = site / "content" / "posts" / "premier-article.md"
    post.write_text(post.read_text("utf-8").replace("Un second paragraphe", "Un autre paragraphe"), "utf-8")
    run = build(site, output, search=True)
    assert run.code == 1 and "build failed (search)" in run.stderr
    assert snapshot(output) == before
    assert sorted(path.name for path in output.parent.iterdir()) == ["public"]
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert build(site, output, search=True).code == 0
    assert "Un autre paragraphe" in (output / "2020" / "11" / "premier-article" / "index.html").read_text("utf-8")


def test_the_index_goes_with_the_last_post(tmp_path: Path) -> None:
    site = searchable_site(tmp_path / "site")
    output = tmp_path / "public"
    assert build(site, output, search=True).code == 0
    for post in (site / "content" / "posts").glob("*.md"):
        post.unlink()
    assert build(site, output, search=True).code == 0
    clean = tmp_path / "clean"
    assert build(site, clean, "--no-cache", search=True).code == 0
    assert snapshot(output) == snapshot(clean) and not (output / "pagefind").exists()


def files_as_on_disk(output: Path) -> dict[str, tuple[int, int]]:
    """Give every file of a built site (but its marker) with its inode and time: a file written
    again, even with the same bytes, gets another (a staged file is moved in)."""
    return {path.relative_to(output).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(output.rglob("*")) if path.is_file() and path.name != ".blog-build"}


def test_switching_search_off_and_on_rewrites_only_the_search_page_and_its_index(tmp_path: Path) -> None:
    site = searchable_site(tmp_path / "site")
    output = tmp_path / "public"
    assert build(site, output, search=True).code == 0
    search_page = file_for(output, "/recherche/").relative_to(output).as_posix()
    before = files_as_on_disk(output)
    assert build(site, output).code == 0  # --no-search
    after = files_as_on_disk(output)
    assert not any(path.startswith(SEARCH_BUNDLE.strip("/")) for path in after)
    assert sorted(path for path in after if after[path] != before[path]) == [search_page]
    assert build(site, tmp_path / "clean-without", "--no-cache").code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean-without")
    run = build(site, output, search=True)
    assert run.code == 0, run.stderr
    assert ", search index in " in run.stdout
    again = files_as_on_disk(output)
    rewritten = sorted(path for path in again if path not in after or again[path] != after[path])
    assert [path for path in rewritten if not path.startswith(SEARCH_BUNDLE.strip("/"))] == [search_page]
    assert build(site, tmp_path / "clean-with", "--no-cache", search=True).code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean-with")
    assert BODY_ONLY in [hit["url"] for hit in search(output, "hôpitaux")]


# --- One bundle per quarter of posts ----------------------------------------------------------------

MOVED = "/2019/06/premier-article/"  # PREMIER (2020-11), dated in another year


def test_a_clean_build_makes_one_bundle_per_quarter_holding_its_posts(indexed: Path) -> None:
    assert bundle_posts(indexed) == {"2021-q1": {CYBERATTAQUES, CODE, BALISES, BODY_ONLY},
                                     "2020-q4": {AMENDE, DMP, PREMIER}}
    assert [hit["url"] for hit in search(indexed, "rançongiciel", [f"{SEARCH_BUNDLE}2020-q4/"])] == []
    # A query through the search page's bundles finds the posts of each of them.
    found = [hit["url"] for hit in search(indexed, "CNIL")]
    assert {AMENDE, BODY_ONLY} <= set(found) and found[0] == AMENDE  # its title says it


def edited_site(tmp_path: Path) -> tuple[Path, Path, dict[str, tuple[int, int]]]:
    """Build the searchable site with its index; give its source, its output and the output's
    files as on disk."""
    site = searchable_site(tmp_path / "site")
    output = tmp_path / "public"
    assert build(site, output, search=True).code == 0
    return site, output, files_as_on_disk(output)


def as_clean(site: Path, output: Path, folder: Path) -> bool:
    """Tell whether `output` holds the very bytes of a clean build of `site`, index included."""
    assert build(site, folder, "--no-cache", search=True).code == 0
    return snapshot(output) == snapshot(folder)


def test_an_edit_indexes_its_bundle_alone_again(tmp_path: Path) -> None:
    site, output, before = edited_site(tmp_path)
    edit(site / "content" / "posts" / "groupements.md", "outils", "outils et leurs parapluies")
    run = build(site, output, search=True)
    assert run.code == 0 and ", search index in " in run.stdout, run.stderr
    after = files_as_on_disk(output)
    rewritten = {path for path in after if before.get(path) != after[path]}
    assert any(path.startswith("pagefind/2021-q1/") for path in rewritten)
    older = {path: on_disk for path, on_disk in before.items() if path.startswith("pagefind/2020-q4/")}
    assert older and older == {path: after.get(path) for path in older}  # same inode, same time
    assert {path for path in after if path.startswith("pagefind/2020-q4/")} == set(older)
    assert as_clean(site, output, tmp_path / "clean")


def test_a_post_moved_to_a_new_year_gets_a_bundle_of_its_own(tmp_path: Path) -> None:
    site, output, _before = edited_site(tmp_path)
    posts = site / "content" / "posts"
    edit(posts / "premier-article.md", "date: 2020-11-15T10:00:00", "date: 2019-06-15T10:00:00")
    edit(posts / "un-peu-de-code.md", PREMIER, MOVED)
    assert build(site, output, search=True).code == 0
    assert bundle_posts(output) == {"2021-q1": {CYBERATTAQUES, CODE, BALISES, BODY_ONLY},
                                    "2020-q4": {AMENDE, DMP}, "2019-q2": {MOVED}}
    assert bundles_of(output)[-1] == f"{SEARCH_BUNDLE}2019-q2/"  # the search page merges it
    assert [hit["url"] for hit in search(output, "premier")][:1] == [MOVED]
    assert as_clean(site, output, tmp_path / "clean")


def test_the_bundle_of_a_quarter_goes_with_its_last_post(tmp_path: Path) -> None:
    site, output, _before = edited_site(tmp_path)
    posts = site / "content" / "posts"
    delete_premier(site)
    for name in ("deux-medecins-a-l-amende.md", "dossier-medical-partage.md"):
        (posts / name).unlink()
    run = build(site, output, search=True)
    assert run.code == 0, run.stderr
    assert sorted(path.name for path in (output / "pagefind").iterdir()) == ["2021-q1"]
    assert bundles_of(output) == [f"{SEARCH_BUNDLE}2021-q1/"]
    assert as_clean(site, output, tmp_path / "clean")


def test_an_index_of_one_bundle_for_the_whole_site_is_made_again_in_bundles(tmp_path: Path) -> None:
    site, output, _before = edited_site(tmp_path)
    # What a build before bundles left: one index, its files straight under /pagefind/.
    shutil.copytree(output / "pagefind" / "2021-q1", output / "pagefind", dirs_exist_ok=True)
    edit(site / "content" / "posts" / "groupements.md", "outils", "outils et leurs parapluies")
    assert build(site, output, search=True).code == 0
    assert as_clean(site, output, tmp_path / "clean")
