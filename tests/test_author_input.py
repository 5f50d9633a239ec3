"""Nothing an author types can hang, balloon or crash a build: YAML bombs, huge numbers,
dates at the ends of the calendar, URL parts too long for a file name. Each is one short
`path:line:col: error: message` line, the same in `blog build` and `blog check`, with exit
code 1, nothing written and the previous output left as it was."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support import PROBLEM_LINE, blog, build, snapshot

BAD = "content/posts/bad.md"
FRONT = ("title: Un titre", "date: 2021-02-01T09:00:00+01:00", "topic: securite", "tags: [CNIL, RGPD]")


def post(*lines: str, body: str = "Le corps de l’article.\n") -> str:
    """Give a post whose front-matter line N is written on line N + 1 of the file."""
    return "\n".join(["---", *lines, "---", "", body])


def bomb(key: str, depth: int = 9) -> list[str]:
    """Give front-matter lines where `key` names 9**depth values in a few hundred bytes."""
    lines = ["x:", '  - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  - &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, depth)]
    return [*lines, f"{key}: *a{depth - 1}"]


@dataclass(frozen=True)
class Case:
    """One bad input and the exact problem it must give."""

    id: str
    path: str  # the file the problem names, relative to the site root
    line: int
    col: int
    message: str  # the whole message, hint included
    files: dict[str, str] = field(default_factory=dict)  # written into the site
    edits: tuple[tuple[str, str, str], ...] = ()  # (file, old, new) replaced in the site


ANCHORS = "YAML anchors and aliases (`&name`, `*name`) are not allowed (write each value out in full)"

CASES = [
    # YAML that would expand to billions of values.
    Case("alias-bomb-in-front-matter", BAD, 7, 5, ANCHORS, {BAD: post(*FRONT, *bomb("aliases"))}),
    Case("alias-bomb-in-site-yaml", "site.yaml", 12, 5, ANCHORS,
         edits=(("site.yaml", "allow_raw_html: false\n", "\n".join(["allow_raw_html: false", *bomb("extra"), ""])),)),
    Case("lone-alias", BAD, 6, 9, ANCHORS, {BAD: post(*FRONT, "author: &x Dr Martin", "summary: *x")}),
    # Values nested deeper than any field needs, and than recursive code can walk.
    Case("lists-nested-900-deep", BAD, 6, 29, "values nest more than 20 levels deep",
         {BAD: post(*FRONT, "summary: " + "[" * 900 + "]" * 900)}),
    # Numbers Python will not read or write.
    Case("number-of-5000-digits", BAD, 6, 9, "invalid YAML: a number of 5000 characters is too long (at most 100)",
         {BAD: post(*FRONT, "author: " + "9" * 5000)}),
    # Dates that leave the calendar when moved to UTC or to the site's timezone, or would
    # write a year of fewer than four digits in URLs.
    Case("date-in-year-1", BAD, 3, 1,
         "`date` '0001-01-01T00:30:00+05:00' is out of range (write a year from 1000 to 9998)",
         {BAD: post(FRONT[0], "date: 0001-01-01T00:30:00+05:00", *FRONT[2:])}),
    Case("date-in-year-9999", BAD, 3, 1,
         "`date` '9999-12-31T23:30:00-05:00' is out of range (write a year from 1000 to 9998)",
         {BAD: post(FRONT[0], "date: 9999-12-31T23:30:00-05:00", *FRONT[2:])}),
    Case("updated-in-year-999", BAD, 6, 1, "`updated` '0999-06-01' is out of range (write a year from 1000 to 9998)",
         {BAD: post(*FRONT, "updated: 0999-06-01")}),
    Case("date-in-year-999-in-the-site-timezone", BAD, 3, 1,
         "`date` '1000-01-01T00:30:00+01:00' falls in the year 999 in the site's timezone "
         "(write a year from 1000 to 9998)",
         {BAD: post(FRONT[0], "date: 1000-01-01T00:30:00+01:00", *FRONT[2:])}),
    # URL parts that would name a file or folder longer than file systems allow.
    Case("title-gives-a-long-slug", BAD, 2, 1,
         "the title gives a URL part of 239 characters, more than 200 (add a shorter `slug:` field)",
         {BAD: post("title: " + "Santé " * 40, *FRONT[1:])}),
    Case("long-slug", BAD, 6, 1, "`slug` gives a URL part of 300 characters, more than 200 (shorten it)",
         {BAD: post(*FRONT, "slug: " + "a" * 300)}),
    Case("long-tag", BAD, 5, 1,
         f"tag {'t' * 80!r}… gives a URL part of 300 characters, more than 200 (shorten the tag)",
         {BAD: post(*FRONT[:3], f"tags: [CNIL, {'t' * 300}]")}),
    Case("long-topic-key", "site.yaml", 18, 3,
         f"topic key `{'s' * 80}…` gives a URL part of 300 characters, more than 200 (shorten it)",
         edits=(("site.yaml", "  logiciels:", f"  {'s' * 300}:"),)),
    # Aliases that name a page under another spelling: Netlify decodes escapes, ignores case
    # and serves `x/index.html` at `x/`, so the redirect would hide the page.
    *[Case(f"alias-{name}", BAD, 6, 1,
           f"alias {alias!r} is the page /tags/cnil/ (an alias names an old address that no page has any more)",
           {BAD: post(*FRONT, f"aliases: [{alias}]")})
      for name, alias in [("with-index-html", "/tags/cnil/index.html"), ("percent-escaped", "/tags/%63nil/"),
                          ("in-capitals", "/TAGS/CNIL"), ("escaped-capital", "/tags/%43NIL/")]],
    Case("alias-of-another-post-spelled-otherwise", "content/posts/zz.md", 6, 1,
         f"alias '/Ancien/' is also an alias of {'{site}'}/content/posts/bad.md, spelled '/ancien/index.html'",
         {BAD: post(*FRONT, "aliases: [/ancien/index.html]"),
          "content/posts/zz.md": post("title: Autre", *FRONT[1:], "aliases: [/Ancien/]")}),
    # An image beside the post whose name is too long for the system to look for.
    Case("image-name-too-long", BAD, 8, 14,
         f"image {'a' * 80!r}… not found (looked for {'{site}'}/content/posts/{'a' * 80}…)",
         {BAD: post(*FRONT, body=f"![Un schéma]({'a' * 1000}.png)\n")}),
    # A post that would make a page and two feeds for each of thousands of tags.
    Case("two-thousand-tags", BAD, 5, 1,
         "`tags` lists 2000 tags, more than 20 (keep the 2 to 6 that say what the post is about)",
         {BAD: post(*FRONT[:3], f"tags: [{', '.join(f't{n}' for n in range(2000))}]")}),
    # site.yaml's URL: a line break in it would add a line to robots.txt.
    Case("base-url-with-a-line-break", "site.yaml", 4, 1,
         "`base_url` must not contain spaces, tabs, line breaks or control characters",
         edits=(("site.yaml", "base_url: https://example.org", 'base_url: "https://example.org\\nDisallow: /"'),)),
    Case("base-url-with-a-password", "site.yaml", 4, 1,
         "`base_url` has the host 'moi:secret@example.org': write a domain name and an optional port "
         "(like https://example.org or http://localhost:8000; an accented name in its xn-- form)",
         edits=(("site.yaml", "base_url: https://example.org", "base_url: https://moi:secret@example.org"),)),
    # The YAML mistakes editors make most, each with its fix.
    Case("unquoted-colon-in-the-title", BAD, 2, 14,
         "invalid YAML: mapping values are not allowed in this context (a `: ` inside a value starts a new key: "
         'put the value in quotes, title: "Covid : le point")',
         {BAD: post("title: Covid : le point", *FRONT[1:])}),
    Case("unquoted-colon-in-site-yaml", "site.yaml", 2, 15,
         "invalid YAML: mapping values are not allowed in this context (a `: ` inside a value starts a new key: "
         'put the value in quotes, title: "Journal: de test")',
         edits=(("site.yaml", "title: Journal de test", "title: Journal: de test"),)),
    Case("tab-in-front-matter", BAD, 6, 1,
         "invalid YAML: a tab in the indentation (indent with spaces, not tabs)",
         {BAD: post(*FRONT, "\tauthor: Dr Martin")}),
    Case("tab-before-a-list-item", BAD, 6, 1,
         "invalid YAML: a tab in the indentation (indent with spaces, not tabs)",
         {BAD: post(*FRONT[:3], "tags:", "\t- CNIL")}),
    # A value quoted in a message is cut.
    Case("long-value-is-quoted-short", BAD, 4, 1,
         f"unknown topic {'x' * 80!r}… (declared topics: sante-numerique, securite, logiciels)",
         {BAD: post(*FRONT[:2], "topic: " + "x" * 100_000, FRONT[3])}),
]


def apply(case: Case, site: Path) -> None:
    """Write the case's files and make its edits in the site copy."""
    for relative, content in case.files.items():
        (site / relative).write_text(content, "utf-8")
    for relative, old, new in case.edits:
        text = (site / relative).read_text("utf-8")
        assert old in text, f"{old!r} is not in {relative}"
        (site / relative).write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def previous_output(built: Path, tmp_path: Path) -> Path:
    """An output folder holding a previous good build, which a failed build must leave alone."""
    output = tmp_path / "public"
    shutil.copytree(built, output)
    return output


def assert_reported(case: Case, site: Path, printed: str) -> None:
    """Check that every line `blog` printed but the last is short and located, and that one
    is exactly the case's."""
    lines = printed.splitlines()
    assert "Traceback" not in printed
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1]), printed[:2000]
    # The site's folder is named twice at most (the file, and where an image was looked for).
    assert max(len(line.replace(str(site), "")) for line in lines) < 400, "a message repeats a whole value"
    found = [(Path(m["path"]).resolve(), int(m["line"]), int(m["col"]), m["severity"], m["message"])
             for m in map(PROBLEM_LINE.match, lines) if m]
    message = case.message.replace("{site}", str(site))
    assert ((site / case.path).resolve(), case.line, case.col, "error", message) in found, printed[:2000]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_fails_the_build_at_its_place_and_changes_nothing(case: Case, site: Path,
                                                                    previous_output: Path) -> None:
    before = snapshot(previous_output)
    apply(case, site)
    started = time.perf_counter()
    run = build(site, previous_output)
    assert time.perf_counter() - started < 20
    assert run.code == 1, run.stderr[:2000]
    assert run.stderr.splitlines()[-1].startswith("blog: build failed")
    assert_reported(case, site, run.stderr)
    assert snapshot(previous_output) == before


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_check_reports_bad_input_at_the_same_place_and_writes_nothing(case: Case, site: Path) -> None:
    apply(case, site)
    before = snapshot(site)
    run = blog("check", "--source", site)
    assert run.code == 1, run.stderr[:2000]
    assert_reported(case, site, run.stdout)
    assert snapshot(site) == before


SITE_YAML_PROBLEMS = {  # line, col, message: one of each kind, in one site.yaml
    (4, 1): "`base_url` must be an absolute http(s) URL, like https://example.org",
    (6, 1): "unknown timezone 'Mars/Olympus' (e.g. Europe/Paris)",
    (8, 1): "unknown config key `posts_per_pages` (did you mean `posts_per_page`?)",
    (9, 1): "`feed_length` must be at least 1",
    (15, 3): "topic `securite` needs a `description` text",
    (17, 5): "unknown key `descripton` in topic `securite` (a topic has a `title` and a `description`)",
    (18, 3): "topic key `Logiciels` must be a slug (write `logiciels`)",
}


def break_site_yaml(site: Path) -> None:
    """Put one problem of each kind in the site's `site.yaml`, and one in a post."""
    config = site / "site.yaml"
    text = config.read_text("utf-8")
    for old, new in [("base_url: https://example.org", "base_url: ftp://example.org"),
                     ("timezone: Europe/Paris", "timezone: Mars/Olympus"), ("posts_per_page:", "posts_per_pages:"),
                     ("feed_length: 3", "feed_length: 0"), ("  logiciels:", "  Logiciels:"),
                     ("    description: Attaques, failles et bonnes pratiques.\n", "    descripton: Attaques.\n")]:
        assert old in text
        text = text.replace(old, new)
    config.write_text(text, "utf-8")
    (site / BAD).write_text(post(FRONT[0], "date: 2021-02-30", *FRONT[2:]), "utf-8")


def located(site: Path, printed: str) -> dict[tuple[str, int, int], str]:
    """Give the problems `blog` printed, by file (relative to the site), line and column."""
    found = {}
    for match in filter(None, map(PROBLEM_LINE.match, printed.splitlines())):
        relative = Path(match["path"]).resolve().relative_to(site.resolve()).as_posix()
        found[(relative, int(match["line"]), int(match["col"]))] = match["message"]
    return found


def test_every_problem_of_site_yaml_is_listed_with_the_posts_problems(site: Path, previous_output: Path) -> None:
    break_site_yaml(site)
    before = snapshot(previous_output)
    built = build(site, previous_output)
    checked = blog("check", "--source", site)
    expected = {("site.yaml", *where): message for where, message in SITE_YAML_PROBLEMS.items()}
    expected[(BAD, 3, 1)] = "`date` '2021-02-30' is not a valid date (write it like 2021-02-28T09:00:00+01:00)"
    assert located(site, built.stderr) == expected, built.stderr
    assert located(site, checked.stdout) == expected, checked.stdout
    assert (built.code, checked.code) == (1, 1)
    assert built.stderr.splitlines()[-1].startswith("blog: build failed (config): 8 errors")
    assert snapshot(previous_output) == before
