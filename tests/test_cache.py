"""The build cache and parallel work change nothing in the output: a cached build, an
uncached one, one on one process and one on two give the same bytes; a damaged cache is
detected and rebuilt, never trusted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import build, snapshot

CACHE = Path(".cache") / "posts.pickle"


def grow(site: Path, count: int = 80) -> None:
    """Add enough posts for the work to be spread over processes."""
    for number in range(count):
        (site / "content" / "posts" / f"lot-{number:03d}.md").write_text(
            f"---\ntitle: Lot {number}\ndate: 2020-06-{number % 28 + 1:02d}T08:00:00+02:00\ntopic: securite\n"
            f"tags: [CNIL, lot-{number % 5}]\n---\n\nLe texte {number}, avec du **gras**.\n\n## Partie\n\nSuite.\n",
            "utf-8")


def test_a_cached_build_equals_an_uncached_one(site: Path, tmp_path: Path) -> None:
    assert build(site, tmp_path / "plain", "--no-cache").code == 0
    assert not (site / CACHE).exists()
    assert build(site, tmp_path / "first").code == 0
    assert (site / CACHE).is_file()
    assert build(site, tmp_path / "second").code == 0  # from the cache
    assert snapshot(tmp_path / "plain") == snapshot(tmp_path / "first") == snapshot(tmp_path / "second")


def test_one_process_and_two_give_the_same_bytes(site: Path, tmp_path: Path) -> None:
    grow(site)
    assert build(site, tmp_path / "one", "--jobs", "1", "--no-cache").code == 0
    assert build(site, tmp_path / "two", "--jobs", "2", "--no-cache").code == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "garbage", "empty", "foreign-pickle"])
def test_a_damaged_cache_is_rebuilt_not_trusted(site: Path, tmp_path: Path, damage: str) -> None:
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert build(site, tmp_path / "warm").code == 0
    cache = site / CACHE
    data = cache.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "flip-a-byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
        "garbage": b"\x00" * 100,
        "empty": b"",
        # A well-formed header over a pickle that would run code if it were trusted.
        "foreign-pickle": data.partition(b"\n")[0].rsplit(b" ", 1)[0] + b" x\ncos\nsystem\n(S'touch pwned'\ntR.",
    }[damage]
    cache.write_bytes(damaged)
    # An edit since the cache was written: a trusted stale cache would miss it.
    post = site / "content" / "posts" / "premier-article.md"
    assert build(site, tmp_path / "after").code == 0
    assert snapshot(tmp_path / "after") == snapshot(tmp_path / "clean")
    assert not Path("pwned").exists()
    assert cache.read_bytes() != damaged  # rewritten whole
    assert post.is_file()


def test_an_edit_is_seen_even_when_the_cache_knows_the_old_file(site: Path, tmp_path: Path) -> None:
    assert build(site, tmp_path / "warm").code == 0
    post = site / "content" / "posts" / "premier-article.md"
    post.write_text(post.read_text("utf-8").replace("Un second paragraphe", "Un paragraphe modifié"), "utf-8")
    assert build(site, tmp_path / "cached").code == 0
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert snapshot(tmp_path / "cached") == snapshot(tmp_path / "clean")
    assert "Un paragraphe modifié" in (tmp_path / "cached" / "2020" / "11" / "premier-article" / "index.html").read_text("utf-8")


def test_touched_files_read_again_on_two_processes_give_the_same_site(site: Path, tmp_path: Path) -> None:
    grow(site)
    assert build(site, tmp_path / "clean", "--no-cache", "--jobs", "1").code == 0
    assert build(site, tmp_path / "warm", "--jobs", "2").code == 0
    for post in (site / "content" / "posts").iterdir():  # new times, same bytes: read, not rendered
        os.utime(post, ns=(post.stat().st_atime_ns, post.stat().st_mtime_ns + 10**9))
    assert build(site, tmp_path / "touched", "--jobs", "2").code == 0
    assert snapshot(tmp_path / "touched") == snapshot(tmp_path / "clean")
