"""Property: whatever an author edits, and in whatever order, an incremental build (the cache
on, one output folder kept from build to build) writes exactly the bytes that a clean build of
the same sources writes, even after another program changed or deleted files of its output;
and two clean builds of the same sources agree.

Each run copies the fixture site, builds it, then applies a sequence of edits, each of which
keeps the site buildable (a link to a post about to vanish or go unpublished is removed with
it), and compares the two builds after every edit; the clean builds are made meanwhile in a
second process. One test runs a fixed sequence with every kind of edit; the other lets
Hypothesis choose sequences, and shrinks a failing one to the fewest edits. A failure lists the
edits made and the files that differ. `BLOG_PROPTEST_EXAMPLES=200` searches longer than the
suite's few examples.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import Phase, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from builder.build import BuildOptions, Memo, build as build_site
from builder.content.folders import default_theme
from builder.core.urls import slugify
from builder.writer.write import MARKER
from support import FIXTURE_SITE, NOW, build, copy_site, snapshot

POSTS_DIR = "content/posts"
ZONE = ZoneInfo("Europe/Paris")  # the fixture's site.yaml timezone: dates without an offset are read in it
MOMENT = datetime.fromisoformat(NOW)

# The fixture's posts, and the names a new post may take.
FIXTURE_POSTS = ("article-du-futur", "balises-et-liens", "brouillon", "cyberattaques", "deux-medecins-a-l-amende",
                 "dossier-medical-partage", "premier-article", "un-peu-de-code")
NEW_POSTS = ("nouveau-1", "nouveau-2")
ANY_POST = FIXTURE_POSTS + NEW_POSTS
TITLES = ("Un titre tout neuf", "Élection à l’hôpital", "Balises <b> & « guillemets »",
          "Premier article")  # the last is premier-article's own: free once it is retitled
DATES = (
    "2019-06-03T08:00:00+02:00",  # a year of its own
    "2020-11-02T10:00:00",  # no offset: read in the site's timezone
    "2020-12-31T23:30:00Z",  # New Year's Day in Paris: another month and year than in UTC
    "2021-02-28T20:00:00+01:00",  # between two posts of the same day
    "2026-11-28T11:59:00+01:00",  # a minute before NOW
    "2026-11-28T12:01:00+01:00",  # a minute after NOW: not published yet
    "2027-02-01T09:00:00+01:00",  # well in the future
)
TOPICS = ("sante-numerique", "securite", "logiciels", "Santé numérique")  # by key, or by a title
# One spelling per tag: two spellings of one slug are an error (tested elsewhere).
TAGS = ("CNIL", "RGPD", "HTML", "sécurité informatique", "hôpital", "Python", "DMP", "avenir", "Télésanté",
        "logiciel libre")
# Theme templates a site may override, each with a line inside what it renders, to mark a version.
TEMPLATES = {"404.html": "{% block main %}\n", "listing.html": "{% block main %}\n",
             "partials/post_card.html": '<article class="post-card">\n'}
# What a version also shows: more of each listed post than the theme does, which a body edit changes.
SHOWS = {("partials/post_card.html", 2): "<p>{{ post.word_count }} mots</p>\n"}
BODY_EDITS = {
    "start": "Un nouveau début, qui devient le résumé des articles qui n’en ont pas.",
    "end": "Une phrase ajoutée à la fin.",
    "heading": "## Une section ajoutée\n\nSon texte.",
}


def post_path(name: str) -> str:
    """Give the path of a post file from the site's root."""
    return f"{POSTS_DIR}/{name}.md"


@dataclass
class PostFile:
    """A post file as its front-matter lines (key, raw YAML value) in order, its body, and the
    posts it links to (appended under the body); edited line by line, so that an edit
    changes only what it means to."""

    fields: dict[str, str]
    body: str
    links: list[str]

    @classmethod
    def parse(cls, text: str) -> PostFile:
        """Read a post file whose front-matter is one `key: value` per line."""
        assert text.startswith("---\n"), text
        end = text.index("\n---\n")
        fields = dict(line.split(": ", 1) for line in text[4:end].split("\n"))
        return cls(fields, text[end + 5:], [])

    def text(self) -> str:
        """Give the file's text: byte for byte the fixture's when nothing was edited."""
        front = "".join(f"{key}: {value}\n" for key, value in self.fields.items())
        links = "".join(f"\nVoir aussi [cet article]({target}.md).\n" for target in self.links)
        return f"---\n{front}---\n{self.body}{links}"

    def value(self, key: str):
        """Give a front-matter value as YAML reads it (dates excepted: see `date`)."""
        return yaml.safe_load(self.fields[key]) if key in self.fields else None

    def date(self, key: str = "date") -> datetime:
        """Give a date field as the builder reads it: no offset means the site's timezone."""
        parsed = datetime.fromisoformat(self.fields[key].strip('"'))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZONE)

    def slug(self) -> str:
        """Give the post's slug: its own, or its title's."""
        return self.value("slug") or slugify(self.value("title"))

    def published(self) -> bool:
        """Tell whether a build at NOW publishes the post."""
        return not self.value("draft") and self.date() <= MOMENT


class Site:
    """A copy of the fixture site and a model of its posts. Every write gives the file a new
    modification time from a strictly increasing clock, so that the builder's size-and-time
    check sees each change even when two writes fall in one tick of the real clock."""

    def __init__(self, root: Path, output: Path) -> None:
        self.root = copy_site(FIXTURE_SITE, root)
        self.output = output  # the incremental builds' one output folder
        # The model knows the links it adds (`ToggleLink`), not this one to premier-article's
        # address: the build rightly fails on it once that post is deleted or dated anew.
        code = self.root / post_path("un-peu-de-code")
        code.write_text(code.read_text("utf-8").replace(
            "Voir aussi [le premier article](/2020/11/premier-article/).", ""), "utf-8")
        self.posts = {name: PostFile.parse((self.root / post_path(name)).read_text("utf-8")) for name in FIXTURE_POSTS}
        assert sorted(path.stem for path in (self.root / POSTS_DIR).glob("*.md")) == sorted(FIXTURE_POSTS), \
            "the fixture's posts changed: update FIXTURE_POSTS"
        self.clock = time.time_ns()
        self.log: list[str] = []

    def touch(self, relative: str) -> None:
        """Give a file a new modification time (a second later than the last one given:
        coarser than any file system's time stamps)."""
        self.clock += 1_000_000_000
        os.utime(self.root / relative, ns=(self.clock, self.clock))

    def write(self, relative: str, text: str) -> None:
        """Write a file of the site, and give it a new time."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        self.touch(relative)

    def save(self, name: str) -> None:
        """Write a post's file from its model."""
        self.write(post_path(name), self.posts[name].text())

    def set_field(self, name: str, key: str, value: object) -> str:
        """Set a front-matter field of a post, written as JSON (which YAML reads), save the
        post, and say so."""
        self.posts[name].fields[key] = json.dumps(value, ensure_ascii=False)
        self.save(name)
        return f"{key} now {self.posts[name].fields[key]}"

    def tags_of(self, name: str) -> list[str] | None:
        """Give a post's tags, or None when there is no such post."""
        post = self.posts.get(name)
        return None if post is None else (post.value("tags") or [])

    def slug_taken(self, slug: str, by_other_than: str) -> bool:
        """Tell whether another post has this slug (two posts with one slug are an error)."""
        return any(post.slug() == slug for name, post in self.posts.items() if name != by_other_than)

    def apply(self, edit: Edit) -> bool:
        """Make an edit, then drop the links it would break; tell whether anything changed."""
        done = edit.apply(self)
        if done is None:
            return False
        self.log.append(f"{edit!r}: {done}")
        if currently_in_test_context():  # `--hypothesis-show-statistics` tells which kinds ran
            event(f"edit: {type(edit).__name__}")
        self._drop_broken_links()
        return True

    def _drop_broken_links(self) -> None:
        """Remove the links to deleted posts, and from published posts to unpublished ones:
        the builder refuses both, and an author would remove them."""
        for name, post in self.posts.items():
            keep = [target for target in post.links
                    if target in self.posts and (not post.published() or self.posts[target].published())]
            if keep != post.links:
                dropped = ", ".join(sorted(set(post.links) - set(keep)))
                self.log.append(f"    and so {name} no longer links to {dropped}")
                post.links = keep
                self.save(name)


class Edit:
    """One change an author makes; `apply` gives what it did, or None when it does not apply
    to the site as it is (the post is gone, the value is already that one)."""

    def apply(self, site: Site) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True)
class EditBody(Edit):
    """Add a paragraph at the start of a post (its summary, if it has none) or at its end, or a section."""

    post: str
    where: str  # a key of BODY_EDITS

    def apply(self, site: Site) -> str | None:
        post = site.posts.get(self.post)
        if post is None:
            return None
        text = BODY_EDITS[self.where]
        post.body = f"\n{text}\n{post.body}" if self.where == "start" else f"{post.body}\n{text}\n"
        site.save(self.post)
        return f"body edited ({self.where})"


@dataclass(frozen=True)
class Retitle(Edit):
    """Change a post's title, and so its slug and URL unless it sets its own slug."""

    post: str
    title: str

    def apply(self, site: Site) -> str | None:
        post = site.posts.get(self.post)
        if post is None or post.value("title") == self.title:
            return None
        if "slug" not in post.fields and site.slug_taken(slugify(self.title), self.post):
            return None
        site.set_field(self.post, "title", self.title)
        return f"slug now {post.slug()!r}"


@dataclass(frozen=True)
class AddTag(Edit):
    """Add a tag to a post's list."""

    post: str
    tag: str

    def apply(self, site: Site) -> str | None:
        tags = site.tags_of(self.post)
        if tags is None or self.tag in tags:
            return None
        return site.set_field(self.post, "tags", [*tags, self.tag])


@dataclass(frozen=True)
class RemoveTag(Edit):
    """Remove one of a post's tags (its position wraps around the list)."""

    post: str
    position: int

    def apply(self, site: Site) -> str | None:
        tags = site.tags_of(self.post)
        if not tags:
            return None
        del tags[self.position % len(tags)]
        return site.set_field(self.post, "tags", tags)


@dataclass(frozen=True)
class ReplaceTag(Edit):
    """Put another tag in place of one of a post's tags (its position wraps around the list)."""

    post: str
    position: int
    tag: str

    def apply(self, site: Site) -> str | None:
        tags = site.tags_of(self.post)
        if not tags or self.tag in tags:
            return None
        tags[self.position % len(tags)] = self.tag
        return site.set_field(self.post, "tags", tags)


@dataclass(frozen=True)
class Redate(Edit):
    """Change a post's date: its URL, its archives, its place in lists, maybe its publication."""

    post: str
    date: str  # one of DATES

    def apply(self, site: Site) -> str | None:
        post = site.posts.get(self.post)
        if post is None or post.fields["date"] == self.date:
            return None
        post.fields["date"] = self.date  # unquoted, as authors write it
        if "updated" in post.fields and post.date("updated") < post.date():
            del post.fields["updated"]  # `updated` before `date` is an error
        site.save(self.post)
        return "published" if post.published() else "not published"


@dataclass(frozen=True)
class Retopic(Edit):
    """Move a post to another topic (named by its key or its title)."""

    post: str
    topic: str

    def apply(self, site: Site) -> str | None:
        post = site.posts.get(self.post)
        if post is None or post.value("topic") == self.topic:
            return None
        return site.set_field(self.post, "topic", self.topic)


@dataclass(frozen=True)
class SetDraft(Edit):
    """Make a post a draft (`draft: true`), or publish a draft (the line removed)."""

    post: str
    draft: bool

    def apply(self, site: Site) -> str | None:
        post = site.posts.get(self.post)
        if post is None or bool(post.value("draft")) == self.draft:
            return None
        if self.draft:
            post.fields["draft"] = "true"
        else:
            del post.fields["draft"]
        site.save(self.post)
        return "published" if post.published() else "not published"


@dataclass(frozen=True)
class AddPost(Edit):
    """Write a new post, without a summary, with a tag of its own."""

    post: str  # one of NEW_POSTS
    date: str
    topic: str

    def apply(self, site: Site) -> str | None:
        if self.post in site.posts:
            return None
        title = f"Nouvel article {self.post.rsplit('-', 1)[1]}"
        fields = {"title": json.dumps(title), "date": self.date, "topic": json.dumps(self.topic, ensure_ascii=False),
                  "tags": json.dumps(["RGPD", "Télésanté"], ensure_ascii=False)}
        site.posts[self.post] = PostFile(fields, "\nUn article écrit en cours de route, sans résumé.\n", [])
        site.save(self.post)
        return "published" if site.posts[self.post].published() else "not published"


@dataclass(frozen=True)
class DeletePost(Edit):
    """Delete a post's file."""

    post: str

    def apply(self, site: Site) -> str | None:
        if self.post not in site.posts:
            return None
        (site.root / post_path(self.post)).unlink()
        del site.posts[self.post]
        return "deleted"


@dataclass(frozen=True)
class ToggleLink(Edit):
    """Add a link to another post's file (`autre.md`), or remove it if there is one."""

    post: str
    target: str

    def apply(self, site: Site) -> str | None:
        post, target = site.posts.get(self.post), site.posts.get(self.target)
        if post is None or target is None or self.post == self.target:
            return None
        if self.target in post.links:
            post.links.remove(self.target)
        elif post.published() and not target.published():
            return None  # the builder refuses it
        else:
            post.links.append(self.target)
        site.save(self.post)
        return f"links now to {post.links}"


@dataclass(frozen=True)
class OverrideTemplate(Edit):
    """Write the site's own version of a theme template: the theme's with a marker."""

    template: str  # a key of TEMPLATES
    version: int

    def apply(self, site: Site) -> str | None:
        theme = (default_theme() / "templates" / self.template).read_text("utf-8")
        anchor = TEMPLATES[self.template]
        assert anchor in theme, f"{self.template} of the theme no longer has {anchor!r}: update TEMPLATES"
        shows = SHOWS.get((self.template, self.version), "")
        text = theme.replace(anchor, f"{anchor}<!-- version {self.version} du site -->\n{shows}", 1)
        path = site.root / "templates" / self.template
        if path.is_file() and path.read_text("utf-8") == text:
            return None
        site.write(f"templates/{self.template}", text)
        return "written"


@dataclass(frozen=True)
class RemoveOverride(Edit):
    """Delete the site's version of a template, the first there is: the theme's is used again."""

    def apply(self, site: Site) -> str | None:
        path = next((site.root / "templates" / name for name in sorted(TEMPLATES)
                     if (site.root / "templates" / name).is_file()), None)
        if path is None:
            return None
        path.unlink()
        return f"{path.relative_to(site.root).as_posix()} deleted"


@dataclass(frozen=True)
class PostsPerPage(Edit):
    """Change `posts_per_page` in site.yaml: every listing is paginated anew."""

    count: int

    def apply(self, site: Site) -> str | None:
        lines = (site.root / "site.yaml").read_text("utf-8").split("\n")
        number = next(number for number, line in enumerate(lines) if line.startswith("posts_per_page:"))
        if lines[number] == f"posts_per_page: {self.count}":
            return None
        lines[number] = f"posts_per_page: {self.count}"
        site.write("site.yaml", "\n".join(lines))
        return "written"


@dataclass(frozen=True)
class Touch(Edit):
    """Give a file a new time and the same bytes."""

    path: str

    def apply(self, site: Site) -> str | None:
        if not (site.root / self.path).is_file():
            return None
        site.touch(self.path)
        return "touched"


@dataclass(frozen=True)
class DamageOutput(Edit):
    """Delete a file of the output, truncate it, or change its bytes but not its size (with
    another time): a change by another program, which the next build must undo."""

    number: int  # which file, in the order of their paths (modulo their count)
    how: str  # "delete", "truncate" or "same size"

    def apply(self, site: Site) -> str | None:
        files = sorted(path for path in site.output.rglob("*") if path.is_file() and path.name != MARKER)
        if not files:
            return None
        path = files[self.number % len(files)]
        data = path.read_bytes()
        if self.how == "delete":
            path.unlink()
        elif self.how == "truncate":
            path.write_bytes(data[:len(data) // 2])
        else:
            path.write_bytes(bytes(byte ^ 1 for byte in data[:1]) + data[1:])
            site.clock += 1_000_000_000
            os.utime(path, ns=(site.clock, site.clock))
        return f"{path.relative_to(site.output).as_posix()} of the output: {self.how}"


# The files a touch may choose (it does nothing to those that do not exist at the time).
TOUCHABLE = ("site.yaml", *map(post_path, ANY_POST), *(f"templates/{name}" for name in TEMPLATES))
any_post = st.sampled_from(ANY_POST)
an_edit = st.one_of(
    st.builds(EditBody, any_post, st.sampled_from(sorted(BODY_EDITS))),
    st.builds(Retitle, any_post, st.sampled_from(TITLES)),
    st.builds(AddTag, any_post, st.sampled_from(TAGS)),
    st.builds(RemoveTag, any_post, st.integers(0, 2)),
    st.builds(ReplaceTag, any_post, st.integers(0, 2), st.sampled_from(TAGS)),
    st.builds(Redate, any_post, st.sampled_from(DATES)),
    st.builds(Retopic, any_post, st.sampled_from(TOPICS)),
    st.builds(SetDraft, any_post, st.booleans()),
    st.builds(AddPost, st.sampled_from(NEW_POSTS), st.sampled_from(DATES), st.sampled_from(TOPICS)),
    st.builds(DeletePost, any_post),
    st.builds(ToggleLink, any_post, any_post),
    st.builds(OverrideTemplate, st.sampled_from(sorted(TEMPLATES)), st.integers(1, 2)),
    st.builds(RemoveOverride),
    st.builds(PostsPerPage, st.integers(1, 4)),
    st.builds(Touch, st.sampled_from(TOUCHABLE)),
    st.builds(DamageOutput, st.integers(0, 10_000), st.sampled_from(["delete", "truncate", "same size"])),
)


def build_tree(site: Path, output: Path, *extra: str, log: Sequence[str] = ()) -> dict[str, bytes]:
    """Build the site (at NOW, without the search index) and give the tree written; a failed
    build fails the test with the edits made (`log`) and what the builder said."""
    run = build(site, output, *extra)
    if run.code != 0:
        command = " ".join(("blog build", *extra))
        pytest.fail(f"{story(log)}`{command}` exited with {run.code}:\n{run.stderr}{run.stdout}")
    return snapshot(output)


def clean_tree(site: Path, log: Sequence[str] = ()) -> dict[str, bytes]:
    """Give the tree of a clean build of the site: no cache, into a fresh folder."""
    with tempfile.TemporaryDirectory() as folder:
        return build_tree(site, Path(folder) / "public", "--no-cache", log=log)


def story(log: Sequence[str]) -> str:
    """Tell the edits made so far, to open a failure's message."""
    return "after these edits:\n" + "\n".join(f"  {line}" for line in log or ["(none: the first build)"]) + "\n"


def sources_digest(site: Path) -> str:
    """Give a digest of the path and bytes of every source file of a site (its cache aside)."""
    digest = hashlib.blake2b(digest_size=16)
    for relative, data in snapshot(site).items():
        if not relative.startswith(".cache/"):
            digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


class CleanBuilds:
    """Clean builds made in another process while the test makes the incremental ones, kept by
    the digest of their sources: a touch, an edit undone, or a sequence being shrunk often
    gives sources already built."""

    KEEP = 100  # trees kept, each a few hundred kB

    def __init__(self, pool: Executor, fixture: dict[str, bytes]) -> None:
        self.pool = pool
        self.trees: dict[str, dict[str, bytes] | Future] = {sources_digest(FIXTURE_SITE): fixture}

    def __repr__(self) -> str:  # Hypothesis prints the test's arguments: not the trees
        return f"<{len(self.trees)} clean builds>"

    def start(self, site: Site) -> str:
        """Start the clean build of the site's sources unless they were built; give their key."""
        key = sources_digest(site.root)
        if key not in self.trees:
            while len(self.trees) >= self.KEEP:
                del self.trees[next(iter(self.trees))]
            self.trees[key] = self.pool.submit(clean_tree, site.root, tuple(site.log))
        return key

    def wait(self, key: str) -> None:
        """Wait for a clean build to end (it reads the sources: they must not change meanwhile)."""
        if isinstance(self.trees[key], Future):
            wait([self.trees[key]])

    def tree(self, key: str) -> dict[str, bytes]:
        """Give the tree of a clean build; raise its failure if it failed."""
        tree = self.trees[key]
        if isinstance(tree, Future):
            try:
                tree = self.trees[key] = tree.result()
            except BaseException:
                del self.trees[key]
                raise
        return tree


def differences(got: dict[str, bytes], expected: dict[str, bytes], names: tuple[str, str] = ("incremental", "clean")
                ) -> str:
    """Say which files of two trees differ, and where the first difference of the first of
    them is; `names` name the builds that wrote `got` and `expected`."""
    first, second = names
    changed = sorted(path for path in got.keys() & expected.keys() if got[path] != expected[path])
    lines = [f"  {label}: {', '.join(paths)}" for label, paths in (
        ("different bytes", changed), (f"only in the {first} build", sorted(got.keys() - expected.keys())),
        (f"only in the {second} build", sorted(expected.keys() - got.keys()))) if paths]
    if changed:
        ours, theirs = got[changed[0]].splitlines(), expected[changed[0]].splitlines()
        number = next((n for n, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        width = max(len(first), len(second))
        lines += [f"  first difference, {changed[0]} line {number + 1}:",
                  f"    {first:{width}}: {_line(ours, number)!r}",
                  f"    {second:{width}}: {_line(theirs, number)!r}"]
    return "\n".join(lines)


def _line(lines: list[bytes], number: int) -> bytes:
    """Give the start of a line of a file, or say the file ended before it."""
    return lines[number][:160] if number < len(lines) else b"(end of file)"


def check_edits(edits: Sequence[Edit], clean_builds: CleanBuilds, clean_twice: bool = False) -> None:
    """Build a copy of the fixture site, then apply `edits` one by one; after each one that
    changes something, the incremental build must equal a clean build of the same sources.
    With `clean_twice`, the last sources are built clean once more, and must give the same."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "public"  # the incremental builds' one output folder
        site = Site(Path(folder) / "site", output)
        for edit in (None, *edits):  # None: the first build, of the fixture as it is
            if edit is not None and not site.apply(edit):
                continue
            key = clean_builds.start(site)
            try:
                incremental = build_tree(site.root, output, log=site.log)
            finally:
                clean_builds.wait(key)
            clean = clean_builds.tree(key)
            if incremental != clean:
                pytest.fail(f"{story(site.log)}the incremental build differs from a clean build:\n"
                            + differences(incremental, clean))
        if clean_twice:
            again = clean_tree(site.root, site.log)
            if again != clean:
                pytest.fail(f"{story(site.log)}two clean builds of the same sources differ:\n"
                            + differences(again, clean, ("second clean", "first clean")))


@pytest.fixture(scope="module")
def clean_builds(built: Path) -> Iterator[CleanBuilds]:
    """Clean builds made in another process, starting with the session's build of the fixture."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        yield CleanBuilds(pool, snapshot(built))


# Every kind of edit once or more, in an order where each matters: a fixed run in every suite.
EVERY_KIND = (
    EditBody("premier-article", "start"),  # its summary, shown in listings, is its first words
    EditBody("un-peu-de-code", "end"),  # nothing other pages show: the quick way
    Retitle("cyberattaques", "Élection à l’hôpital"),
    AddTag("premier-article", "Télésanté"),  # a new tag page
    ReplaceTag("balises-et-liens", 0, "Python"),
    RemoveTag("dossier-medical-partage", 0),  # its only post loses DMP: the tag's pages go
    ToggleLink("un-peu-de-code", "premier-article"),  # a link by file: its URL comes from the target
    Redate("premier-article", "2019-06-03T08:00:00+02:00"),  # another month and year: the link follows
    Retopic("deux-medecins-a-l-amende", "Santé numérique"),
    AddPost("nouveau-1", "2020-12-31T23:30:00Z", "logiciels"),
    OverrideTemplate("partials/post_card.html", 2),  # it shows each post's word count
    EditBody("premier-article", "end"),  # which every listing of the post shows, changed
    PostsPerPage(1),
    Touch(post_path("dossier-medical-partage")),
    DamageOutput(0, "delete"),  # the sources as they were: only the output changed
    DamageOutput(7, "same size"),
    DamageOutput(3, "truncate"),
    Redate("premier-article", "2026-11-28T12:01:00+01:00"),  # to the future: the link to it goes too
    SetDraft("cyberattaques", True),
    RemoveOverride(),  # the theme's post card again
    DeletePost("nouveau-1"),
)


def test_each_kind_of_edit_in_turn_keeps_the_incremental_build_equal_to_a_clean_one(clean_builds) -> None:
    check_edits(EVERY_KIND, clean_builds, clean_twice=True)


def test_each_kind_of_edit_in_turn_keeps_a_preview_equal_to_a_clean_build() -> None:
    """A preview (`blog serve`: drafts and future posts, one memo kept from rebuild to rebuild,
    the quick way whenever it can) after each edit equals a clean build of the same sources."""
    options = BuildOptions(drafts=True, future=True, now=datetime.fromisoformat(NOW), cache=True, search=False)
    with tempfile.TemporaryDirectory() as folder:
        output, memo = Path(folder) / "preview", Memo()
        site = Site(Path(folder) / "site", output)
        quick = 0
        for edit in (None, *EVERY_KIND):
            if edit is not None and not site.apply(edit):
                continue
            quick += build_site(site.root, output, options, memo).fast_path
            clean = build_tree(site.root, Path(folder) / f"clean-{len(site.log)}", "--no-cache", "--drafts",
                               "--future", log=site.log)
            if snapshot(output) != clean:
                pytest.fail(f"{story(site.log)}the preview differs from a clean build:\n"
                            + differences(snapshot(output), clean, ("preview", "clean")))
        assert quick >= 2, "no edit of the run took the quick way: the run no longer tests it"


# No `explain` phase: it would run the shrunk failure many more times, to say little more than
# the failure's own message does.
@settings(max_examples=int(os.environ.get("BLOG_PROPTEST_EXAMPLES", "4")), deadline=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])
@given(edits=st.lists(an_edit, min_size=1, max_size=10))
def test_any_sequence_of_edits_keeps_the_incremental_build_equal_to_a_clean_one(clean_builds, edits) -> None:
    check_edits(edits, clean_builds)
