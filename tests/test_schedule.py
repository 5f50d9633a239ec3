"""Scheduled posts: `blog build` writes `/schedule.json`, the date of the newest post it published,
and `blog due` tells a scheduled CI run, from the deployed site's copy of that file, whether a post
came due since: `due=true` builds and deploys, `due=false` does nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from support import NOW, blog, build, snapshot

FUTURE_DATE = "2027-01-15T09:00:00+01:00"
NEWEST_AT_NOW = "2021-03-01T00:30:00+01:00"  # cyberattaques.md: 2021-02-28T23:30:00Z, in the site's timezone


def deployed(site: Path, output: Path, now: str) -> Path:
    """Build the site at `now`, as the deploy the scheduled run compares with; give its schedule."""
    run = blog("build", "--source", site, "--output", output, "--now", now, "--no-search")
    assert run.code == 0, run.stderr
    return output / "schedule.json"


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
    clean = build(site, tmp_path / "clean", "--no-cache")
    assert (site / "public" / "schedule.json").read_bytes() == (tmp_path / "clean" / "schedule.json").read_bytes()
