"""Bad inputs: each stops the build with `path:line:col: error: message` lines on stderr,
exit code 1, no traceback, and the previous output left exactly as it was.

Each case writes one bad file (or edits one) in a copy of the fixture site; the cases are data."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support import PROBLEM_LINE, build, snapshot

BAD = "content/posts/bad.md"
TITLE = "title: Un titre"
DATE = "date: 2021-02-01T09:00:00+01:00"
TOPIC = "topic: securite"
TAGS = "tags: [CNIL, RGPD]"


def post(*front_matter: str, body: str = "Le corps de l’article.\n") -> str:
    """Give a post whose front-matter line N is written on line N + 1 of the file."""
    return "\n".join(["---", *front_matter, "---", "", body])


@dataclass(frozen=True)
class Case:
    """One bad input and the error line it must give."""

    id: str
    path: str  # the file the error names, relative to the site root
    line: int
    col: int | None  # None where no column means anything (a missing field, a template)
    message: tuple[str, ...]  # fragments of the message, all required
    files: dict[str, str | bytes] = field(default_factory=dict)  # written into the site
    edits: tuple[tuple[str, str, str], ...] = ()  # (file, old, new) replaced in the site


CASES = [
    # The front-matter as a document.
    Case("broken-yaml", BAD, 2, 9, ("invalid YAML",), {BAD: post("title: a: b", DATE, TOPIC)}),
    Case("yaml-not-a-mapping", BAD, 2, 1, ("expected a mapping",), {BAD: post("- title", "- date")}),
    Case("front-matter-never-closed", BAD, 1, 1, ("never closed",),
         {BAD: "---\n" + TITLE + "\n" + DATE + "\n" + TOPIC + "\n\nLe corps.\n"}),
    Case("no-front-matter", BAD, 1, 1, ("must start with `---`",), {BAD: "# Un titre\n\nLe corps.\n"}),
    Case("duplicate-key", BAD, 3, 1, ("duplicate key `title`", "line 2"),
         {BAD: post(TITLE, "title: Un autre", DATE, TOPIC)}),
    # Required fields.
    Case("missing-title", BAD, 2, None, ("missing required field `title`",), {BAD: post(DATE, TOPIC)}),
    Case("missing-date", BAD, 2, None, ("missing required field `date`",), {BAD: post(TITLE, TOPIC)}),
    Case("missing-topic", BAD, 2, None, ("missing required field `topic`",), {BAD: post(TITLE, DATE)}),
    # Wrong types.
    Case("title-a-list", BAD, 2, 1, ("`title` must be a text", "a list"),
         {BAD: post("title: [Un, titre]", DATE, TOPIC)}),
    Case("date-a-number", BAD, 3, 1, ("`date` must be an ISO 8601 date", "the number 2021"),
         {BAD: post(TITLE, "date: 2021", TOPIC)}),
    Case("tags-a-string", BAD, 5, 1, ("`tags` must be a list",), {BAD: post(TITLE, DATE, TOPIC, "tags: CNIL")}),
    Case("draft-a-string", BAD, 5, 1, ("`draft` must be true or false", "'oui'"),
         {BAD: post(TITLE, DATE, TOPIC, "draft: oui")}),
    # Wrong values.
    Case("impossible-date", BAD, 3, 1, ("'2021-02-30T09:00:00+01:00' is not a valid date",),
         {BAD: post(TITLE, "date: 2021-02-30T09:00:00+01:00", TOPIC)}),
    Case("updated-before-date", BAD, 4, 1, ("`updated` is before `date`",),
         {BAD: post(TITLE, DATE, "updated: 2020-01-01T09:00:00+01:00", TOPIC)}),
    Case("unknown-topic", BAD, 4, 1, ("unknown topic 'astronomie'", "sante-numerique, securite, logiciels"),
         {BAD: post(TITLE, DATE, "topic: astronomie")}),
    Case("unknown-key-suggests-the-close-one", BAD, 5, 1,
         ("unknown front-matter key `titel`", "did you mean `title`?"),
         {BAD: post(TITLE, DATE, TOPIC, "titel: Un titre")}),
    Case("slug-not-in-slug-form", BAD, 3, 1, ("`slug` 'Mon Article' is not a slug", "'mon-article'"),
         {BAD: post(TITLE, "slug: Mon Article", DATE, TOPIC)}),
    Case("empty-body", BAD, 6, 1, ("no body",), {BAD: post(TITLE, DATE, TOPIC, body="  \n\n")}),
    # Checks across posts: the later file (in name order) is the one named.
    Case("duplicate-slug-names-both-files", "content/posts/zz-copie.md", 2, 1,
         ("duplicate slug 'premier-article'", "content/posts/premier-article.md"),
         {"content/posts/zz-copie.md": post("title: Premier article", "date: 2020-11-20T09:00:00+01:00", TOPIC)}),
    Case("tag-spelled-two-ways", "content/posts/zz-casse.md", 5, 8, ("tag 'cnil' is spelled 'CNIL'",),
         {"content/posts/zz-casse.md": post(TITLE, DATE, TOPIC, "tags: [cnil, RGPD]")}),
    Case("tag-spelled-two-ways-at-its-own-line", "content/posts/zz-casse.md", 7, 5, ("tag 'cnil' is spelled 'CNIL'",),
         {"content/posts/zz-casse.md": post(TITLE, DATE, TOPIC, "tags:", "  - RGPD", "  - cnil")}),
    # Encodings and line endings.
    Case("not-utf-8", BAD, 7, 7, ("not valid UTF-8", "0xe9"),
         {BAD: post(TITLE, DATE, TOPIC, body="").encode("utf-8") + b"Un caf\xe9 noir.\n"}),
    Case("not-utf-8-column-counts-characters", BAD, 7, 15, ("not valid UTF-8", "0xe9"),
         {BAD: post(TITLE, DATE, TOPIC, body="").encode("utf-8") + "Un thé, un caf".encode("utf-8") + b"\xe9.\n"}),
    Case("crlf-lines-keep-their-numbers", BAD, 5, 1, ("unknown front-matter key `titel`",),
         {BAD: post(TITLE, DATE, TOPIC, "titel: Un titre").replace("\n", "\r\n")}),
    Case("bom-keeps-columns", BAD, 2, 1, ("unknown front-matter key `titre`",),
         {BAD: "\ufeff" + post("titre: Un titre", TITLE, DATE, TOPIC)}),
    # Templates (a site's own templates/post.html replaces the default theme's).
    Case("template-unknown-variable", "templates/post.html", 4, None, ("nonexistent_variable", "undefined"),
         {"templates/post.html": '{% extends "base.html" %}\n{% block main %}\n<h1>{{ post.title }}</h1>\n'
                                 "<p>{{ nonexistent_variable }}</p>\n{% endblock %}\n"}),
    Case("template-syntax-error", "templates/post.html", 3, None, ("template syntax",),
         {"templates/post.html": '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n'}),
    # Output paths: two sources writing one file.
    Case("static-file-collides-with-the-feed", "static/feed.xml", 1, None, ("feed.xml is written twice", "feed"),
         {"static/feed.xml": "<rss/>\n"}),
    # site.yaml.
    Case("config-unknown-key", "site.yaml", 8, 1,
         ("unknown config key `posts_per_pages`", "did you mean `posts_per_page`?"),
         edits=(("site.yaml", "posts_per_page: 2", "posts_per_pages: 2"),)),
    Case("config-wrong-type-number", "site.yaml", 8, 1, ("`posts_per_page` must be a whole number",),
         edits=(("site.yaml", "posts_per_page: 2", "posts_per_page: deux"),)),
    Case("config-wrong-type-bool", "site.yaml", 10, 1, ("`allow_raw_html` must be true or false",),
         edits=(("site.yaml", "allow_raw_html: false", "allow_raw_html: 1"),)),
    Case("config-missing-key", "site.yaml", 1, None, ("missing required config key `base_url`",),
         edits=(("site.yaml", "base_url: https://example.org\n", ""),)),
    Case("config-base-url-not-absolute", "site.yaml", 4, 1, ("`base_url` must be an absolute http(s) URL",),
         edits=(("site.yaml", "base_url: https://example.org", "base_url: example.org"),)),
    Case("config-broken-yaml", "site.yaml", 2, 15, ("invalid YAML",),
         edits=(("site.yaml", "title: Journal de test", "title: Journal: de test"),)),
]


def apply(case: Case, site: Path) -> None:
    """Write the case's files and make its edits in the site copy."""
    for relative, content in case.files.items():
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))
    for relative, old, new in case.edits:
        target = site / relative
        text = target.read_text("utf-8")
        assert old in text, f"{old!r} is not in {relative}"
        target.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def previous_output(built: Path, tmp_path: Path) -> Path:
    """An output folder holding a previous good build, which a failed build must leave alone."""
    output = tmp_path / "public"
    shutil.copytree(built, output)
    return output


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_reported_at_its_place_and_changes_nothing(case: Case, site: Path, previous_output: Path) -> None:
    before = snapshot(previous_output)
    apply(case, site)
    run = build(site, previous_output)
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[-1].startswith("blog: build failed")
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1]), run.stderr
    expected = (site / case.path).resolve()
    located = [p for p in run.problems() if p.path == expected and p.line == case.line
               and (case.col is None or p.col == case.col)]
    assert located, f"no error at {case.path}:{case.line}:{case.col}:\n{run.stderr}"
    assert any(all(fragment in p.message for fragment in case.message) for p in located), run.stderr
    assert snapshot(previous_output) == before


def test_every_problem_is_listed_not_only_the_first(site: Path, previous_output: Path) -> None:
    posts = site / "content" / "posts"
    (posts / "a.md").write_text(post(DATE, TOPIC, "titel: Un titre"), "utf-8")  # two problems
    (posts / "b.md").write_text(post(TITLE, "date: 2021-02-30", TOPIC), "utf-8")
    (posts / "c.md").write_bytes(b"---\ntitle: \xff\n---\n")
    run = build(site, previous_output)
    assert run.code == 1
    found = {(p.path.name, p.line, p.col) for p in run.problems()}
    assert found == {("a.md", 2, 1), ("a.md", 4, 1), ("b.md", 3, 1), ("c.md", 2, 8)}, run.stderr
    assert run.stderr.splitlines()[-1].startswith("blog: build failed")
    assert "4 errors" in run.stderr.splitlines()[-1]


def test_problems_are_listed_in_file_and_line_order(site: Path, previous_output: Path) -> None:
    posts = site / "content" / "posts"
    (posts / "b.md").write_text(post(DATE, "titel: x", "topic: astronomie"), "utf-8")
    (posts / "a.md").write_text(post(TITLE, "date: 2021", TOPIC), "utf-8")
    run = build(site, previous_output)
    assert [(p.path.name, p.line) for p in run.problems()] == [("a.md", 3), ("b.md", 2), ("b.md", 3), ("b.md", 4)]
