"""After edits that change nothing other pages show of the edited posts, a build takes the quick
way: it makes only their pages and the feeds that hold them, from the last build's record. Any
other change takes the whole way. Either way the output equals a clean build's."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from builder.incremental import fast_path, last_build, output_record, store
from builder.build import BuildOptions, BuildReport, Memo, build as build_site
from builder.serve import Preview
from support import NOW, blog, edit as edit_file, snapshot

OPTIONS = BuildOptions(now=datetime.fromisoformat(NOW), cache=True, search=False)
POSTS = Path("content") / "posts"
PREMIER, CODE = POSTS / "premier-article.md", POSTS / "un-peu-de-code.md"
PREMIER_URL = "2020/11/premier-article/index.html"


def damage_file(path: Path, how: str) -> None:
    """Damage a file of the cache: `garbage` in its place, a bit flipped near its end, or `remove` it."""
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"\x00{ni json ni pickle")
    elif how == "flip":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    else:
        path.unlink()


def edit(site: Path, path: Path, old: str, new: str) -> None:
    """Replace text in a file of the site (`path`, from its root), with a later time."""
    edit_file(site / path, old, new)


def clean(site: Path, output: Path) -> dict[str, bytes]:
    """Give the tree a clean build (no cache) of the site writes."""
    assert blog("build", "--source", site, "--output", output, "--now", NOW, "--no-search", "--no-cache").code == 0
    return snapshot(output)


def rebuild(site: Path, output: Path) -> BuildReport:
    """Build again with the cache, and check the output equals a clean build's."""
    report = build_site(site, output, OPTIONS)
    assert snapshot(output) == clean(site, Path(tempfile.mkdtemp(prefix="clean-", dir=output.parent)) / "public")
    return report


def test_a_body_edit_makes_only_its_page_and_the_feeds_that_hold_it(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert not build_site(site, output, OPTIONS).fast_path  # a first build: no record yet
    before = snapshot(output)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    report = rebuild(site, output)
    assert report.fast_path and report.posts_read == report.posts_rendered == 1
    assert report.rendered_because == {"whose inputs changed": ["/2020/11/premier-article/"]}
    after = snapshot(output)
    changed = {path for path in after if after[path] != before.get(path)} - {".blog-build"}
    # Its tag's feed holds it; the site's, of the 3 newest posts, does not.
    assert PREMIER_URL in changed and "tags/cnil/feed.xml" in changed and "feed.xml" not in changed
    assert all(path == PREMIER_URL or path.endswith((".xml", ".json")) for path in changed), changed
    page = BeautifulSoup(after[PREMIER_URL], "html.parser")
    assert "Un autre paragraphe" in page.select_one(".post-body").get_text()
    feed = ElementTree.fromstring(after["tags/cnil/feed.xml"])
    item = next(item for item in feed.iter("item") if item.findtext("link").endswith("/2020/11/premier-article/"))
    assert "Un autre paragraphe" in item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")


def test_edits_in_a_row_each_take_the_quick_way(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert rebuild(site, output).fast_path
    edit(site, CODE, "Un court article", "Un très court article")
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    report = rebuild(site, output)
    assert report.fast_path and report.posts_read == 2 and len(report.rendered_because["whose inputs changed"]) == 2


def test_a_post_touched_but_not_changed_takes_the_quick_way_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    os.utime(site / PREMIER, ns=(10**18, 10**18))
    report = rebuild(site, output)
    assert report.fast_path and report.posts_read == 1 and report.posts_rendered == 0 and report.written == 0


def test_a_new_link_to_a_post_file_resolves_on_the_quick_way(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe",
         "Voir [le code](un-peu-de-code.md#resultats-et-donnees). Un second paragraphe")
    report = rebuild(site, output)
    assert report.fast_path
    page = BeautifulSoup((output / PREMIER_URL).read_bytes(), "html.parser")
    links = [a["href"] for a in page.select(".post-body a")]
    assert "/2021/02/un-peu-de-code/#resultats-et-donnees" in links


NEW_SHAPE = "shows other pages something new"


@pytest.mark.parametrize("path, old, new, why", [
    # Every listing shows its title; its slug stays, for un-peu-de-code.md links to its address.
    (PREMIER, "title: Premier article", "title: Le premier article\nslug: premier-article", NEW_SHAPE),
    (PREMIER, "Ce premier article", "Cet article", NEW_SHAPE),  # its summary: its first words
    (PREMIER, "Un second paragraphe", "## Une section\n\nUn second paragraphe", NEW_SHAPE),  # a new anchor
    (PREMIER, "tags: [CNIL, RGPD]", "tags: [CNIL]", NEW_SHAPE),
    # A new image host: `_headers` names it in its policy.
    (PREMIER, "Un second paragraphe", "![Logo](https://images.example.org/logo.png) Un second", NEW_SHAPE),
    (Path("site.yaml"), "posts_per_page: 2", "posts_per_page: 3", "the config, an option"),
    (Path("static/humans.txt"), "", "", "other than a post"),
])
def test_an_edit_that_other_pages_show_takes_the_whole_way(site: Path, tmp_path: Path, path: Path, old: str,
                                                          new: str, why: str) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    if path.parts[0] == "static":  # a new static file, beside a body edit
        (site / "static").mkdir()
        (site / path).write_text("La rédaction\n", "utf-8")
        path, old, new = PREMIER, "Un second paragraphe", "Un autre paragraphe"
    edit(site, path, old, new)
    run = blog("build", "--source", site, "--output", output, "--now", NOW, "--no-search", "--explain")
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[1].strip().startswith("the whole way, not the quick one: ")
    assert why in run.stdout.splitlines()[1], run.stdout
    assert snapshot(output) == clean(site, tmp_path / "clean")


def test_a_new_post_or_a_template_change_takes_the_whole_way(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    (site / POSTS / "nouveau.md").write_text((site / PREMIER).read_text("utf-8").replace(
        "title: Premier article", "title: Un nouvel article"), "utf-8")
    assert not rebuild(site, output).fast_path
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("{% extends 'base.html' %}", "utf-8")
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert not rebuild(site, output).fast_path


@pytest.mark.parametrize("target, why", [
    ("/2026/12/nexiste-pas/", "no such page"),
    ("#nulle-part", "no heading #nulle-part in this post"),
    ("/2021/02/un-peu-de-code/#nulle-part", "no heading #nulle-part there"),
], ids=["no-page", "no-anchor-here", "no-anchor-at-an-address"])
def test_a_broken_link_to_an_address_is_reported_as_the_whole_way_reports_it(site: Path, tmp_path: Path,
                                                                             target: str, why: str) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    before = snapshot(output)
    edit(site, PREMIER, "Un second paragraphe", f"Voir [ailleurs]({target}). Un second paragraphe")
    run = blog("build", "--source", site, "--output", output, "--now", NOW, "--no-search")
    assert run.code == 1
    [problem] = run.problems()
    assert problem.path == (site / PREMIER).resolve() and why in problem.message, run.stderr
    assert (problem.line, problem.col) == (10, 17)
    assert snapshot(output) == before


def test_a_link_to_an_address_the_last_build_made_takes_the_quick_way(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Voir [le mot-clé](/tags/cnil/) et [le code]"
                                               "(../../../2021/02/un-peu-de-code/). Un second paragraphe")
    report = rebuild(site, output)
    assert report.fast_path, report.fast_path_not_because
    # An anchor of another post's page, named by its address: only the whole way reads its headings.
    edit(site, PREMIER, "/tags/cnil/", "/2021/02/un-peu-de-code/#resultats-et-donnees")
    report = rebuild(site, output)
    assert not report.fast_path and "an anchor of another post" in report.fast_path_not_because


def test_a_broken_link_is_reported_as_the_whole_way_reports_it(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    before = snapshot(output)
    edit(site, PREMIER, "Un second paragraphe", "Voir [le code](un-peu-de-code.md#nulle-part). Un second paragraphe")
    run = blog("build", "--source", site, "--output", output, "--now", NOW, "--no-search")
    assert run.code == 1
    [problem] = run.problems()
    lines = (site / PREMIER).read_text("utf-8").splitlines()
    assert problem.path == (site / PREMIER).resolve() and "no heading #nulle-part" in problem.message
    assert problem.line == next(number for number, line in enumerate(lines, 1) if "nulle-part" in line)
    assert snapshot(output) == before


def test_a_post_cached_by_a_preview_since_the_last_build_is_compared_with_that_build(site: Path,
                                                                                     tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "title: Premier article", "title: Le premier article\nslug: premier-article")
    preview = BuildOptions(drafts=True, future=True, now=datetime.fromisoformat(NOW), cache=True, search=False)
    build_site(site, tmp_path / "preview", preview, Memo())  # the cache now holds the new title
    report = rebuild(site, output)
    assert not report.fast_path  # the last build showed the old title in every listing


@pytest.mark.parametrize("damage", ["truncate", "flip", "remove"])
def test_a_damaged_record_leads_to_the_whole_way(site: Path, tmp_path: Path, damage: str) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    record = site / fast_path.RECORD_FILE
    if damage == "truncate":
        record.write_bytes(record.read_bytes()[: record.stat().st_size // 2])
    else:
        damage_file(record, damage)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert not rebuild(site, output).fast_path
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    assert rebuild(site, output).fast_path  # the whole build recorded the site again


def _built_record(site: Path, output: Path) -> tuple[Path, store.Header, dict]:
    """Build the site; give its record's file, the file's header, and the record's fields by name."""
    build_site(site, output, OPTIONS)
    path = site / fast_path.RECORD_FILE
    header = store.read_header(path, fast_path.KIND, fast_path.VERSION)
    fields = store.load(path, fast_path.KIND, fast_path.VERSION)
    assert header is not None and isinstance(fields, dict)
    return path, header, fields


def test_the_record_is_read_back_by_field_name_not_by_position(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    path, header, fields = _built_record(site, output)
    written = fast_path.read_record(site)
    store.save(path, fast_path.KIND, fast_path.VERSION, header.made_for, dict(reversed(fields.items())))
    assert fast_path.read_record(site) == written  # the same fields, in another order: the same record
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert rebuild(site, output).fast_path


@pytest.mark.parametrize("wrong", ["a field of another type", "a field missing", "a field unknown", "by position"])
def test_a_record_with_fields_not_of_the_record_leads_to_the_whole_way(site: Path, tmp_path: Path, wrong: str) -> None:
    output = tmp_path / "public"
    path, header, fields = _built_record(site, output)
    body = {"a field of another type": {**fields, "order": list(fields["order"])},
            "a field missing": {name: value for name, value in fields.items() if name != "warned"},
            "a field unknown": {**fields, "extra": ()},
            "by position": tuple(fields.values())}[wrong]
    store.save(path, fast_path.KIND, fast_path.VERSION, header.made_for, body)  # well-formed for the store, checksum and all
    assert fast_path.read_record(site) is None
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert not rebuild(site, output).fast_path
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    assert rebuild(site, output).fast_path  # the whole build recorded the site again


def test_quick_builds_keep_their_files_beside_the_ledger_until_a_whole_build(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    whole, edits = output_record.ledger_path(site, output), output_record.edits_path(site, output)
    written = whole.read_bytes()
    for old, new in [("Un second paragraphe", "Un autre paragraphe"), ("Un autre paragraphe", "Un dernier paragraphe")]:
        edit(site, PREMIER, old, new)
        assert rebuild(site, output).fast_path
        assert whole.read_bytes() == written and edits.is_file()  # the ledger is not written again
    # What the ledger and its edits say together is what the output holds, file for file.
    marker = last_build.marker_of(output, ".blog-build")
    scope = fast_path.read_record(site).scope
    files, _why = output_record.read_ledger(site, output, scope, marker)
    on_disk = {path: (len(data), (output / path).stat().st_mtime_ns) for path, data in snapshot(output).items()}
    assert {path: (entry.size, entry.mtime_ns) for path, entry in files.items()} == {
        path: stat for path, stat in on_disk.items() if path != ".blog-build"}
    edit(site, Path("site.yaml"), "\n", "\n\n")
    assert not rebuild(site, output).fast_path and not edits.exists()


def test_the_record_amended_by_quick_builds_is_what_a_whole_build_records(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    written = (site / fast_path.RECORD_FILE).read_bytes()
    # Links to post files to resolve: one added for good, one added then taken away.
    for path, old, new in [(PREMIER, "Un second paragraphe", "Voir [le code](un-peu-de-code.md)."),
                           (CODE, "Un court article", "Voir [le premier](premier-article.md)."),
                           (CODE, "Voir [le premier](premier-article.md).", "Un article court")]:
        edit(site, path, old, new)
        assert rebuild(site, output).fast_path
    assert (site / fast_path.RECORD_FILE).read_bytes() == written and (site / fast_path.EDITS_FILE).is_file()
    amended = fast_path.read_record(site)
    (site / fast_path.EDITS_FILE).unlink()
    (site / fast_path.RECORD_FILE).unlink()
    assert not build_site(site, output, OPTIONS).fast_path  # no record: the whole way records the site
    assert amended == dataclasses.replace(fast_path.read_record(site), base=amended.base)


@pytest.mark.parametrize("damage", ["garbage", "flip", "remove"])
def test_damaged_edits_of_the_record_lead_to_the_whole_way(site: Path, tmp_path: Path, damage: str) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert rebuild(site, output).fast_path
    damage_file(site / fast_path.EDITS_FILE, damage)  # removed, the record alone names the last whole build's inputs
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    report = rebuild(site, output)
    assert not report.fast_path and "no record of the last build" in report.fast_path_not_because
    edit(site, PREMIER, "Un troisième paragraphe", "Un quatrième paragraphe")
    assert rebuild(site, output).fast_path


def test_long_edits_of_the_record_are_folded_into_it(site: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_path, "MOST_EDITED_POSTS", 1)
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert rebuild(site, output).fast_path and (site / fast_path.EDITS_FILE).is_file()
    edit(site, CODE, "Un court article", "Un article court")
    assert rebuild(site, output).fast_path and not (site / fast_path.EDITS_FILE).exists()
    edit(site, CODE, "Un article court", "Un article bref")
    assert rebuild(site, output).fast_path  # from the record written whole


@pytest.mark.parametrize("damage", ["garbage", "flip", "remove", "stale"])
def test_damaged_or_stale_edits_of_the_ledger_lead_to_the_whole_way(site: Path, tmp_path: Path, damage: str) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert rebuild(site, output).fast_path
    edits = output_record.edits_path(site, output)
    if damage == "stale":  # edits of another ledger: they amend this one no more
        data = edits.read_bytes()
        header = store.parse_header(data.partition(b"\n")[0])
        assert header is not None
        edits.write_bytes(data.replace(header.made_for.encode(), b"0" * 64, 1))
    else:  # removed, the ledger alone names the output's marker before the quick build
        damage_file(edits, damage)
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    report = rebuild(site, output)
    assert not report.fast_path and "no record of what the output holds" in report.fast_path_not_because


def test_long_edits_are_folded_into_the_ledger(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output_record, "MOST_EDITED_FILES", 3)  # a quick build makes 3 files here
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert rebuild(site, output).fast_path and output_record.edits_path(site, output).is_file()
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    assert rebuild(site, output).fast_path and not output_record.edits_path(site, output).exists()


def test_an_edit_outside_a_posts_code_keeps_its_highlighted_code(site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)

    def no_highlighting(*_args):
        raise AssertionError("the code was highlighted again")

    monkeypatch.setattr("pygments.highlight", no_highlighting)
    edit(site, CODE, "Un court article", "Un article court")
    report = build_site(site, output, OPTIONS)
    assert report.fast_path and report.posts_rendered == 1
    monkeypatch.undo()
    assert snapshot(output) == clean(site, tmp_path / "clean")  # which highlights it all
    monkeypatch.setattr("pygments.highlight", no_highlighting)
    edit(site, CODE, "Bonjour {nom}", "Salut {nom}")
    with pytest.raises(AssertionError, match="highlighted again"):
        build_site(site, output, OPTIONS)


@pytest.mark.parametrize("change", ["write", "delete"])
def test_a_file_changed_in_the_output_takes_the_whole_way(site: Path, tmp_path: Path, change: str) -> None:
    # The quick way makes 3 files; the others are checked against the ledger in a forked process.
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert build_site(site, output, OPTIONS).fast_path  # its file of edits, beside the ledger, holds 3 files
    (output / "404.html").write_text("abîmé", "utf-8") if change == "write" else (output / "tags/index.html").unlink()
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    report = rebuild(site, output)
    assert not report.fast_path and "a file of the output was changed" in report.fast_path_not_because


PREVIEW = BuildOptions(drafts=True, future=True, now=datetime.fromisoformat(NOW), cache=True, search=False)


def clean_preview(site: Path, output: Path) -> dict[str, bytes]:
    """Give the tree a clean build of the site with its drafts and future posts writes."""
    assert blog("build", "--source", site, "--output", output, "--now", NOW, "--no-search", "--no-cache",
                "--drafts", "--future").code == 0
    return snapshot(output)


def test_a_preview_takes_the_quick_way_from_its_memo(site: Path, tmp_path: Path) -> None:
    output, memo = tmp_path / "preview", Memo()
    assert not build_site(site, output, PREVIEW, memo).fast_path
    for number, (old, new) in enumerate([("Un second paragraphe", "Un autre paragraphe"),
                                         ("Un autre paragraphe", "Un troisième paragraphe")]):
        edit(site, PREMIER, old, new)
        report = build_site(site, output, PREVIEW, memo)
        assert report.fast_path and report.rendered_because == {"whose inputs changed": ["/2020/11/premier-article/"]}
        assert snapshot(output) == clean_preview(site, tmp_path / f"clean-{number}")
    edit(site, POSTS / "brouillon.md", "title:", "title: Encore")  # a draft's title: every listing of it
    assert not build_site(site, output, PREVIEW, memo).fast_path
    assert snapshot(output) == clean_preview(site, tmp_path / "clean-title")


def test_a_preview_and_a_build_in_turn_each_take_the_quick_way(site: Path, tmp_path: Path) -> None:
    memo = Memo()
    build_site(site, tmp_path / "preview", PREVIEW, memo)
    build_site(site, tmp_path / "public", OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert build_site(site, tmp_path / "preview", PREVIEW, memo).fast_path  # the cache now holds the new body
    assert rebuild(site, tmp_path / "public").fast_path
    assert snapshot(tmp_path / "preview") == clean_preview(site, tmp_path / "clean-preview")


def test_a_preview_says_which_way_each_rebuild_took(site: Path, tmp_path: Path) -> None:
    said: list[str] = []
    preview = Preview(site, tmp_path / "preview", log=said.append)
    assert preview.rebuild()
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert preview.rebuild()
    built = [line for line in said if line.startswith("built: ")]
    assert built[0].endswith("(the whole way: no record of the last build (a first build, one that failed, "
                             "or one with warnings))"), said
    assert built[1].startswith("built: 1 of ") and built[1].endswith(" (the quick way)"), said
    # The fixture's raw HTML shown as text is warned about by both ways, the same.
    warnings = [line for line in said if ": warning: " in line]
    assert warnings and warnings[:len(warnings) // 2] == warnings[len(warnings) // 2:], said


def test_a_post_with_an_image_beside_it_takes_the_quick_way_until_the_image_changes(site: Path,
                                                                                     tmp_path: Path) -> None:
    (site / POSTS / "schema.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', "utf-8")
    edit(site, PREMIER, "Un second paragraphe", "![Un schéma](schema.svg)\n\nUn second paragraphe")
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert rebuild(site, output).fast_path
    assert (output / "2020" / "11" / "premier-article" / "schema.svg").is_file()
    (site / POSTS / "schema.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>\n', "utf-8")
    edit(site, PREMIER, "Un autre paragraphe", "Un troisième paragraphe")
    report = rebuild(site, output)
    assert not report.fast_path and "other than a post" in report.fast_path_not_because


def test_a_preview_takes_the_whole_way_once_a_scheduled_posts_time_has_come(site: Path, tmp_path: Path) -> None:
    output, memo = tmp_path / "preview", Memo()
    build_site(site, output, PREVIEW, memo)
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    later = "2099-06-01T12:00:00+02:00"  # after the fixture's post of 2027: no longer scheduled
    report = build_site(site, output, dataclasses.replace(PREVIEW, now=datetime.fromisoformat(later)), memo)
    assert not report.fast_path and "the moment" in report.fast_path_not_because
    assert blog("build", "--source", site, "--output", tmp_path / "clean", "--now", later, "--no-search",
                "--no-cache", "--drafts", "--future").code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_site_built_from_its_own_folder_keeps_its_posts_and_takes_the_quick_way(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site)  # `blog build` with its default `--source .`, as an editor runs it
    assert blog("build", "--output", tmp_path / "public", "--now", NOW, "--no-search").code == 0
    assert len(list((site / ".cache" / "posts").iterdir())) > 0  # the posts cache holds the posts
    edit(site, PREMIER, "Un second paragraphe", "Un autre paragraphe")
    run = blog("build", "--output", tmp_path / "public", "--now", NOW, "--no-search", "--explain")
    assert run.code == 0 and "1 post file read" in run.stdout, run.stdout
    assert "from the last build's record" in run.stdout, run.stdout
    assert snapshot(tmp_path / "public") == clean(site, tmp_path / "clean")
