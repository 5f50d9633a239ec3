"""Old URLs kept: a post's `aliases` become permanent redirects in `_redirects`, and an alias
that could leave the site or hide a page is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import build

POST = Path("content") / "posts" / "premier-article.md"


def add_aliases(site: Path, line: str) -> None:
    """Put an `aliases:` line at the end of the first post's front-matter."""
    post = site / POST
    head, _, body = post.read_text("utf-8").partition("\n---\n")
    post.write_text(f"{head}\n{line}\n---\n{body}", "utf-8")


def test_aliases_become_sorted_permanent_redirects(site: Path, tmp_path: Path) -> None:
    add_aliases(site, "aliases: [/ancien/premier/, /2019/01/premier-article/, /ancien/premier/]")
    assert build(site, tmp_path / "out").code == 0
    rules = [line.split() for line in (tmp_path / "out" / "_redirects").read_text("utf-8").splitlines()]
    target = next(line[1] for line in rules)
    assert rules == [["/2019/01/premier-article/", target, "301"], ["/ancien/premier/", target, "301"]]
    assert (tmp_path / "out" / target.strip("/") / "index.html").is_file()


def test_a_site_without_aliases_has_an_empty_redirects_file(tmp_path: Path, built: Path) -> None:
    assert (built / "_redirects").read_text("utf-8") == ""


@pytest.mark.parametrize("alias, message", [
    ("../../etc/passwd", "starting with one /"),
    ("//evil.example/", "starting with one /"),
    ("https://evil.example/", "starting with one /"),
    ("/a/../../b", ". or .. segments"),
    ("'/a\\\\b'", "plain path"),
    ('"/a\\0b"', "plain path"),
    ("/a b", "plain path"),
    ("/blog/:slug", "plain path"),
    ("/tout/*", "plain path"),
    ("/tags/", "is the page /tags/"),
    ("/archives", "is the page /archives/"),
])
def test_a_bad_alias_is_an_error_on_its_line(site: Path, tmp_path: Path, alias: str, message: str) -> None:
    add_aliases(site, f"aliases: [{alias}]")
    run = build(site, tmp_path / "out")
    assert run.code == 1, run.stderr
    problems = run.problems()
    assert len(problems) == 1 and problems[0].path.name == POST.name and message in problems[0].message, run.stderr
    front = (site / POST).read_text("utf-8").split("\n")
    assert problems[0].line == next(i for i, line in enumerate(front, 1) if line.startswith("aliases:"))
    assert not (tmp_path / "out").exists()


def test_two_posts_with_one_alias_is_an_error(site: Path, tmp_path: Path) -> None:
    add_aliases(site, "aliases: [/ancien/]")
    other = site / "content" / "posts" / "cyberattaques.md"
    head, _, body = other.read_text("utf-8").partition("\n---\n")
    other.write_text(f"{head}\naliases: [/ancien/]\n---\n{body}", "utf-8")
    run = build(site, tmp_path / "out")
    assert run.code == 1
    assert any("is also an alias of" in p.message for p in run.problems()), run.stderr
