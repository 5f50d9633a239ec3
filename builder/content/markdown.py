"""Markdown text in, HTML and headings out: a pure function of the text and two settings.

The parser's setup and rules are here; what they lean on is beside it: `highlight` (fenced
code), `sanitise` (raw HTML where the site allows it), `collect` (headings, targets, words)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from builder.content.collect import count_words, heading_text, headings, raw_html, references
from builder.content.highlight import highlight_fence
from builder.content.sanitise import sanitised
from builder.content.typography import OPAQUE, typeset_runs
from builder.core.model import Heading, Reference
from builder.core.urls import slugify

_KNOWN_FENCES, _FENCES = "known fences", "fences"  # keys of a render's env (see `_keep_fences`)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A body rendered to HTML, with what the rest of the build needs to know of it."""

    html: str
    headings: tuple[Heading, ...]
    references: tuple[Reference, ...]
    word_count: int
    fences: dict[str, str]  # each fenced block's HTML, by `fence_key`
    # Each raw HTML block or tag shown as text (the site does not allow raw HTML): its line in
    # the body and its column (1-based), and its first line as written, to warn about it.
    raw_html: tuple[tuple[int, int, str], ...] = ()


def render_markdown(text: str, allow_raw_html: bool = False, known_fences: Mapping[str, str] | None = None) -> Rendered:
    """Render CommonMark with tables, footnotes, heading anchors and highlighted code; a fenced
    block found in `known_fences` (the `fences` of an earlier rendering) is not highlighted again."""
    parser = _parser(allow_raw_html)
    env = {_KNOWN_FENCES: known_fences or {}, _FENCES: {}}
    tokens = parser.parse(text, env)
    html = parser.renderer.render(tokens, parser.options, env)
    if allow_raw_html:  # the whole body: an author's tags may open in one block and close in another
        html = sanitised(html)
    lines = text.split("\n")
    shown = () if allow_raw_html else raw_html(tokens, lines)
    targets = references(tokens, lines, env.get("references", {}))
    return Rendered(html, headings(tokens), targets, count_words(tokens), env[_FENCES], shown)


def fence_key(info: str, text: str) -> str:
    """Give what a fenced block's HTML is kept by: a digest of its info string and its text
    (the builder's and Pygments' versions are in the cache's key)."""
    return hashlib.blake2b(f"{info}\0{text}".encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=2)
def _parser(allow_raw_html: bool) -> MarkdownIt:
    """Give the configured parser; raw HTML stays escaped text unless the site allows it."""
    # Raw HTML is always parsed as HTML, so that where the site does not allow it, it is shown
    # exactly as typed: read as prose, typography would turn `href="x"` into `href= « x »`.
    # `store_labels`: a reference-style link names its definition, where its target is written.
    parser = MarkdownIt("commonmark", {"html": True, "highlight": highlight_fence, "store_labels": True})
    parser.enable(["table", "strikethrough"])
    parser.use(footnote_plugin)
    parser.core.ruler.push("heading_ids", _heading_ids)
    # Last, so that heading anchors are the slugs of the text as the editor wrote it.
    parser.core.ruler.push("french_typography", partial(_typography, html_shown=not allow_raw_html))
    if not allow_raw_html:
        parser.add_render_rule("html_block", _html_block_as_text)
        parser.add_render_rule("html_inline", _html_inline_as_text)
    # Code blocks and tables scroll sideways on narrow screens: the keyboard must reach them
    # (fenced code gets its tabindex from `highlight_fence`).
    for rule, tag in (("code_block", "<pre"), ("table_open", "<table")):
        _amend_rule(parser, rule, lambda html, _token, tag=tag: html.replace(tag, f'{tag} tabindex="0"', 1))
    _keep_fences(parser)
    # Footnote links named for screen readers: "[1]" and "↩" do not say where they go.
    for rule, label in (("footnote_ref", "Note {}"), ("footnote_anchor", "Retour au texte de la note {}")):
        _amend_rule(parser, rule, lambda html, token, label=label: html.replace(
            "<a ", f'<a aria-label="{label.format(token.meta["id"] + 1)}" ', 1))
    return parser


def _amend_rule(parser: MarkdownIt, rule: str, amend: Callable[[str, Token], str]) -> None:
    """Render `rule`'s tokens as before, then pass the HTML and the token through `amend`."""
    default = parser.renderer.rules.get(rule)  # a table's tags have no rule of their own

    def render(renderer, tokens, idx, options, env) -> str:
        """Give the default HTML, amended."""
        html = default(tokens, idx, options, env) if default else renderer.renderToken(tokens, idx, options, env)
        return amend(html, tokens[idx])

    parser.add_render_rule(rule, render)


def _keep_fences(parser: MarkdownIt) -> None:
    """Render each fenced block as its HTML in the render's known fences, if there (Pygments
    takes 0.1 s to load and compile a lexer: an edit elsewhere in a post should not wait for
    it), else as before; and note it in the render's fences."""
    default = parser.renderer.rules["fence"]

    def render(_renderer, tokens, idx, options, env) -> str:
        """Give the block's HTML, known or made."""
        token = tokens[idx]
        key = fence_key(token.info, token.content)
        html = env[_KNOWN_FENCES].get(key) or default(tokens, idx, options, env)
        env[_FENCES][key] = html
        return html

    parser.add_render_rule("fence", render)


def _heading_ids(state) -> None:
    """Give every heading the slug of its text as written for its id, made unique in the
    document as mdit-py-plugins' anchors did (`titre`, `titre-1`, `titre-2`…), but from the
    next number tried for each slug: retrying every number from 1 took quadratic time
    (30,000 `## Titre` took 46 s)."""
    taken: set[str] = set()
    tried: dict[str, int] = {}  # for each slug, the number below which every id is taken
    for opening, inline in zip(state.tokens, state.tokens[1:]):
        if opening.type != "heading_open":
            continue
        slug = slugify(heading_text(inline))
        number = tried.get(slug, 0)
        unique = f"{slug}-{number}" if number else slug
        while unique in taken:
            number += 1
            unique = f"{slug}-{number}"
        tried[slug] = number + 1
        taken.add(unique)
        opening.attrSet("id", unique)


def _html_block_as_text(_renderer, tokens, idx, _options, _env) -> str:
    """Give a raw HTML block as a paragraph of its text, as typed."""
    text = escapeHtml(tokens[idx].content.rstrip("\n"))
    return f"<p>{text}</p>\n"


def _html_inline_as_text(_renderer, tokens, idx, _options, _env) -> str:
    """Give a raw HTML tag as its text, as typed."""
    return escapeHtml(tokens[idx].content)


def _typography(state, html_shown: bool) -> None:
    """Set the text of every paragraph, heading and cell in French typography; code, raw
    HTML, URLs shown as link text and attributes (image descriptions) stay as written. Raw
    HTML shown as text (`html_shown`) is read as a word; where the site allows it, it is
    markup, and the text on both sides is read as one."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        runs, texts, in_autolink = [], [], False
        for child in token.children:
            if child.type in ("link_open", "link_close") and child.markup in ("autolink", "linkify"):
                in_autolink = child.type == "link_open"
            elif child.type == "text":
                runs.append((child.content, not in_autolink))
                texts.append(child)
            elif child.type in ("softbreak", "hardbreak"):
                runs.append(("\n", False))
                texts.append(None)
            elif child.type in ("code_inline", "image", "footnote_ref") or child.type == "html_inline" and html_shown:
                runs.append((OPAQUE, False))
                texts.append(None)
        for child, text in zip(texts, typeset_runs(runs)):
            if child is not None:
                child.content = text
