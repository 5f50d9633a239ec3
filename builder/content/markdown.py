"""Markdown text in, HTML and headings out: a pure function of the text and two settings."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from html import escape
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from builder.content.typography import OPAQUE, typeset_runs
from builder.core.model import Heading, Reference
from builder.core.urls import slugify

CODE_CSS_CLASS = "highlight"
_KNOWN_FENCES, _FENCES = "known fences", "fences"  # keys of a render's env (see `_keep_fences`)
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_SHOWN_LENGTH = 60  # of a raw HTML tag quoted in a warning: enough to recognise it

# What a body keeps where the site allows raw HTML (docs/safety.md lists it): prose, lists,
# tables, figures, and the markup of our own rendering (heading ids, footnotes, highlighted
# code, scrolling blocks' tabindex, footnote links' aria-label). No script, style, frame,
# form, SVG or event handler.
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SAFE_TAGS = frozenset((
    *_HEADINGS, "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
))
SAFE_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "id", "aria-label"},
    "img": {"src", "alt", "width", "height"},
    "li": {"id"},
    **{heading: {"id"} for heading in _HEADINGS},
    "pre": {"tabindex", "data-lang"},
    "table": {"tabindex"},
    "td": {"style", "colspan", "rowspan"},  # `style`: only a column's alignment (`_STYLES`)
    "th": {"style", "colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "col": {"span"},
    "colgroup": {"span"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
    "details": {"open"},
}
_STYLES = {"text-align"}
_SCHEMES = {"http", "https", "mailto", "tel", "data"}  # `data:` for images only (`_keep_attribute`)
_URL_ATTRIBUTES = frozenset(("href", "src", "cite"))


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
    shown = () if allow_raw_html else _raw_html(tokens, lines)
    references = _references(tokens, lines, env.get("references", {}))
    return Rendered(html, _headings(tokens), references, _count_words(tokens), env[_FENCES], shown)


def sanitised(html: str) -> str:
    """Give HTML with only the tags, attributes and URL schemes of the allow-list (Ammonia)."""
    return nh3.clean(html, tags=set(SAFE_TAGS), attributes={tag: set(names) for tag, names in SAFE_ATTRIBUTES.items()},
                     attribute_filter=_keep_attribute, link_rel=None, url_schemes=set(_SCHEMES),
                     filter_style_properties=set(_STYLES))


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Give an attribute's value, or None to drop it: a `data:` URL anywhere but an image's
    source (where no script runs)."""
    if name not in _URL_ATTRIBUTES or (tag, name) == ("img", "src"):
        return value
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:  # not a URL at all
        return None
    return None if scheme == "data" else value


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
    parser = MarkdownIt("commonmark", {"html": True, "highlight": _highlight, "store_labels": True})
    parser.enable(["table", "strikethrough"])
    parser.use(footnote_plugin)
    parser.core.ruler.push("heading_ids", _heading_ids)
    # Last, so that heading anchors are the slugs of the text as the editor wrote it.
    parser.core.ruler.push("french_typography", partial(_typography, html_shown=not allow_raw_html))
    if not allow_raw_html:
        parser.add_render_rule("html_block", _html_block_as_text)
        parser.add_render_rule("html_inline", _html_inline_as_text)
    # Code blocks and tables scroll sideways on narrow screens: the keyboard must reach them
    # (fenced code gets its tabindex from `_highlight`).
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
        slug = slugify(_heading_text(inline))
        number = tried.get(slug, 0)
        unique = f"{slug}-{number}" if number else slug
        while unique in taken:
            number += 1
            unique = f"{slug}-{number}"
        tried[slug] = number + 1
        taken.add(unique)
        opening.attrSet("id", unique)


def _heading_text(inline) -> str:
    """Give a heading's text as read: its text and inline code, without markup."""
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))


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


def _highlight(code: str, language: str, _attrs: str) -> str:
    """Give a fenced block as highlighted HTML (CSS classes), or escaped when the language is unknown."""
    name = language.strip().split(maxsplit=1)[0] if language.strip() else ""
    lexer = _lexer(name) if name else None
    if lexer is not None:
        from pygments import highlight  # here: a build with no new code to highlight never loads Pygments

        body = highlight(code, lexer, _formatter())
    else:
        body = escape(code)
    data = f' data-lang="{escape(name)}"' if name else ""
    return f'<pre class="{CODE_CSS_CLASS}"{data} tabindex="0"><code>{body}</code></pre>\n'


@lru_cache(maxsize=None)  # a lexer compiles its rules once; lexing keeps no state in it
def _lexer(name: str):
    """Give Pygments' lexer for a language's name or alias, or None when it knows none."""
    from pygments.lexers import get_lexer_by_name  # here, as in `_highlight`
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)  # making one compiles its style's CSS rules: once per process, not per block
def _formatter():
    """Give Pygments' HTML formatter for fenced blocks: classes only, no wrapper (ours is around it)."""
    from pygments.formatters.html import HtmlFormatter  # here, as in `_highlight`

    return HtmlFormatter(nowrap=True)


def code_stylesheet() -> str:
    """Give the CSS for highlighted code: light by default, dark when the reader prefers it."""
    from pygments.formatters.html import HtmlFormatter  # here, as in `_highlight`

    light = HtmlFormatter(style="default").get_style_defs(f".{CODE_CSS_CLASS}")
    dark = HtmlFormatter(style="monokai").get_style_defs(f".{CODE_CSS_CLASS}")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def _headings(tokens) -> tuple[Heading, ...]:
    """Give the document's headings with their levels, texts, anchors and lines."""
    headings = []
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "heading_open":
            text = _heading_text(inline)
            line = opening.map[0] + 1 if opening.map else 1
            headings.append(Heading(int(opening.tag[1]), text, str(opening.attrs.get("id", "")), line))
    return tuple(headings)


def _references(tokens, lines: list[str], definitions: dict) -> tuple[Reference, ...]:
    """Give every link and image target with the line and column it is written at: in its
    block for an inline link, at its definition (`[ref]: target`) for a reference-style one,
    each written target once."""
    found = []
    for block in tokens:
        children = block.children or ()
        if not any(child.type in ("link_open", "image") for child in children):
            continue
        source, cursor = _BlockText.of(lines, block.map), 0  # where the previous inline target of the block ends
        holding_images = _links_holding_images(children)
        enclosing_end = None  # of a link around an image: `[![alt](image.png)](target)` writes the image's first
        for number, child in enumerate(children):
            if child.type == "link_close" and enclosing_end is not None:
                cursor, enclosing_end = max(cursor, enclosing_end), None
            if child.type not in ("link_open", "image"):
                continue
            target = str(child.attrs.get("src" if child.type == "image" else "href", ""))
            definition = definitions.get(child.meta.get("label")) if child.meta else None
            if definition is not None:  # searched in the definition's own lines; the block's search goes on
                (line, column), _end = _BlockText.of(lines, definition["map"]).find(target, 0)
            elif number in holding_images:
                (line, column), enclosing_end = source.find(target, cursor)
            else:
                (line, column), cursor = source.find(target, cursor)
            found.append(Reference(target, line + 1, child.type == "image",
                                   child.content if child.type == "image" else "", column + 1))
    # A definition used twice is one target written once: one problem, if it has one.
    return tuple(dict.fromkeys(found))


def _links_holding_images(children) -> frozenset[int]:
    """Give the indexes of the links that hold an image before they close, in one pass
    (looking ahead from each link read the rest of the block again: 33,000 links in one
    paragraph took 12 s)."""
    holding, opening = set(), None
    for number, child in enumerate(children):
        if child.type == "link_open":
            opening = number
        elif child.type == "link_close":
            opening = None
        elif child.type == "image" and opening is not None:
            holding.add(opening)
    return frozenset(holding)


@dataclass(frozen=True, slots=True)
class _BlockText:
    """The lines of one block joined, to search at C speed, and the offset each line starts at."""

    text: str
    first: int  # the index of its first line in the body
    starts: tuple[int, ...]

    @classmethod
    def of(cls, lines: list[str], block_map) -> _BlockText:
        """Give the text of the lines `block_map` spans (none without a map)."""
        start, end = block_map if block_map else (0, 0)
        text = "\n".join(lines[start:min(end, len(lines))])
        return cls(text, start, (0, *(found.end() for found in _LINE_END.finditer(text))))

    def find(self, target: str, after: int) -> tuple[tuple[int, int], int]:
        """Give where `target` starts (line index, column) from offset `after` on, and the offset
        where it ends: as written, as markdown-it percent-encoded it, or its path alone; not
        found, the place of `after`. Each reference searched from the end of the previous one,
        every way of writing it at once, a block's references read it about once (searching
        its lines one by one made 8,000 links take seconds)."""
        path = target.split("#", 1)[0]
        needles = [needle for needle in dict.fromkeys((unquote(target), target, unquote(path), path)) if needle]
        start, end = _find_target(self.text, needles, after) or (after, after)
        return self.place(start), end

    def place(self, offset: int) -> tuple[int, int]:
        """Give the (line index in the body, column) of an offset in the text."""
        line = bisect_right(self.starts, offset) - 1
        return (self.first + line, offset - self.starts[line])


_LINE_END = re.compile("\n")


def _find_target(text: str, needles: list[str], start: int) -> tuple[int, int] | None:
    """Give where the first of `needles` written as a target is in `text` from `start` (after
    `(`, `<` or `:`, and blanks), else where one first is at all, as (start, end)."""
    written, anywhere = [], []
    for needle in needles:
        found = text.find(needle, start)
        if found >= 0:
            anywhere.append((found, -len(needle)))
        while found >= 0 and not _after_opening(text, found):  # `[a.md](a.md)`: the text is not the target
            found = text.find(needle, found + 1)
        if found >= 0:
            written.append((found, -len(needle)))
    if not anywhere:
        return None
    found, length = min(written or anywhere)  # the first place, and there the longest way of writing it
    return found, found - length


def _after_opening(text: str, at: int) -> bool:
    """Tell whether what is at `at` follows, but for blanks, what opens a link's target."""
    while at > 0 and text[at - 1] in " \t\n":
        at -= 1
    return at == 0 or text[at - 1] in "(<:"


def _raw_html(tokens, lines: list[str]) -> tuple[tuple[int, int, str], ...]:
    """Give each raw HTML block and tag with its line and column (1-based) and its first line,
    shortened: each found in its block's text after the previous one."""
    found = []
    for block in tokens:
        pieces = [block] if block.type == "html_block" else [
            child for child in block.children or () if child.type == "html_inline"]
        if not pieces or not block.map:
            continue
        source, cursor = _BlockText.of(lines, block.map), 0
        for piece in pieces:
            needle = piece.content.split("\n", 1)[0]
            at = source.text.find(needle, cursor)
            line, column = source.place(cursor if at < 0 else at)
            if at >= 0:
                cursor = at + len(needle)
            shown = needle if len(needle) <= _SHOWN_LENGTH else needle[:_SHOWN_LENGTH - 1] + "…"
            found.append((line + 1, column + 1, shown))
    return tuple(found)


def _count_words(tokens) -> int:
    """Count the words a reader reads: text and code, not markup."""
    count = 0
    for token in tokens:
        if token.type in ("fence", "code_block"):
            count += len(_WORD.findall(token.content))
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                count += len(_WORD.findall(child.content))
    return count
