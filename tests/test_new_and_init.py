"""`blog new` writes a draft post ready to edit, refusing to clobber anything; `blog init`
creates a site that builds as it is."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from builder.content.typography import typeset
from editor_support import (EPOCH_SUMMER, EPOCH_WINTER, NOW, POSTS, blog, copy_editor_site, file_for,
                            parse_problems, soup_of, tree_bytes)

WINTER = {"SOURCE_DATE_EPOCH": EPOCH_WINTER}
POST_URL = re.compile(r"^/\d{4}/\d{2}/[a-z0-9-]+/$")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the editor fixture site that the test may change."""
    return copy_editor_site(tmp_path / "site")


def new(site: Path, title: str, *extra: str, env: dict[str, str] | None = None):
    """Run `blog new` on `site` at a fixed moment (winter time) unless `env` says otherwise."""
    return blog("new", title, "--source", site, *extra, env=WINTER if env is None else env)


def front_matter(path: Path) -> dict:
    """Give a post's front-matter as YAML values, dates kept as written."""
    text = path.read_text("utf-8")
    assert text.startswith("---\n")
    return yaml.load(text.split("---\n")[1], Loader=_TextDates)


class _TextDates(yaml.SafeLoader):
    """A safe loader that leaves timestamps as the text written."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def printed_path(stdout: str) -> Path:
    """Give the one path `blog new` printed, resolved from the working folder."""
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout
    return (Path.cwd() / lines[0]).resolve()


def build(site: Path, output: Path, *extra: str):
    """Build `site` into `output` at the suite's fixed moment."""
    return blog("build", "--source", site, "--output", output, "--now", NOW, *extra)


# blog new

def test_new_writes_a_draft_with_its_front_matter_filled_in(site: Path) -> None:
    run = new(site, "Titre de l'article")
    path = site / POSTS / "titre-de-l-article.md"
    assert (run.code, run.stderr) == (0, "")
    assert printed_path(run.stdout) == path
    assert front_matter(path) == {
        "title": "Titre de l'article",
        "date": "2021-03-01T13:00:00+01:00",  # SOURCE_DATE_EPOCH, in Paris, with its offset
        "topic": "sante-numerique",  # the first topic of site.yaml
        "tags": [],
        "draft": True,
    }
    body = path.read_text("utf-8").split("---\n", 2)[2]
    assert re.search(r"^## \S", body, re.MULTILINE), "the body skeleton has a section heading"


def test_new_dates_a_summer_post_with_the_summer_offset(site: Path) -> None:
    run = new(site, "Un billet d'été", env={"SOURCE_DATE_EPOCH": EPOCH_SUMMER})
    assert run.code == 0
    assert front_matter(printed_path(run.stdout))["date"] == "2021-07-01T14:00:00+02:00"


@pytest.mark.parametrize("title, slug", [
    ("Titre de l'article", "titre-de-l-article"),
    ("Les hôpitaux à l’épreuve", "les-hopitaux-a-l-epreuve"),
    ("Qu’en dit l’Ordre ?", "qu-en-dit-l-ordre"),
    ("Œuvre d'État", "oeuvre-d-etat"),
])
def test_new_names_the_file_with_the_slug_of_the_title(site: Path, title: str, slug: str) -> None:
    run = new(site, title)
    assert run.code == 0
    assert printed_path(run.stdout) == site / POSTS / f"{slug}.md"
    assert front_matter(site / POSTS / f"{slug}.md")["title"] == title


@pytest.mark.parametrize("topic", ["securite", "Sécurité"], ids=["key", "title"])
def test_new_takes_a_declared_topic_by_key_or_title(site: Path, topic: str) -> None:
    run = new(site, "Un billet", "--topic", topic)
    assert run.code == 0
    assert front_matter(printed_path(run.stdout))["topic"] == "securite"


def test_new_takes_the_existing_spelling_of_a_tag(site: Path) -> None:
    run = new(site, "Un billet", "--tags", "cnil, Sécurité Informatique,Nouveau")
    assert run.code == 0
    assert front_matter(printed_path(run.stdout))["tags"] == ["CNIL", "sécurité informatique", "Nouveau"]


def test_new_keeps_a_title_with_yaml_characters_intact(site: Path, tmp_path: Path) -> None:
    title = 'Covid-19 : "le point" #3 [suite] & fin'
    run = new(site, title)
    assert run.code == 0
    output = tmp_path / "public"
    assert build(site, output, "--drafts").code == 0
    page = soup_of(file_for(output, "/2021/03/covid-19-le-point-3-suite-fin/").read_text("utf-8"))
    assert page.h1.get_text(strip=True) == typeset(title)  # the title as written, set in French typography


def test_new_post_is_built_with_drafts_only(site: Path, tmp_path: Path) -> None:
    assert new(site, "Titre de l'article").code == 0
    url = "/2021/03/titre-de-l-article/"

    without = tmp_path / "without"
    assert build(site, without).code == 0
    assert not file_for(without, url).exists()
    assert url not in {a["href"] for a in soup_of(file_for(without, "/").read_text("utf-8")).find_all("a", href=True)}

    with_drafts = tmp_path / "with"
    assert build(site, with_drafts, "--drafts").code == 0
    page = soup_of(file_for(with_drafts, url).read_text("utf-8"))
    assert page.h1.get_text(strip=True) == "Titre de l’article"
    assert "Brouillon" in page.main.get_text()
    assert url in {a["href"] for a in soup_of(file_for(with_drafts, "/").read_text("utf-8")).find_all("a", href=True)}


def test_new_post_passes_check_without_a_problem(site: Path) -> None:
    assert new(site, "Titre de l'article", "--tags", "CNIL,RGPD").code == 0
    run = blog("check", "--source", site)
    assert (run.code, parse_problems(run.stdout)) == (0, [])


@pytest.mark.parametrize("title, extra, why", [
    ("Premier article", (), "premier-article.md exists"),
    ("Un brouillon en cours", (), "brouillon.md's title gives this slug"),
    ("Second article", (), "second-article.md sets `slug: second-article`"),
    ("Un billet", ("--topic", "astronomie"), "no such topic in site.yaml"),
    ("!!!", (), "no word, so no slug"),
    ("Santé " * 50, (), "a slug too long to name a file"),
], ids=["existing-file", "slug-of-a-title", "slug-field", "unknown-topic", "empty-slug", "long-slug"])
def test_new_refuses_and_writes_nothing(site: Path, title: str, extra: tuple[str, ...], why: str) -> None:
    before = tree_bytes(site)
    run = new(site, title, *extra)
    assert run.code == 1, why
    assert run.stdout == ""
    assert run.stderr.startswith("blog: error: ")
    assert tree_bytes(site) == before


def test_new_refuses_to_overwrite_a_file_whose_post_has_another_slug(site: Path) -> None:
    existing = site / POSTS / "mon-titre.md"
    existing.write_text("---\ntitle: Autre chose\nslug: autre-chose\ndate: 2021-01-01T09:00:00+01:00\n"
                        "topic: securite\n---\n\nÀ garder.\n", "utf-8")
    before = tree_bytes(site)
    run = new(site, "Mon titre")
    assert run.code == 1
    assert "mon-titre.md" in run.stderr
    assert tree_bytes(site) == before


def test_new_names_the_unknown_topic_and_the_declared_ones(site: Path) -> None:
    run = new(site, "Un billet", "--topic", "astronomie")
    assert "astronomie" in run.stderr and "sante-numerique" in run.stderr and "securite" in run.stderr


def test_new_writes_a_tag_given_in_two_spellings_once(site: Path, tmp_path: Path) -> None:
    run = new(site, "Un billet", "--tags", "Nouveau,nouveau,RGPD")
    assert run.code == 0
    assert front_matter(printed_path(run.stdout))["tags"] == ["Nouveau", "RGPD"]
    assert build(site, tmp_path / "public", "--drafts").code == 0


def test_new_outside_a_site_is_a_usage_error(tmp_path: Path) -> None:
    run = new(tmp_path, "Un billet")
    assert run.code == 2
    assert list(tmp_path.iterdir()) == []


# blog init

@pytest.mark.parametrize("env", [WINTER, {}], ids=["source-date-epoch", "clock"])
def test_init_creates_a_site_that_builds_and_lists_its_example_post(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "sites" / "mon-blog"  # its parent does not exist yet
    run = blog("init", folder, env=env)
    assert run.code == 0
    assert (folder / "site.yaml").is_file()
    assert [path.name for path in (folder / POSTS).iterdir()] == ["bienvenue.md"]

    built = blog("build", "--source", folder, env=env)  # the site's own default output and "now"
    assert built.code == 0, built.stderr
    assert "error" not in built.stderr
    output = folder / "public"
    home = soup_of(file_for(output, "/").read_text("utf-8"))
    listed = [a["href"] for a in home.main.find_all("a", href=True) if POST_URL.match(a["href"])]
    assert len(set(listed)) == 1, listed
    post = soup_of(file_for(output, listed[0]).read_text("utf-8"))
    assert post.h1.get_text(strip=True) == front_matter(folder / POSTS / "bienvenue.md")["title"]


def test_init_site_passes_check_without_a_problem(tmp_path: Path) -> None:
    assert blog("init", tmp_path / "blog", env=WINTER).code == 0
    run = blog("check", "--source", tmp_path / "blog")
    assert (run.code, parse_problems(run.stdout)) == (0, [])


def test_init_accepts_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "vide"
    folder.mkdir()
    assert blog("init", folder, env=WINTER).code == 0
    assert (folder / "site.yaml").is_file()


def test_init_accepts_a_folder_holding_only_a_git_repository(tmp_path: Path) -> None:
    folder = tmp_path / "depot"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    (folder / ".gitignore").write_text("/notes/\n", "utf-8")
    assert blog("init", folder, env=WINTER).code == 0
    assert (folder / "site.yaml").is_file()
    assert (folder / ".git" / "HEAD").read_text("utf-8") == "ref: refs/heads/main\n"
    assert (folder / ".gitignore").read_text("utf-8") == "/notes/\n"  # the user's own, kept


@pytest.mark.parametrize("content", [
    {"notes.txt": "à garder\n"},
    {".git/HEAD": "ref: refs/heads/main\n", "brouillon.md": "# idée\n"},
    {"site.yaml": "title: Déjà là\n"},
], ids=["a-file", "a-repository-with-files", "a-site"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, content: dict[str, str]) -> None:
    folder = tmp_path / "plein"
    for relative, text in content.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, "utf-8")
    before = tree_bytes(folder)
    run = blog("init", folder, env=WINTER)
    assert run.code == 2
    assert str(folder) in run.stderr
    assert tree_bytes(folder) == before


def test_init_refuses_a_path_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "fichier"
    path.write_text("x", "utf-8")
    assert blog("init", path, env=WINTER).code == 2
    assert path.read_text("utf-8") == "x"


def test_blog_command_inits_a_site_adds_a_post_and_builds_it(tmp_path: Path) -> None:
    """Smoke test of the real command line, in subprocesses."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH_WINTER}

    def blog_process(*args: str | Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "builder", *map(str, args)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=60)

    assert blog_process("init", "blog").returncode == 0
    added = blog_process("new", "Un deuxième billet", "--tags", "Blog,essai", "--source", "blog")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == os.path.join("blog", "content", "posts", "un-deuxieme-billet.md")
    assert front_matter(tmp_path / added.stdout.strip())["tags"] == ["blog", "essai"]  # init's spelling
    built = blog_process("build", "--source", "blog", "--drafts", "--now", NOW)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "blog" / "public" / "2021" / "03" / "un-deuxieme-billet" / "index.html").is_file()
