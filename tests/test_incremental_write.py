"""A build that knows what the output holds (its ledger in `.cache/outputs/`) makes only the
pages whose inputs changed, writes only the files whose bytes changed, and deletes the files no
page writes any more; it moves them in through a journal, which is carried out to the end even
when the build is stopped on the way. Its output always equals a clean build."""

from __future__ import annotations

import json
import os
import pickle
import re
from datetime import datetime
from pathlib import Path

import pytest

import builder.writer.write
from builder.build import BuildOptions, Memo, build as build_site
from builder.content.folders import default_theme
from builder.writer.write import MARKER, recover
from support import NOW, blog, delete_premier, edit, snapshot

POSTS = "content/posts"


def build(site: Path, output: Path, *extra: str):
    """Build with the cache and its ledger (the default), without the search index."""
    return blog("build", "--source", site, "--output", output, "--now", NOW, "--no-search", *extra)


def clean(site: Path, output: Path) -> dict[str, bytes]:
    """Give the tree a clean build (no cache, no ledger) of the site writes."""
    run = build(site, output, "--no-cache")
    assert run.code == 0, run.stderr
    return snapshot(output)


def mtimes(output: Path) -> dict[str, int]:
    """Give the time of every file of the output but its marker."""
    return {path.relative_to(output).as_posix(): path.stat().st_mtime_ns
            for path in output.rglob("*") if path.is_file() and path.name != MARKER}


def test_one_edit_rewrites_only_the_files_whose_bytes_change(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    before, times = snapshot(output), mtimes(output)
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")

    run = build(site, output, "--explain")

    assert run.code == 0, run.stderr
    after = snapshot(output)
    assert after == clean(site, tmp_path / "clean")
    changed = {path for path in after if after[path] != before.get(path)} - {MARKER}
    assert changed, "the edit changed nothing"
    untouched = [path for path, time in mtimes(output).items() if path not in changed and times.get(path) == time]
    assert len(untouched) == len(after) - 1 - len(changed), "a file whose bytes did not change was written"
    counts = re.search(r"(\d+) files? written, (\d+) unchanged, (\d+) deleted", run.stdout.splitlines()[0])
    assert counts and tuple(map(int, counts.groups())) == (len(changed), len(after) - 1 - len(changed), 0), run.stdout


def test_a_deleted_post_takes_its_page_and_empty_folders_away(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    delete_premier(site)
    assert build(site, output).code == 0
    assert snapshot(output) == clean(site, tmp_path / "clean")
    folders = {path.relative_to(output) for path in output.rglob("*") if path.is_dir()}
    assert folders == {path.relative_to(tmp_path / "clean") for path in (tmp_path / "clean").rglob("*") if path.is_dir()}


def test_a_file_changed_in_the_output_is_written_again(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    (output / "404.html").write_text("abîmé", "utf-8")
    (output / "tags" / "index.html").unlink()
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    assert build(site, output).code == 0
    assert snapshot(output) == clean(site, tmp_path / "clean")


@pytest.mark.parametrize("damage", ["garbage", "checksum", "missing"])
def test_a_damaged_ledger_leads_to_a_whole_build(site: Path, tmp_path: Path, damage: str) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    [ledger] = (site / ".cache" / "outputs").iterdir()
    if damage == "garbage":
        ledger.write_bytes(b"\x00{not json")
    elif damage == "checksum":  # a file said to be held with other bytes
        head, files = ledger.read_bytes().split(b"\n", 1)
        held = pickle.loads(files)
        held["index.html"] = (held["index.html"][0], "0" * 32, *held["index.html"][2:])
        ledger.write_bytes(head + b"\n" + pickle.dumps(held))
    else:
        ledger.unlink()
    (output / "index.html").write_text("abîmé", "utf-8")
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    run = build(site, output, "--explain")
    assert run.code == 0, run.stderr
    assert snapshot(output) == clean(site, tmp_path / "clean")
    assert "swapped in whole" in run.stdout


def test_a_build_stopped_while_moving_files_in_finishes_the_move(site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    # Many files change; its address stays, which un-peu-de-code.md links to.
    edit(site / POSTS / "premier-article.md", "title: ", "slug: premier-article\ntitle: Nouveau titre, ")
    real_replace, calls = os.replace, []

    def stopped_once(source, target):
        calls.append(target)
        if len(calls) == 3:  # the third file of the journal: Ctrl-C
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(builder.writer.write.os, "replace", stopped_once)
    with pytest.raises(KeyboardInterrupt):
        build(site, output)
    monkeypatch.undo()
    assert snapshot(output) == clean(site, tmp_path / "clean")
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".public.")] == []


def test_a_journal_left_by_a_killed_build_is_carried_out_by_the_next(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    old = snapshot(output)
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    new = clean(site, tmp_path / "clean")
    # What a build killed after moving one file of three leaves: a journal, and the files not moved yet.
    changed = sorted(path for path in new if path != MARKER and new[path] != old.get(path))
    assert len(changed) >= 2
    staging = tmp_path / ".public.staging-killed"
    for path in changed[1:]:
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        (staging / path).write_bytes(new[path])
    (output / changed[0]).write_bytes(new[changed[0]])
    journal = {"staging": staging.name, "moves": changed, "deletes": sorted(set(old) - set(new))}
    (tmp_path / ".public.journal").write_text(json.dumps(journal), "utf-8")

    recover(output)  # what every build does first

    assert {path: data for path, data in snapshot(output).items() if path != MARKER} == \
           {path: data for path, data in new.items() if path != MARKER}
    assert not staging.exists() and not (tmp_path / ".public.journal").exists()


def test_a_marker_half_written_by_a_killed_build_leaves_the_output(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    built = snapshot(output)
    # What a build killed while carrying out its journal, between the marker's temporary file
    # and its rename, leaves: the journal (its moves done) and that file in the output.
    (output / f".{MARKER}.k1ll3d").write_bytes(b"")
    journal = {"staging": ".public.staging-killed", "moves": [], "deletes": []}
    (tmp_path / ".public.journal").write_text(json.dumps(journal), "utf-8")

    recover(output)  # what every build does first: a build killed after it must leave a whole site

    assert snapshot(output) == built and not (tmp_path / ".public.journal").exists()


@pytest.mark.parametrize("entry", ["../outside.txt", "/etc/passwd-copy", "a/../../outside.txt"])
def test_a_journal_naming_a_path_outside_the_output_is_ignored(tmp_path: Path, entry: str) -> None:
    output = tmp_path / "site" / "public"
    output.mkdir(parents=True)
    (output / MARKER).write_bytes(b"")
    staging = output.parent / ".public.staging-x"
    staging.mkdir()
    (staging / "outside.txt").write_text("x", "utf-8")
    (output.parent / ".public.journal").write_text(json.dumps({"staging": staging.name, "moves": [entry],
                                                               "deletes": [entry]}), "utf-8")
    recover(output)
    assert not (tmp_path / "site" / "outside.txt").exists() and not (tmp_path / "outside.txt").exists()
    assert not (output.parent / ".public.journal").exists()


@pytest.mark.parametrize("template, mark", [("tags.html", "{% block main %}"), ("base.html", "</main>")])
def test_a_template_change_renders_again_the_pages_that_use_it(site: Path, tmp_path: Path, template: str,
                                                               mark: str) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    theme = default_theme() / "templates"  # the site's own templates/ overrides it, file by file
    (site / "templates").mkdir()
    text = (theme / template).read_text("utf-8")
    (site / "templates" / template).write_text(text.replace(mark, mark + "<p>Modifié.</p>", 1), "utf-8")
    run = build(site, output, "--explain")
    assert run.code == 0, run.stderr
    render = next(line for line in run.stdout.splitlines() if line.split()[:1] == ["render"])
    rendered = int(re.search(r"(\d+) pages? rendered", render).group(1))
    if template == "tags.html":
        assert rendered == 1 and "/tags/" in render, render
    else:  # every page extends base.html
        assert rendered == len(list(output.rglob("*.html"))), render
    assert snapshot(output) == clean(site, tmp_path / "clean")


def test_a_preview_started_again_goes_on_from_where_the_last_one_stopped(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "preview"
    options = BuildOptions(drafts=True, future=True, now=datetime.fromisoformat(NOW), cache=True, search=False)
    first = build_site(site, output, options, Memo())
    assert not first.merged and first.rendered > 0
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    again = build_site(site, output, options, Memo())  # a new `blog serve`: an empty memo
    assert again.merged and 0 < again.rendered < first.rendered, again.rendered_because
    clean = tmp_path / "clean"
    assert build(site, clean, "--no-cache", "--drafts", "--future").code == 0
    assert snapshot(output) == snapshot(clean)


def test_a_preview_keeps_its_compiled_templates_until_one_of_them_changes(site: Path, tmp_path: Path) -> None:
    output, memo = tmp_path / "preview", Memo()
    options = BuildOptions(drafts=True, future=True, now=datetime.fromisoformat(NOW), cache=True, search=False)
    build_site(site, output, options, memo)
    kept = memo.templates
    edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    build_site(site, output, options, memo)
    assert memo.templates is kept  # the same environment, its templates compiled once
    (site / "templates").mkdir(exist_ok=True)
    tags = (default_theme() / "templates" / "tags.html").read_text("utf-8")
    (site / "templates" / "tags.html").write_text(tags.replace("</h1>", "</h1>\n<p>Modifié.</p>", 1), "utf-8")
    report = build_site(site, output, options, memo)
    assert memo.templates is not kept and report.rendered_because == {"whose inputs changed": ["/tags/"]}
    assert "Modifié." in (output / "tags" / "index.html").read_text("utf-8")
    clean = tmp_path / "clean"
    assert build(site, clean, "--no-cache", "--drafts", "--future").code == 0
    assert snapshot(output) == snapshot(clean)


def test_a_build_and_a_preview_each_keep_their_related_posts_for_the_next(site: Path, tmp_path: Path) -> None:
    preview = BuildOptions(drafts=True, future=True, now=datetime.fromisoformat(NOW), cache=True, search=False)
    memo = site / ".cache" / "memo"
    for turn in range(2):  # an editor previews, publishes, edits a body, and does both again
        assert build(site, tmp_path / "public").code == 0
        build_site(site, tmp_path / "preview", preview, Memo())
        if turn == 0:
            kept = {path.name: path.stat().st_mtime_ns for path in memo.iterdir()}
            edit(site / POSTS / "premier-article.md", "Un second paragraphe", "Un autre paragraphe")
    assert len(kept) == 2  # one for each set of posts
    assert {path.name: path.stat().st_mtime_ns for path in memo.iterdir()} == kept  # neither computed again
