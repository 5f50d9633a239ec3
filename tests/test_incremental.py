"""A build with nothing to do says so at once and writes nothing; any change to what a build
reads (a post, a template, a static file, the options, the output, the passing of time) makes
the next build do the work, and its result equals a clean build."""

from __future__ import annotations

import os
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from builder.incremental.last_build import LIBRARIES, library_versions
from builder.writer.write import MARKER
from support import CYBERATTAQUES, NOW, blog, delete_premier, file_for, snapshot

UP_TO_DATE = "Nothing changed"
LATER = "2099-06-01T12:00:00+02:00"  # after the fixture's future post


def build(site: Path, output: Path, *extra: str, now: str = NOW):
    """Build with the cache on (the default), at a given moment."""
    return blog("build", "--source", site, "--output", output, "--now", now, "--no-search", *extra)


def clean(site: Path, output: Path, *extra: str, now: str = NOW) -> dict[str, bytes]:
    """Give the tree a clean build (no cache) of the site writes."""
    assert build(site, output, "--no-cache", *extra, now=now).code == 0
    return snapshot(output)


def test_a_second_build_with_nothing_changed_writes_nothing(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    first = build(site, output)
    assert first.code == 0 and UP_TO_DATE not in first.stdout
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*")}
    second = build(site, output)
    assert second.code == 0 and second.stdout.startswith(UP_TO_DATE), second.stdout
    assert {path: path.stat().st_mtime_ns for path in output.rglob("*")} == before


@pytest.mark.parametrize("change", ["post", "touched-post", "template", "static", "config", "new-post",
                                    "deleted-post"])
def test_any_change_to_the_sources_rebuilds_and_equals_a_clean_build(site: Path, tmp_path: Path, change: str) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    posts = site / "content" / "posts"
    if change == "post":
        post = posts / "premier-article.md"
        post.write_text(post.read_text("utf-8").replace("Un second paragraphe", "Un autre paragraphe"), "utf-8")
    elif change == "touched-post":  # a new time, the same bytes
        post = posts / "premier-article.md"
        os.utime(post, ns=(post.stat().st_atime_ns, post.stat().st_mtime_ns + 10**9))
    elif change == "template":
        (site / "templates").mkdir()
        (site / "templates" / "404.html").write_text('{% extends "base.html" %}{% block main %}<h1>Perdu</h1>{% endblock %}')
    elif change == "static":
        (site / "static").mkdir()
        (site / "static" / "humans.txt").write_text("La rédaction\n")
    elif change == "config":
        config = site / "site.yaml"
        config.write_text(config.read_text("utf-8").replace("posts_per_page: 2", "posts_per_page: 3"), "utf-8")
    elif change == "new-post":
        (posts / "nouveau.md").write_text("---\ntitle: Nouveau\ndate: 2021-03-03T09:00:00+01:00\n"
                                          "topic: securite\ntags: [CNIL, RGPD]\n---\n\nTexte.\n", "utf-8")
    else:
        delete_premier(site)
    again = build(site, output)
    assert again.code == 0 and UP_TO_DATE not in again.stdout
    assert snapshot(output) == clean(site, tmp_path / "clean")


def test_files_changed_or_deleted_in_the_output_are_restored_alone_and_said(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    deleted, changed, truncated = output / "tags" / "index.html", output / "404.html", file_for(output, CYBERATTAQUES)
    deleted.unlink()
    original, stat = changed.read_bytes(), changed.stat()
    changed.write_bytes(original.replace(b"<", b">", 1))  # the same size, other bytes, another time
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    truncated.write_bytes(truncated.read_bytes()[:100])
    damaged = {path.relative_to(output).as_posix() for path in (deleted, changed, truncated)}
    times = {path: path.stat().st_mtime_ns for path in output.rglob("*")
             if path.is_file() and path.name != MARKER and path not in (deleted, changed, truncated)}

    run = build(site, output)

    assert run.code == 0 and UP_TO_DATE not in run.stdout, run.stdout
    counts = re.search(r"(\d+) files written, \d+ unchanged, (\d+) deleted", run.stdout)
    assert counts and counts.groups() == ("3", "0"), run.stdout
    said = re.search(r"^Restored 3 files of .+ changed or deleted since the last build: (.+)$", run.stdout, re.M)
    assert said and set(said[1].split(", ")) == damaged, run.stdout
    assert {path: path.stat().st_mtime_ns for path in times} == times, "a file that was as built was written"
    assert snapshot(output) == clean(site, tmp_path / "clean")
    assert build(site, output).stdout.startswith(UP_TO_DATE)


def test_other_options_or_a_removed_output_rebuild(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    drafts = build(site, output, "--drafts")
    assert UP_TO_DATE not in drafts.stdout
    assert snapshot(output) == clean(site, tmp_path / "clean-drafts", "--drafts")
    assert build(site, output, "--drafts").stdout.startswith(UP_TO_DATE)
    for path in sorted(output.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    output.rmdir()
    assert UP_TO_DATE not in build(site, output, "--drafts").stdout
    assert (output / "index.html").is_file()


def test_a_post_whose_time_has_come_is_published_without_any_edit(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    assert build(site, output).stdout.startswith(UP_TO_DATE)
    later = build(site, output, now=LATER)  # the future post is now due
    assert UP_TO_DATE not in later.stdout
    assert snapshot(output) == clean(site, tmp_path / "clean", now=LATER)
    earlier = build(site, output, now=NOW)  # and back: it is in the future again
    assert UP_TO_DATE not in earlier.stdout
    assert snapshot(output) == clean(site, tmp_path / "clean-again")


def test_with_future_posts_a_post_whose_time_has_come_is_no_longer_marked_scheduled(site: Path,
                                                                                     tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output, "--future").code == 0
    assert build(site, output, "--future").stdout.startswith(UP_TO_DATE)
    later = build(site, output, "--future", now=LATER)  # its date has passed: no "Programmé" badge
    assert UP_TO_DATE not in later.stdout
    assert snapshot(output) == clean(site, tmp_path / "clean", "--future", now=LATER)


def test_no_cache_always_does_the_whole_work(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    assert UP_TO_DATE not in build(site, output, "--no-cache").stdout


def test_explain_says_what_was_read_rendered_and_written(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build(site, output).code == 0
    post = site / "content" / "posts" / "premier-article.md"
    post.write_text(post.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    run = build(site, output, "--explain")
    stages = {line.split()[0]: line for line in run.stdout.splitlines()[1:]}
    assert "1 post file read" in stages["load"] and "1 of them changed" in stages["load"], run.stdout
    # A body edit that leaves the post's card as it was: only its page and feeds are made.
    assert {"record", "config", "load", "render", "feeds", "publish"} <= stages.keys(), run.stdout
    assert "Nothing changed" in build(site, output, "--explain").stdout


def test_the_library_versions_a_build_depends_on_are_those_installed() -> None:
    assert library_versions() == tuple(version(name) for name in LIBRARIES)
