"""A theme's templates: the Jinja environment they render in (autoescaped, strict about
undefined names), their digests, and what they read of the posts a page lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import meta

from builder.content import french, typography
from builder.core import urls
from builder.core.model import Config
from builder.output.keys import fingerprint
from builder.output.template_reads import listed_post_names, template_reads


def make_environment(template_dirs: tuple[Path, ...], config: Config) -> jinja2.Environment:
    """Give a Jinja environment over the theme folders, site's first."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment lives for one build: no need to stat each template per page
    )
    env.filters.update(
        long_date=french.long_date,
        month_name=lambda month: french.month_name(month.year, month.month),
        plural=french.plural,
        reading_time=french.reading_time,
        typo=typography.typeset,
        asset=_asset,
        absolute=lambda url: urls.absolute(config.base_url, url),
        tag_url=urls.tag_url,
        topic_url=urls.topic_url,
    )
    env.globals.update(site=_site_context(config), urls=_SITE_URLS)
    return env


# What templates read on every page are attributes, not dictionary keys: Jinja tries an
# attribute first, and a dictionary's missing one raises an exception (60 a page: a tenth of
# its instructions went there).
@dataclass(frozen=True, slots=True)
class _SiteUrls:
    """The URLs of the site's own pages that every page may link to."""

    home: str = urls.HOME
    tags: str = urls.TAGS
    topics: str = urls.TOPICS
    archives: str = urls.ARCHIVES
    feed: str = urls.FEED
    search: str = urls.SEARCH
    search_bundle: str = urls.SEARCH_BUNDLE


_SITE_URLS = _SiteUrls()


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link of the site's navigation, and its `aria-current`, if any: "page" when it leads
    to the page shown, "true" when it leads to the section that page is in."""

    title: str
    url: str
    current: str = ""


@dataclass(frozen=True, slots=True)
class _SiteContext:
    """What every template may know of the site: not the whole config."""

    title: str
    description: str
    base_url: str
    language: str
    topics: tuple[NavLink, ...]  # each with no `current`: the page's own are its `topics_nav`


@dataclass(frozen=True, slots=True)
class Templates:
    """A theme's templates, ready to render: the Jinja environment (which keeps each template
    once compiled), each template's digest, and what they were made from."""

    env: jinja2.Environment
    digests: dict[str, str]
    sources: dict[str, str]  # by template name
    folders: tuple[Path, ...]
    config: Config
    listed: tuple[str, ...]  # what any page may show of a post other than its own (`reads`)


def load_templates(folders: tuple[Path, ...], config: Config, previous: Templates | None = None) -> Templates:
    """Give the templates of the theme `folders` (the site's first) for `config`; `previous`
    (a preview's, from its last build) is given back as it is, with the templates it compiled
    already, when it was made from the same folders, config and sources."""
    env = make_environment(folders, config)
    sources = {name: env.loader.get_source(env, name)[0] for name in env.list_templates()}
    if previous is not None and (previous.folders, previous.config, previous.sources) == (folders, config, sources):
        return previous
    trees = {name: _parsed(env, source) for name, source in sources.items()}
    closures = template_closures(trees)
    listed = listed_post_names({name: template_reads(tree) for name, tree in trees.items()}, closures)
    return Templates(env, template_digests(sources, closures), sources, folders, config, listed)


def _parsed(env: jinja2.Environment, source: str) -> jinja2.nodes.Template | None:
    """Give a template's syntax tree, or None when it does not parse (rendering reports it)."""
    try:
        return env.parse(source)
    except jinja2.TemplateSyntaxError:
        return None


@jinja2.pass_context
def _asset(context: jinja2.runtime.Context, url: str) -> str:
    """Give the published (fingerprinted) URL of a theme stylesheet or script named by its
    plain URL; the page's context holds the names, so that a memo sees them change."""
    published = context["assets"]
    if url not in published:
        known = ", ".join(published) or "none"
        raise jinja2.TemplateRuntimeError(f"no stylesheet or script {url!r} in static/ (there are: {known})")
    return published[url]


def _site_context(config: Config) -> _SiteContext:
    """Give what every template may know of the site."""
    return _SiteContext(config.title, config.description, config.base_url, config.language,
                        tuple(NavLink(topic.title, urls.topic_url(topic.slug)) for topic in config.topics))


def template_closures(trees: dict[str, jinja2.nodes.Template | None]) -> dict[str, frozenset[str]]:
    """Give, for each template by name, the templates it uses, however deep, itself included:
    those it extends, includes or imports. A template that names another through a variable
    may use them all; one that does not parse, only itself (rendering reports its error)."""
    uses = {name: list(meta.find_referenced_templates(tree)) if tree is not None else []
            for name, tree in trees.items()}
    closures = {}
    for name in trees:
        closure, waiting = set(), [name]
        while waiting:
            current = waiting.pop()
            if current not in closure:
                closure.add(current)
                waiting += [used for used in uses.get(current, []) if used is not None]
        dynamic = any(None in uses.get(used, []) for used in closure)
        closures[name] = frozenset(trees) if dynamic else frozenset(closure)
    return closures


def template_digests(sources: dict[str, str], closures: dict[str, frozenset[str]]) -> dict[str, str]:
    """Give each template's digest, of its source and of those of the templates it uses, so
    that a change to a template re-renders only the pages that use it."""
    return {name: fingerprint(sorted((used, sources.get(used, "")) for used in closures[name])) for name in sources}
