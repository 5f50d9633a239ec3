"""Fenced code highlighted by Pygments, loaded only when a block has to be highlighted."""

from __future__ import annotations

from functools import lru_cache
from html import escape

CODE_CSS_CLASS = "highlight"


def highlight_fence(code: str, language: str, _attrs: str) -> str:
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
    from pygments.lexers import get_lexer_by_name  # here, as in `highlight_fence`
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)  # making one compiles its style's CSS rules: once per process, not per block
def _formatter():
    """Give Pygments' HTML formatter for fenced blocks: classes only, no wrapper (ours is around it)."""
    from pygments.formatters.html import HtmlFormatter  # here, as in `highlight_fence`

    return HtmlFormatter(nowrap=True)


def code_stylesheet() -> str:
    """Give the CSS for highlighted code: light by default, dark when the reader prefers it."""
    from pygments.formatters.html import HtmlFormatter  # here, as in `highlight_fence`

    light = HtmlFormatter(style="default").get_style_defs(f".{CODE_CSS_CLASS}")
    dark = HtmlFormatter(style="monokai").get_style_defs(f".{CODE_CSS_CLASS}")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
