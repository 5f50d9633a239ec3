"""A page is keyed by the values its context is made of, and its context is made of nothing
else: change any one of them and a build with the cache renders that page again, giving the
clean build's bytes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from builder.build import BuildOptions, BuildReport, build as build_site, read_site
from builder.content.folders import theme_dirs
from builder.core.model import Config
from builder.output.keys import PageKeys, fingerprint, post_views
from builder.output.pages import PageJob, page_jobs
from builder.output.render import shared_values
from builder.output.templates import load_templates
from builder.site.index import build_index, published
from support import NOW, blog, edit, snapshot

OPTIONS = BuildOptions(now=datetime.fromisoformat(NOW), search=False)
SUMMARY = "Ce premier article n'a pas de résumé : la liste montre donc ses premiers mots."
TOPIC_DESCRIPTION = "Attaques, failles et bonnes pratiques."


def jobs_of(site: Path, topic_description: str = TOPIC_DESCRIPTION) -> tuple[dict[str, PageJob], PageKeys]:
    """Give the job of every page of `site`, by URL, with the topic `securite` described so,
    and what their keys are made of besides their inputs."""
    sources = read_site(site, BuildReport(), options=OPTIONS)
    topics = tuple(dataclasses.replace(topic, description=topic_description) if topic.slug == "securite" else topic
                   for topic in sources.config.topics)
    config: Config = dataclasses.replace(sources.config, topics=topics)
    index = build_index(published(sources.posts, OPTIONS.now), config)
    templates = load_templates(theme_dirs(site, "templates"), config)
    keys = PageKeys(fingerprint(shared_values(index.posts, OPTIONS.now, {})), templates.digests,
                    post_views(index.posts, templates.listed))
    return {job.url: job for job in page_jobs(index, config, False, keys)}, keys


def rendered_after(site: Path, output: Path, change: Callable[[], None]) -> set[str]:
    """Build with the cache, make `change` to the site and build again; give the URLs rendered
    again, once sure that the output is the clean build's."""
    options = dataclasses.replace(OPTIONS, cache=True)
    build_site(site, output, options)
    change()
    report = build_site(site, output, options)
    clean = output.parent / "clean"
    assert blog("build", "--source", site, "--output", clean, "--now", NOW, "--no-search", "--no-cache").code == 0
    assert snapshot(output) == snapshot(clean)
    return {url for urls in report.rendered_because.values() for url in urls}


def test_a_summary_shown_in_listings_renders_those_listings_again(site: Path, tmp_path: Path) -> None:
    rendered = rendered_after(site, tmp_path / "public", lambda: edit(
        site / "content" / "posts" / "premier-article.md", SUMMARY, "Un résumé tout neuf, et plus court."))
    # The pages of its listings that hold it, the pages of all tags, topics and months, and the
    # pages of the posts it sits beside or is related to.
    assert {"/page/3/", "/tags/cnil/", "/tags/rgpd/page/2/", "/topics/sante-numerique/", "/2020/page/2/",
            "/2020/11/", "/tags/", "/topics/", "/archives/"} <= rendered
    assert not rendered & {"/", "/tags/rgpd/", "/topics/securite/", "/2020/", "/404.html"}  # they show it not


def test_a_topics_description_in_site_yaml_renders_its_listing_again(site: Path, tmp_path: Path) -> None:
    rendered = rendered_after(site, tmp_path / "public", lambda: edit(
        site / "site.yaml", TOPIC_DESCRIPTION, "Les attaques, et comment s’en garder."))
    assert "/topics/securite/" in rendered


def test_a_topics_description_changes_the_keys_of_the_pages_showing_it_alone(site: Path) -> None:
    # Keys alone, without the ledger's scope (of the whole config), which would hide a value
    # a key forgot: a change to the config renders every page again.
    before, _keys = jobs_of(site)
    after, _keys = jobs_of(site, "Une autre description.")
    changed = {url for url in before if before[url].key != after[url].key}
    assert changed == {"/topics/securite/", "/topics/securite/page/2/", "/topics/"}


def test_a_pages_context_is_made_of_its_inputs_and_the_config_alone(site: Path) -> None:
    jobs, keys = jobs_of(site)
    for job in jobs.values():
        assert job.context.__closure__ is None, job.url  # a plain function, reading nothing else
        assert job.key == keys.key(job.template, job.url, job.inputs)


@pytest.mark.parametrize("value", [object(), {"a": 1}, {1, 2}])
def test_a_value_a_key_cannot_tell_apart_is_refused(value: object) -> None:
    with pytest.raises(TypeError, match="cannot hold"):
        PageKeys("", {}, {}).key("listing.html", "/", {"title": "Titre", "odd": value})
