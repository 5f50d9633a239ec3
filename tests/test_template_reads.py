"""A page other than a post's own shows only some of that post (its title, date, summary…):
it is keyed by what its templates read of the posts it lists, so that a body edit renders again
the post's own page alone, and a theme that shows more of them is followed too."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from builder.build import BuildOptions, build as build_site
from builder.content.config import load_config
from builder.output.template_reads import POST_NAMES
from builder.output.templates import load_templates
from builder.content.folders import default_theme, theme_dirs
from support import NOW, blog, snapshot

OPTIONS = BuildOptions(now=datetime.fromisoformat(NOW), cache=True, search=False)
POST = "content/posts/premier-article.md"
POST_URL = "/2020/11/premier-article/"


def listed(site: Path) -> tuple[str, ...]:
    """Give what the site's templates may show of a post other than a page's own."""
    return load_templates(theme_dirs(site, "templates"), load_config(site)).listed


def override(site: Path, template: str, old: str, new: str) -> None:
    """Give the site its own version of a theme template, with `old` replaced by `new`."""
    text = (default_theme() / "templates" / template).read_text("utf-8")
    assert old in text
    (site / "templates" / template).parent.mkdir(parents=True, exist_ok=True)
    (site / "templates" / template).write_text(text.replace(old, new, 1), "utf-8")


def edit_body(site: Path) -> None:
    """Change the second paragraph of a post: neither its summary nor its reading time."""
    path = site / POST
    path.write_text(path.read_text("utf-8").replace("Un second paragraphe", "Un autre paragraphe"), "utf-8")


def test_the_theme_shows_no_body_outside_a_posts_own_page(site: Path) -> None:
    shown = set(listed(site))
    assert {"title", "url", "date", "summary", "reading_minutes", "tags", "topic"} <= shown
    assert not shown & {"body", "body_html", "hrefs", "headings", "word_count", "author"}


def test_a_body_edit_renders_again_only_the_posts_own_page(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit_body(site)
    report = build_site(site, output, OPTIONS)
    assert report.rendered_because == {"whose inputs changed": [POST_URL]}
    assert "Un autre paragraphe" in (output / POST_URL.strip("/") / "index.html").read_text("utf-8")
    assert blog("build", "--source", site, "--output", tmp_path / "clean", "--now", NOW, "--no-search",
                "--no-cache").code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_theme_that_lists_bodies_renders_the_listings_again(site: Path, tmp_path: Path) -> None:
    override(site, "partials/post_card.html", '<p class="summary">',
             '<div>{{ post.body_html | safe }}</div>\n  <p class="summary">')
    output = tmp_path / "public"
    build_site(site, output, OPTIONS)
    edit_body(site)
    report = build_site(site, output, OPTIONS)
    rendered = report.rendered_because["whose inputs changed"]
    assert {POST_URL, "/page/3/", "/tags/cnil/", "/topics/sante-numerique/"} <= set(rendered)
    assert "Un autre paragraphe" in (output / "page" / "3" / "index.html").read_text("utf-8")
    assert blog("build", "--source", site, "--output", tmp_path / "clean", "--now", NOW, "--no-search",
                "--no-cache").code == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


@pytest.mark.parametrize("shows, names", [
    ("{{ post.word_count }}", {"word_count"}),  # in a loop over listed posts: not the page's own post
    ('{{ post["author"] }}', {"author"}),
    ("{{ [post] | map(attribute='headings') | list | length }}", {"headings"}),
    ("{{ post | attr('body_html') }}", {"body_html"}),
    ("{{ post.line_of('title') }}", {"field_lines"}),
])
def test_what_a_listing_names_of_its_posts_is_followed(site: Path, shows: str, names: set[str]) -> None:
    override(site, "partials/post_card.html", '<p class="summary">', f"{shows}\n  <p class=\"summary\">")
    assert names <= set(listed(site))


@pytest.mark.parametrize("shows", ["{% set name = 'title' %}{{ post[name] }}", "{{ post | pprint }}",
                                   "{% set name = 'title' %}{{ post | attr(name) }}"])
def test_a_listing_that_reads_attributes_it_does_not_name_may_show_anything(site: Path, shows: str) -> None:
    override(site, "partials/post_card.html", '<p class="summary">', f"{shows}\n  <p class=\"summary\">")
    assert listed(site) == POST_NAMES


def test_a_post_page_that_binds_post_to_another_shows_what_it_reads_of_it(site: Path) -> None:
    override(site, "post.html", "{% for other in related %}",
             "{% for post in related %}{{ post.author }}{% endfor %}\n{% for other in related %}")
    shown = set(listed(site))
    assert {"author", "body_html"} <= shown  # every `post.…` of post.html may now be another post's


@pytest.mark.parametrize("shows", [
    "{% macro card(post) %}{{ post.author }}{% endmacro %}{{ card(newer) }}",  # a macro's parameter
    "{% with post = newer %}{{ post.author }}{% endwith %}",
    "{% set other = newer %}{{ other.author }}",  # another name for another post
])
def test_what_a_post_page_reads_of_the_posts_around_it_is_followed(site: Path, shows: str) -> None:
    override(site, "post.html", "{% for other in related %}", f"{shows}\n{{% for other in related %}}")
    assert "author" in listed(site)
