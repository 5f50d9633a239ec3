"""The build cache and parallel work change nothing in the output: a cached build, an
uncached one, one on one process and one on two give the same bytes; a damaged cache is
detected and rebuilt, never trusted; an edit rewrites only the shard file of its post."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from builder.build import BuildOptions, build as build_site
from builder.incremental import fast_path, last_build, output_record, post_cache, store
from builder.content.config import load_config
from builder.core.model import Asset, Heading, Page, Post, PostLink, Reference, Tag, Topic
from support import NOW, build, edit, snapshot

SHARDS = Path(".cache") / "posts"
PREMIER = Path("content") / "posts" / "premier-article.md"


def grow(site: Path, count: int = 80, own_tags: bool = False) -> None:
    """Add enough posts for the work to be spread over processes; with `own_tags`, each with a
    tag of its own too, so that the feeds (two for each tag) are spread as well."""
    for number in range(count):
        own = f", sujet-{number}" if own_tags else ""
        (site / "content" / "posts" / f"lot-{number:03d}.md").write_text(
            f"---\ntitle: Lot {number}\ndate: 2020-06-{number % 28 + 1:02d}T08:00:00+02:00\ntopic: securite\n"
            f"tags: [CNIL, lot-{number % 5}{own}]\n---\n\nLe texte {number}, avec du **gras**.\n\n## Partie\n\nSuite.\n",
            "utf-8")


def shard_holding(site: Path, post: Path) -> Path:
    """Give the shard file that holds a post (pickle keeps its relative path as UTF-8 bytes)."""
    [shard] = [path for path in (site / SHARDS).glob("*.pickle") if post.as_posix().encode() in path.read_bytes()]
    return shard


def reseal(data: bytes, body: bytes, **changes: object) -> bytes:
    """Give a file of the store with `body` under the header of the file `data` (with these
    `changes`), its checksum made right again: as anyone could, the checksum being no secret."""
    header = store.parse_header(data.partition(b"\n")[0])
    assert header is not None
    header = dataclasses.replace(header, checksum=hashlib.sha256(body).hexdigest(), **changes)
    return store.header_line(header) + b"\n" + body


def shard_versions(site: Path) -> dict[str, tuple[int, int]]:
    """Give each shard file's inode and time: a rewrite (a new file renamed over) changes both."""
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in (site / SHARDS).glob("*.pickle")}


def cached(site: Path) -> dict[Path, Post]:
    """Give the posts the site's cache holds for its current config."""
    return post_cache.read_posts(site, post_cache.cache_key(load_config(site)))


def test_a_cached_build_equals_an_uncached_one(site: Path, tmp_path: Path) -> None:
    assert build(site, tmp_path / "plain", "--no-cache").code == 0
    assert not (site / SHARDS).exists()
    assert build(site, tmp_path / "first").code == 0
    assert len(cached(site)) == len(list((site / "content" / "posts").rglob("*.md")))
    assert build(site, tmp_path / "second").code == 0  # from the cache
    assert snapshot(tmp_path / "plain") == snapshot(tmp_path / "first") == snapshot(tmp_path / "second")


def test_one_process_and_two_give_the_same_bytes(site: Path, tmp_path: Path) -> None:
    grow(site, own_tags=True)
    assert build(site, tmp_path / "one", "--jobs", "1", "--no-cache").code == 0
    assert build(site, tmp_path / "two", "--jobs", "2", "--no-cache").code == 0
    two = snapshot(tmp_path / "two")
    assert snapshot(tmp_path / "one") == two
    # Enough of each kind of work for two processes to share it (at least 32 tasks each).
    assert sum(name.endswith(("/feed.xml", "/atom.xml")) for name in two) >= 64
    assert sum(name.endswith(".html") for name in two) >= 64


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "garbage", "empty", "foreign-pickle"])
def test_a_damaged_cache_is_rebuilt_not_trusted(site: Path, tmp_path: Path, damage: str) -> None:
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert build(site, tmp_path / "warm").code == 0
    shard = shard_holding(site, PREMIER)
    data = shard.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "flip-a-byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
        "garbage": b"\x00" * 100,
        "empty": b"",
        # A well-formed header over a pickle that would run code if it were trusted.
        "foreign-pickle": reseal(data, f"cos\nsystem\n(S'touch {tmp_path / 'pwned'}'\ntR.".encode()),
    }[damage]
    shard.write_bytes(damaged)
    assert build(site, tmp_path / "after").code == 0
    assert snapshot(tmp_path / "after") == snapshot(tmp_path / "clean")
    assert not (tmp_path / "pwned").exists()
    assert shard.read_bytes() != damaged and site / PREMIER in cached(site)  # written again


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


def test_an_edit_rewrites_only_the_shard_file_of_its_post(site: Path, tmp_path: Path) -> None:
    grow(site)
    assert build(site, tmp_path / "warm").code == 0
    before = shard_versions(site)
    post = site / PREMIER
    post.write_text(post.read_text("utf-8").replace("Un second paragraphe", "Un paragraphe modifié"), "utf-8")
    assert build(site, tmp_path / "edited").code == 0
    after = shard_versions(site)
    assert {name for name in after if after[name] != before.get(name)} == {shard_holding(site, PREMIER).name}
    assert "Un paragraphe modifié" in cached(site)[post].body_html
    gone = site / "content" / "posts" / "lot-007.md"
    gone.unlink()  # a removed post, too, rewrites its shard file, without it
    assert build(site, tmp_path / "removed").code == 0
    changed = {name for name, version in shard_versions(site).items() if version != after[name]}
    assert len(changed) == 1 and gone not in cached(site)
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert snapshot(tmp_path / "removed") == snapshot(tmp_path / "clean")


def test_a_corrupted_shard_file_costs_only_the_reading_of_its_own_posts(site: Path, tmp_path: Path) -> None:
    grow(site)
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert build(site, tmp_path / "warm").code == 0
    everything = cached(site)
    shard = shard_holding(site, PREMIER)
    data = shard.read_bytes()
    shard.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    lost = everything.keys() - cached(site).keys()
    assert site / PREMIER in lost and len(lost) < len(everything) / 10
    run = build(site, tmp_path / "after", "--explain")
    assert run.code == 0
    assert re.search(rf"^  load .* {len(lost)} post files? read ", run.stdout, re.MULTILINE), run.stdout
    assert snapshot(tmp_path / "after") == snapshot(tmp_path / "clean")
    assert cached(site) == everything


@pytest.mark.parametrize("refused", ["os.system", "builder.core.model.Page", "copyreg._reconstructor"])
def test_a_class_outside_the_allow_list_is_refused_under_a_valid_checksum(site: Path, tmp_path: Path,
                                                                         refused: str) -> None:
    payload = {
        "os.system": f"cos\nsystem\n(S'touch {tmp_path / 'pwned'}'\ntR.".encode(),  # code to run
        "builder.core.model.Page": pickle.dumps([(PREMIER.as_posix(), (Page("/", "index.html", b"", "home"),))]),
        # The way older pickle protocols rebuild objects: harmless here, but not needed, so not allowed.
        "copyreg._reconstructor": pickle.dumps([(PREMIER.as_posix(), (Tag("CNIL", "cnil"),))],
                                                protocol=0, fix_imports=False),
    }[refused]
    with pytest.raises(pickle.UnpicklingError, match=rf"^{re.escape(refused)} is not allowed"):
        store.unpickled(payload)
    assert build(site, tmp_path / "warm").code == 0
    everything = cached(site)
    shard = shard_holding(site, PREMIER)
    data = shard.read_bytes()
    shard.write_bytes(reseal(data, data.partition(b"\n")[2]))
    assert cached(site) == everything  # resealed, its own body passes: the payload below reaches the unpickler
    shard.write_bytes(reseal(data, payload))
    kept = cached(site)
    assert site / PREMIER not in kept and all(kept[path] == everything[path] for path in kept)
    assert not (tmp_path / "pwned").exists()


def test_a_post_comes_back_from_the_cache_field_for_field_wherever_the_site_moved(tmp_path: Path) -> None:
    old_root, new_root = tmp_path / "old", tmp_path / "new"
    source = old_root / "content" / "posts" / "un-article.md"
    paris = ZoneInfo("Europe/Paris")
    post = Post(
        source=source, slug="un-article", title="Un article", date=datetime(2021, 3, 1, 8, tzinfo=paris),
        updated=datetime(2021, 3, 2, 9, tzinfo=timezone(timedelta(hours=2))),
        topic=Topic("securite", "Sécurité", "Les articles sur la sécurité."),
        tags=(Tag("CNIL", "cnil"), Tag("Santé\u202fnumérique", "sante-numerique")), summary="Un résumé…",
        author="La rédaction", draft=True, aliases=("/ancien/",), body="<h2 id='partie'>Partie</h2>\n".encode(),
        headings=(Heading(2, "Partie", "partie", 1),), word_count=1, url="/2021/03/un-article/",
        references=(Reference("image.png", 3, True, "Une image"), Reference("/2020/11/premier-article/", 4, False)),
        post_links=(PostLink(old_root / "content" / "posts" / "autre.md", "/2020/11/autre/", 9),),
        hrefs=(("autre.md", "/2020/11/autre/"),),
        assets=(Asset(source.parent / "image.png", "/2021/03/un-article/image.png"),),
        body_line=8, source_digest="ab" * 32, stamp=(1_600_000_000_000_000_000, 1234), digest="cd" * 32,
        field_lines=(("title", 2), ("date", 3)),
    )
    key = b"k" * 16
    post_cache.write_posts(old_root, key, {source: post})
    new_root.mkdir()
    (old_root / ".cache").rename(new_root / ".cache")
    [(path, back)] = post_cache.read_posts(new_root, key).items()
    assert path == back.source == new_root / "content" / "posts" / "un-article.md"
    assert back == dataclasses.replace(post, source=path)
    assert back.date.tzinfo is paris
    assert post_cache.read_posts(new_root, b"x" * 16) == {}  # made for another builder or config


def counted_squares() -> tuple[list[tuple[int, ...]], Callable[[tuple[int, ...]], tuple[int, ...]]]:
    """Give a pure function to remember, and the list of the arguments it was called with."""
    calls: list[tuple[int, ...]] = []

    def squares(numbers: tuple[int, ...]) -> tuple[int, ...]:
        calls.append(numbers)
        return tuple(number * number for number in numbers)

    return calls, squares


def test_a_remembered_result_is_given_again_only_for_the_same_argument_and_builder(tmp_path: Path) -> None:
    calls, squares = counted_squares()
    remembered = post_cache.remembered(tmp_path, b"k" * 16, "squares", squares)
    assert remembered((1, 2)) == remembered((1, 2)) == (1, 4)
    assert calls == [(1, 2)]  # the second came from .cache/memo/squares.pickle
    assert remembered((3,)) == (9,) and len(calls) == 2
    assert remembered((1, 2)) == (1, 4) and len(calls) == 3  # only the last result is kept
    assert post_cache.remembered(tmp_path, b"x" * 16, "squares", squares)((1, 2)) == (1, 4)  # another builder or config
    assert len(calls) == 4


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "foreign-pickle"])
def test_a_damaged_remembered_result_is_computed_again_not_trusted(tmp_path: Path, damage: str) -> None:
    calls, squares = counted_squares()
    remembered = post_cache.remembered(tmp_path, b"k" * 16, "squares", squares)
    assert remembered((1, 2)) == (1, 4)
    [memo] = (tmp_path / post_cache.MEMO_DIR).iterdir()
    data = memo.read_bytes()
    memo.write_bytes({
        "truncate": data[: len(data) // 2],
        "flip-a-byte": data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:],
        "foreign-pickle": reseal(data, f"cos\nsystem\n(S'touch {tmp_path / 'pwned'}'\ntR.".encode()),
    }[damage])
    assert remembered((1, 2)) == (1, 4) and len(calls) == 2
    assert not (tmp_path / "pwned").exists()
    assert remembered((1, 2)) == (1, 4) and len(calls) == 2  # written again, whole


def test_related_posts_remembered_by_a_build_follow_a_change_of_tags(site: Path, tmp_path: Path) -> None:
    grow(site)
    assert build(site, tmp_path / "warm").code == 0
    assert (site / post_cache.MEMO_DIR / "related.pickle").is_file()
    post = site / "content" / "posts" / "lot-003.md"
    post.write_text(post.read_text("utf-8").replace("tags: [CNIL, lot-3]", "tags: [lot-1, lot-2]"), "utf-8")
    assert build(site, tmp_path / "edited").code == 0
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert snapshot(tmp_path / "edited") == snapshot(tmp_path / "clean")


def _code_digest_of(package_parent: Path) -> str:
    """Give `last_build.code_digest()` as a fresh process computes it for the builder under `package_parent`."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", "from builder.incremental.last_build import code_digest; print(code_digest())"],
                          env={**os.environ, "PYTHONPATH": str(package_parent)}, cwd=package_parent,
                          capture_output=True, text=True, check=True).stdout.strip()


def test_editing_a_module_of_a_subpackage_makes_the_caches_stale(tmp_path: Path) -> None:
    import shutil

    import builder

    copy = tmp_path / "copy"
    shutil.copytree(Path(builder.__file__).parent, copy / "builder",
                    ignore=shutil.ignore_patterns("__pycache__", "theme"))
    before = _code_digest_of(copy)
    nested = sorted((copy / "builder").glob("*/*.py"))[0]  # a module of a subpackage
    nested.write_text(nested.read_text("utf-8") + "\n# edited\n", "utf-8")
    edited = _code_digest_of(copy)
    moved = copy / "builder" / "importers" / "errors_moved.py"
    (copy / "builder" / "core" / "errors.py").rename(moved)  # the same bytes under another path
    assert len({before, edited, _code_digest_of(copy)}) == 3


# --- the store: every file of .cache/ in one checked format -------------------------------------

OPTIONS = BuildOptions(now=datetime.fromisoformat(NOW), cache=True, search=False)
# A file of each store, as a build and then a fast-path build leave them.
EACH_STORE = {"posts": None, "memo": post_cache.MEMO_DIR / "related.pickle", "ledger": None, "ledger-edits": None,
              "record": fast_path.RECORD_FILE, "record-edits": fast_path.EDITS_FILE, "state": last_build.STATE_FILE}


def store_files(site: Path) -> dict[Path, store.Header | None]:
    """Give every file of the site's `.cache/`, with its header if it is a file of the store
    (its first line in the store's format) whose body passes its checksum."""
    return {path: store.verify(path) for path in sorted((site / ".cache").rglob("*")) if path.is_file()}


def file_of(site: Path, output: Path, kind: str) -> Path:
    """Give the file of a store (`EACH_STORE`) that a build of `site` into `output` left."""
    chosen = {"posts": site / shard_holding(site, PREMIER).relative_to(site),
              "ledger": output_record.ledger_path(site, output), "ledger-edits": output_record.edits_path(site, output)}
    return chosen.get(kind) or site / EACH_STORE[kind]


def test_every_file_a_build_leaves_in_the_cache_is_a_checked_file_of_the_store(site: Path, tmp_path: Path) -> None:
    grow(site)
    output = tmp_path / "public"
    kinds = set()
    edits = [(PREMIER, "Un second paragraphe", "Un autre paragraphe"),  # the fast path
             (Path("site.yaml"), "\n", "\n\n"),  # a whole rebuild, the cache warm
             (PREMIER, "Un autre paragraphe", "Un dernier paragraphe")]  # the fast path again
    assert not build_site(site, output, OPTIONS).fast_path
    for path, old, new in [(None, "", ""), *edits]:
        if path is not None:
            edit(site / path, old, new)
            assert build_site(site, output, OPTIONS).fast_path == (path == PREMIER)
        files = store_files(site)
        assert files and all(header is not None for header in files.values()), [
            path for path, header in files.items() if header is None]
        assert all(path.read_bytes().startswith(store.MAGIC) for path in files)
        kinds |= {header.kind for header in files.values()}
    assert kinds == EACH_STORE.keys()


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "older-version", "made-for-another", "misplaced"])
@pytest.mark.parametrize("kind", EACH_STORE)
def test_a_damaged_stale_or_misplaced_file_of_any_store_changes_no_byte_of_the_output(
        site: Path, tmp_path: Path, kind: str, damage: str) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit(site / PREMIER, "Un second paragraphe", "Un autre paragraphe")
    assert build_site(site, output, OPTIONS).fast_path  # it leaves the edits of the ledger and of the record
    path = file_of(site, output, kind)
    data = path.read_bytes()
    header = store.parse_header(data.partition(b"\n")[0])
    assert header is not None and header.kind == kind
    others = {other: found.kind for other, found in store_files(site).items() if other != path and found}
    # A file of its own store if there is one (a shard of another number), or else of another.
    misplaced = sorted(others, key=lambda other: (others[other] != kind, other))[0]
    path.write_bytes({
        "truncate": lambda: data[: len(data) // 2],
        "flip-a-byte": lambda: data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:],
        "older-version": lambda: reseal(data, data.partition(b"\n")[2], version=header.version - 1),
        "made-for-another": lambda: reseal(data, data.partition(b"\n")[2], made_for="0" * len(header.made_for or "0")),
        "misplaced": misplaced.read_bytes,
    }[damage]())
    edit(site / PREMIER, "Un autre paragraphe", "Un dernier paragraphe")
    build_site(site, output, OPTIONS)
    assert build(site, tmp_path / "clean", "--no-cache").code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
    edit(site / PREMIER, "Un dernier paragraphe", "Un ultime paragraphe")
    build_site(site, output, OPTIONS)  # and the builds after it too
    assert build(site, tmp_path / "clean-2", "--no-cache").code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean-2")


def test_a_write_that_fails_leaves_the_file_as_it_was_and_no_temporary_file(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / ".cache" / "memo" / "squares.pickle"
    store.save(path, "memo", 1, "before", (1, 4))

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt  # as an editor's Ctrl-C between the writing and the renaming

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.save(path, "memo", 1, "after", (9, 16))
    monkeypatch.undo()
    assert store.load(path, "memo", 1, "before") == (1, 4) and store.load(path, "memo", 1, "after") is None
    assert [child.name for child in path.parent.iterdir()] == [path.name]
