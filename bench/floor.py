"""The floor the issue measures a clean build against: a bare Python loop that only renders the
post pages of a generated site, with markdown-it-py, Pygments and a trivial Jinja template.

    python bench/floor.py SITE OUTPUT [--jobs N]

Each post file is read, its front-matter parsed (PyYAML, with the C loader where there is one,
as the builder does), its body rendered by markdown-it-py (CommonMark, fenced code highlighted
by Pygments) into a one-template page, written to OUTPUT/<file stem>/index.html. Nothing else:
no listings, feeds, links checked, typography, cache or theme. The posts are spread over
`--jobs` processes in chunks, as the builder spreads them. `bench/run.py` times this script
beside the clean build and gives the ratio, the issue's target for a clean build (at most 1.3).
"""

from __future__ import annotations

import argparse
import os
from multiprocessing import Pool
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><article><h1>{{ title }}</h1>
<p><time datetime="{{ date }}">{{ date }}</time> · {{ topic }} · {{ tags|join(", ") }}</p>
{{ body|safe }}
</article></main></body></html>
"""
_CHUNK = 50


def _highlighted(code: str, language: str, _attrs: str) -> str:
    """Give a fenced block highlighted by Pygments, or "" (markdown-it then escapes it)."""
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return ""
    return highlight(code, lexer, HtmlFormatter())


_PARSER = MarkdownIt("commonmark", {"highlight": _highlighted})
_PAGE = jinja2.Environment(autoescape=True).from_string(_TEMPLATE)


def render_post(source: Path, output: Path) -> None:
    """Render one post file into its page."""
    _, front, body = source.read_text("utf-8").split("---\n", 2)
    meta = yaml.load(front, Loader=_LOADER)
    page = _PAGE.render(title=meta["title"], date=meta["date"], topic=meta.get("topic", ""),
                        tags=meta.get("tags", []), body=_PARSER.render(body))
    folder = output / source.stem
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(page, "utf-8")


def _render_chunk(task: tuple[list[Path], Path]) -> int:
    """Render a chunk of post files; give how many."""
    sources, output = task
    for source in sources:
        render_post(source, output)
    return len(sources)


def main() -> None:
    """Render every post of SITE into OUTPUT, on --jobs processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    sources = sorted((args.site / "content" / "posts").glob("*.md"))
    chunks = [(sources[start:start + _CHUNK], args.output) for start in range(0, len(sources), _CHUNK)]
    with Pool(args.jobs) as pool:
        count = sum(pool.imap_unordered(_render_chunk, chunks))
    print(f"{count} post pages")


if __name__ == "__main__":
    main()
