"""`blog check`: every problem of a site, errors and warnings, without writing anything."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from builder.build import read_site
from builder.content.folders import theme_dirs
from builder.content.load import raw_html_warnings
from builder.core.errors import BuildFailed, Problem, Severity, counted, cut, quoted, sort_problems
from builder.core.model import Post, Sources
from builder.core.report import BuildOptions, BuildReport
from builder.output.assemble import assemble
from builder.output.templates import load_templates
from builder.site.index import published
from builder.site.publishing import moment

# Beyond these, search engines cut the text they show.
TITLE_MAX = 70
SUMMARY_MAX = 160
TAGS_MIN, TAGS_MAX = 2, 6  # enough to relate posts, few enough to mean something


def check_site(site_root: Path, now: datetime | None = None) -> tuple[Problem, ...]:
    """Give every problem of the site at `site_root`: what fails a build, drafts and future
    posts included, and what a reader or a search engine would stumble on."""
    report = BuildReport()
    try:
        sources = read_site(site_root, report)
    except BuildFailed as failure:  # a broken config: nothing else can be checked
        return failure.problems
    problems = list(sources.problems)
    for post in sources.posts:
        problems += post_warnings(post)
    templates = load_templates(theme_dirs(site_root, "templates"), sources.config)
    for options in _builds(sources, now):
        try:  # the pages a build makes, from every post that could be read: what fails it fails here
            assemble(site_root, sources, templates, options, report)
        except BuildFailed as failure:
            problems += failure.problems
    return sort_problems(list(dict.fromkeys(problems)))  # a problem both builds find is one


def _builds(sources: Sources, now: datetime | None) -> list[BuildOptions]:
    """Give the builds whose pages are checked: `blog build`'s, then, if drafts or future posts
    would add pages, the build that includes them (their templates and links are checked too)."""
    plain = BuildOptions(now=now)
    everything = BuildOptions(drafts=True, future=True, now=now)
    when = moment(now, sources.config)
    if len(published(sources.posts, when)) == len(published(sources.posts, when, True, True)):
        return [plain]
    return [plain, everything]


def post_warnings(post: Post) -> list[Problem]:
    """Give the warnings about one post: lengths for search results, images without a
    description, heading levels, raw HTML shown as text."""
    warnings = []
    if len(post.title) > TITLE_MAX:
        warnings.append(_warning(post, post.line_of("title"),
                                 f"title is {len(post.title)} characters long; search results show about {TITLE_MAX}"))
    if "summary" in dict(post.field_lines) and len(post.summary) > SUMMARY_MAX:
        warnings.append(_warning(post, post.line_of("summary"),
                                 f"summary is {len(post.summary)} characters long; search results show about {SUMMARY_MAX}"))
    if not TAGS_MIN <= len(post.tags) <= TAGS_MAX:
        warnings.append(_warning(post, post.line_of("tags"),
                                 f"{counted(len(post.tags), 'tag')}; give {TAGS_MIN} to {TAGS_MAX}, for related posts and tag pages"))
    for reference in post.references:
        if reference.image and not reference.alt.strip():
            warnings.append(_warning(post, post.body_line + reference.line - 1,
                                     f"image {quoted(reference.target)} has no description: screen readers say nothing of it; "
                                     f"write one between the brackets, ![description]({cut(reference.target)})",
                                     reference.col))
    level = 1  # the title is the page's h1
    for heading in post.headings:
        line = post.body_line + heading.line - 1
        if heading.level == 1:
            warnings.append(_warning(post, line, "a `#` heading in the body: the title is already the page's h1; use `##`"))
        elif heading.level > level + 1:
            warnings.append(_warning(post, line, f"heading level skips from h{level} to h{heading.level}; "
                                                 f"use {'#' * (level + 1)}"))
        level = heading.level
    warnings += raw_html_warnings(post)  # the site does not allow raw HTML: it is shown as typed
    return warnings


def _warning(post: Post, line: int, message: str, col: int = 1) -> Problem:
    """Give a warning located in `post`."""
    return Problem(post.source, line, col, message, Severity.WARNING)
