"""Helpers shared by the tests: run `blog` in-process, and read what a build wrote."""

from __future__ import annotations

import io
import os
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup

from builder.cli import main

# Every build of the suite passes this moment, so that "the future" never moves.
NOW = "2026-11-28T12:00:00+01:00"

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_SITE = TESTS / "fixtures" / "site"

# `path:line:col: severity: message`, what editors and CI parse.
PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.+)$")
# Pagefind's files: the suite's quick builds skip the search index (tests/test_search.py builds it).
SEARCH_BUNDLE = "/pagefind/"
POST_URL = re.compile(r"^/\d{4}/\d{2}/[a-z0-9-]+/$")


@dataclass(frozen=True)
class Problem:
    """One `path:line:col: error: message` line of stderr, parsed."""

    path: Path  # resolved
    line: int
    col: int
    message: str


@dataclass(frozen=True)
class Run:
    """What one run of `blog` gave: its exit code and what it printed."""

    code: int
    stdout: str
    stderr: str

    def problems(self) -> list[Problem]:
        """Give the located problem lines of stderr, paths resolved from the working folder."""
        found = []
        for line in self.stderr.splitlines():
            match = PROBLEM_LINE.match(line)
            if match:
                found.append(Problem((Path.cwd() / match["path"]).resolve(), int(match["line"]),
                                     int(match["col"]), match["message"]))
        return found


def blog(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    """Run the `blog` command in-process with its own streams and environment."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], env=env if env is not None else {}, stdout=stdout, stderr=stderr)
    return Run(int(code), stdout.getvalue(), stderr.getvalue())


def build(source: Path, output: Path, *extra: str, search: bool = False) -> Run:
    """Build `source` into `output` at the suite's fixed moment; without the search index
    unless asked, for speed (tests/test_search.py builds it)."""
    flags = () if search else ("--no-search",)
    return blog("build", "--source", source, "--output", output, "--now", NOW, *flags, *extra)


def copy_site(source: Path, target: Path) -> Path:
    """Copy a site root to `target` (which must not exist) and give it."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".cache"))
    return target


def file_for(output: Path, url: str) -> Path:
    """Give the file of the output that serves `url` (pretty URLs: folder/index.html)."""
    relative = url.lstrip("/")
    return output / (relative + "index.html" if url.endswith("/") else relative)


def read_page(output: Path, url: str) -> BeautifulSoup:
    """Parse the HTML page served at `url` with the standard library's parser (don't change it: it is shared)."""
    path = file_for(output, url)
    assert path.is_file(), f"{url} was not built ({path} is missing)"
    info = path.stat()
    return _parse(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=1024)
def _parse(path: str, _mtime_ns: int, _size: int) -> BeautifulSoup:
    """Parse one HTML file, once per version of it: the session's builds are read by many tests."""
    return BeautifulSoup(Path(path).read_text("utf-8"), "html.parser")


def listing_pages(output: Path, base: str) -> list[BeautifulSoup]:
    """Give every page of a paginated listing: `base`, then `base/page/2/` and on while they exist."""
    pages = [read_page(output, base)]
    number = 2
    while file_for(output, f"{base}page/{number}/").is_file():
        pages.append(read_page(output, f"{base}page/{number}/"))
        number += 1
    return pages


def post_links(element) -> list[str]:
    """Give the URLs of the posts a page's main content (or an element) links to, in order, each once."""
    scope = element.main if element.main is not None else element
    links = [a["href"] for a in scope.find_all("a", href=True) if POST_URL.match(a["href"])]
    return list(dict.fromkeys(links))


def listed_posts(output: Path, base: str) -> list[str]:
    """Give the posts a paginated listing shows, across all its pages, in order."""
    return [url for page in listing_pages(output, base) for url in post_links(page)]


def html_files(output: Path) -> list[Path]:
    """Give every HTML file of a built site."""
    return sorted(output.rglob("*.html"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Give every file under `folder` with its bytes, to compare a tree before and after."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def text_of(element) -> str:
    """Give an element's text with its whitespace collapsed."""
    return " ".join(element.get_text(" ").split())


# What the fixture site (tests/fixtures/site) publishes at NOW, newest first.
CYBERATTAQUES = "/2021/03/cyberattaques-en-serie-dans-les-hopitaux/"
CODE = "/2021/02/un-peu-de-code/"
BALISES = "/2021/02/balises-et-liens/"
AMENDE = "/2020/12/deux-medecins-mis-a-l-amende-par-la-cnil/"
DMP = "/2020/12/dossier-medical-partage/"
PREMIER = "/2020/11/premier-article/"
PUBLISHED = [CYBERATTAQUES, CODE, BALISES, AMENDE, DMP, PREMIER]
# Kept out unless asked: a draft (`draft: true`) and a post dated after NOW.
DRAFT = "/2021/01/un-brouillon-inacheve/"
FUTURE = "/2027/01/un-article-du-futur/"


def broken_links(output: Path) -> list[str]:
    """Give every same-site link or stylesheet of a built site that leads to no built file
    (the search bundle, made only by builds with search, aside), as `page: href`."""
    broken = []
    for path in sorted(output.rglob("*.html")):
        page = read_page(output, "/" + path.relative_to(output).as_posix())
        for tag in page.find_all(["a", "link"], href=True):
            href = tag["href"].split("#")[0]
            if href.startswith("/") and not href.startswith("//") and not href.startswith(SEARCH_BUNDLE):
                if not file_for(output, href).is_file():
                    broken.append(f"{path}: {href}")
    return broken


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a source file, with a later time than it had, so that no clock tick hides it."""
    text = path.read_text("utf-8")
    assert old in text, old
    before = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new), "utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def delete_premier(site: Path) -> None:
    """Delete the fixture's premier-article.md, and the link un-peu-de-code.md has to its
    address: a build would rightly fail on that link."""
    posts = site / "content" / "posts"
    (posts / "premier-article.md").unlink()
    edit(posts / "un-peu-de-code.md", "Voir aussi [le premier article](/2020/11/premier-article/).", "")
