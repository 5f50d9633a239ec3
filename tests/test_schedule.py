"""Scheduled posts: `blog build` writes `/schedule.json`, the date of the newest post it published,
and `blog due` tells a scheduled CI run, from the deployed site's copy of that file, whether a post
came due since: `due=true` builds and deploys, `due=false` does nothing."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support import NOW, Run, blog, build, snapshot

FUTURE_POST = "content/posts/article-du-futur.md"  # the fixture's post dated 2027-01-15T09:00:00+01:00
FUTURE_DATE = "2027-01-15T09:00:00+01:00"
NEWEST_AT_NOW = "2021-03-01T00:30:00+01:00"  # cyberattaques.md: 2021-02-28T23:30:00Z, in the site's timezone


def scheduled(site: Path, name: str, date: str, draft: bool = False) -> Path:
    """Add a post dated `date` to the site (a draft if asked) and give its file."""
    path = site / "content" / "posts" / f"{name}.md"
    path.write_text(f"---\ntitle: Programmé {name}\ndate: {date}\ntopic: securite\ntags: [RGPD, avenir]\n"
                    + "draft: true\n" * draft + f"---\n\nUn article programmé ({name}).\n", "utf-8")
    return path


def deployed(site: Path, output: Path, now: str) -> Path:
    """Build the site at `now`, as the deploy the scheduled run compares with; give its schedule."""
    run = blog("build", "--source", site, "--output", output, "--now", now, "--no-search")
    assert run.code == 0, run.stderr
    return output / "schedule.json"


def due(site: Path, schedule: Path | str, now: str) -> Run:
    """Ask `blog due` at `now` against the deployed schedule."""
    return blog("due", "--source", site, "--deployed", schedule, "--now", now)


def answer(run: Run) -> bool:
    """Give the decision `blog due` printed, for $GITHUB_OUTPUT: its one `due=` line."""
    assert run.code == 0, run.stderr
    [line] = run.stdout.splitlines()
    key, value = line.split("=")
    assert key == "due" and value in ("true", "false"), line
    return value == "true"


# --- what the build records -----------------------------------------------------------------------

def test_the_build_records_the_date_of_the_newest_post_it_published(built: Path) -> None:
    record = json.loads((built / "schedule.json").read_text("utf-8"))
    feed = json.loads((built / "feed.json").read_text("utf-8"))
    newest = max(datetime.fromisoformat(item["date_published"]) for item in feed["items"])
    assert datetime.fromisoformat(record["newest_post"]) == newest
    assert record == {"newest_post": NEWEST_AT_NOW}  # neither the future post nor the draft


def test_the_schedule_names_no_post_to_come_nor_the_moment_of_the_build(site: Path, tmp_path: Path) -> None:
    # Two builds at different moments publishing the same posts write the same bytes.
    first = deployed(site, tmp_path / "first", NOW)
    second = deployed(site, tmp_path / "second", "2026-12-31T23:59:00+01:00")
    assert first.read_bytes() == second.read_bytes()
    assert b"2027" not in first.read_bytes()


def test_a_site_without_a_published_post_records_none(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", "2020-01-01T00:00:00+01:00")
    assert json.loads(schedule.read_text("utf-8")) == {"newest_post": None}


def test_a_rebuild_with_the_cache_records_a_post_come_due_as_a_clean_build_does(site: Path, tmp_path: Path) -> None:
    later = "2027-01-15T10:00:00+01:00"
    deployed(site, site / "public", NOW)
    again = deployed(site, site / "public", later)  # the cache, the ledger and the state of the first build
    clean = blog("build", "--source", site, "--output", tmp_path / "clean", "--now", later, "--no-search", "--no-cache")
    assert clean.code == 0, clean.stderr
    assert json.loads(again.read_text("utf-8")) == {"newest_post": FUTURE_DATE}
    assert snapshot(site / "public") == snapshot(tmp_path / "clean")


def test_a_quick_rebuild_keeps_the_schedule_of_a_clean_build(site: Path, tmp_path: Path) -> None:
    deployed(site, site / "public", NOW)
    post = site / "content" / "posts" / "un-peu-de-code.md"
    post.write_text(post.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    quick = blog("build", "--source", site, "--output", site / "public", "--now", NOW, "--no-search", "--explain")
    assert quick.code == 0 and "the whole way" not in quick.stdout, quick.stdout
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert (site / "public" / "schedule.json").read_bytes() == (tmp_path / "clean" / "schedule.json").read_bytes()


def test_the_build_says_when_the_next_post_is_due_drafts_aside(site: Path, tmp_path: Path) -> None:
    scheduled(site, "brouillon-programme", "2026-12-01T09:00:00+01:00", draft=True)
    scheduled(site, "lundi", "2026-12-07T09:00:00+01:00")
    summaries = {flags: build(site, tmp_path / "-".join(("out",) + flags), *flags).stdout.splitlines()[0]
                 for flags in ((), ("--drafts",), ("--future",))}
    assert summaries[()].endswith("; left out: 2 drafts, 2 future posts (the next due at 2026-12-07T09:00:00+01:00)")
    assert summaries[("--drafts",)].endswith("; left out: 3 future posts (the next due at 2026-12-01T09:00:00+01:00)")
    assert summaries[("--future",)].endswith("; left out: 2 drafts")  # none left out as future, none due


# --- what `blog due` decides --------------------------------------------------------------------

def test_nothing_is_due_while_no_post_reaches_its_date(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", NOW)
    run = due(site, schedule, "2027-01-15T08:59:59+01:00")
    assert not answer(run)
    assert f"the next post is due at {FUTURE_DATE}" in run.stderr and FUTURE_POST in run.stderr


def test_a_post_is_due_from_its_date_on_since_the_last_deploy(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", NOW)
    for now in (FUTURE_DATE, "2027-01-15T08:00:00Z", "2027-03-01T00:00:00+01:00"):  # the same moment, and later
        run = due(site, schedule, now)
        assert answer(run), now
        assert "1 post came due" in run.stderr and FUTURE_POST in run.stderr


def test_a_post_published_by_the_last_deploy_is_not_due_again(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", "2027-01-15T09:30:00+01:00")
    assert not answer(due(site, schedule, "2027-01-15T10:07:00+01:00"))
    assert not answer(due(site, schedule, "2030-01-01T00:00:00+01:00"))


def test_drafts_never_come_due(site: Path, tmp_path: Path) -> None:
    scheduled(site, "brouillon-programme", "2026-12-01T09:00:00+01:00", draft=True)
    schedule = deployed(site, tmp_path / "out", NOW)
    run = due(site, schedule, "2026-12-02T09:00:00+01:00")
    assert not answer(run)
    assert "brouillon-programme" not in run.stderr  # not even as the next post


def test_several_posts_come_due_and_each_deploy_publishes_those_due_by_then(site: Path, tmp_path: Path) -> None:
    scheduled(site, "lundi", "2026-11-30T09:00:00+01:00")
    scheduled(site, "mardi", "2026-12-01T09:00:00+01:00")
    scheduled(site, "mercredi", "2026-12-02T09:00:00+01:00")
    schedule = deployed(site, tmp_path / "first", NOW)
    run = due(site, schedule, "2026-12-01T10:07:00+01:00")
    assert answer(run)
    assert "2 posts came due" in run.stderr and "lundi.md" in run.stderr and "mardi.md" in run.stderr
    assert "mercredi.md" in run.stderr.split("the next post is due at")[1]  # only named as the next one
    # The scheduled run deploys; the next hour, nothing is due until Wednesday's post.
    schedule = deployed(site, tmp_path / "second", "2026-12-01T10:07:00+01:00")
    assert json.loads(schedule.read_text("utf-8")) == {"newest_post": "2026-12-01T09:00:00+01:00"}
    assert not answer(due(site, schedule, "2026-12-01T11:07:00+01:00"))
    assert answer(due(site, schedule, "2026-12-02T09:07:00+01:00"))


def test_every_post_due_counts_when_the_deployed_site_had_none(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", "2020-01-01T00:00:00+01:00")
    assert not answer(due(site, schedule, "2020-06-01T00:00:00+01:00"))
    run = due(site, schedule, NOW)
    assert answer(run)
    assert f"6 posts came due ({schedule} names no post)" in run.stderr  # the fixture's, drafts aside


def test_a_moment_without_an_offset_is_read_in_the_sites_timezone(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", NOW)
    assert not answer(due(site, schedule, "2027-01-15T08:59:00"))
    assert answer(due(site, schedule, "2027-01-15T09:00:00"))


def test_the_deployed_schedule_is_read_over_http(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", NOW)
    handler = partial(SimpleHTTPRequestHandler, directory=str(schedule.parent))
    handler.log_message = lambda *args: None
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            address = f"http://127.0.0.1:{server.server_address[1]}/schedule.json"
            assert not answer(due(site, address, "2026-12-01T00:00:00+01:00"))
            assert answer(due(site, address, "2027-01-16T00:00:00+01:00"))
            missing = due(site, address.replace("schedule", "absent"), "2026-12-01T00:00:00+01:00")
        finally:
            server.shutdown()
    assert answer(missing) and "404" in missing.stderr  # a site deployed before schedule.json existed


@pytest.mark.parametrize("content", [None, b"<!doctype html><title>Page introuvable</title>", b'{"newest_post": 3}',
                                     b'{"newest_post": "2021-03-01T00:30:00"}', b"{}",
                                     b'{"newest_post": null, "padding": "' + b"x" * 5000 + b'"}'],
                         ids=["missing", "html", "not-a-date", "no-offset", "no-field", "too-long"])
def test_a_deployed_schedule_that_cannot_be_read_builds(site: Path, tmp_path: Path, content: bytes | None) -> None:
    schedule = tmp_path / "schedule.json"
    if content is not None:
        schedule.write_bytes(content)
    run = due(site, schedule, "2026-12-01T00:00:00+01:00")
    assert answer(run)  # building is safe; not building could leave a post out for good
    assert str(schedule) in run.stderr and "building" in run.stderr


def test_a_post_that_cannot_be_read_is_a_content_error(site: Path, tmp_path: Path) -> None:
    schedule = deployed(site, tmp_path / "out", NOW)
    broken = scheduled(site, "casse", "2026-13-01T09:00:00+01:00")
    run = due(site, schedule, "2026-12-01T00:00:00+01:00")
    assert run.code == 1 and run.stdout == ""
    [problem] = run.problems()
    assert problem.path == broken.resolve() and problem.line == 3


def test_due_needs_a_site_root(tmp_path: Path) -> None:
    run = blog("due", "--source", tmp_path, "--deployed", tmp_path / "schedule.json")
    assert run.code == 2 and "no site.yaml there" in run.stderr
