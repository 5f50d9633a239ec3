"""HTML to Markdown, for WordPress posts: WordPress's shortcodes first, then markdownify.

markdownify rather than html2text, measured on a French post holding what WordPress exports
(block comments, `&nbsp;`, captions, 6 list items, 5 links, 2 images, 4 emphases, 3 headings,
12 table cells, 2 quotes), each output rendered again by builder.content.markdown: both keep every one
of these. But html2text writes `&lt;script&gt;` back as `<script>` (raw HTML, which our builder
shows as text with a warning) and `*pas*` as emphasis where the text had asterisks; it leaves
trailing spaces on 10 lines (tables without outer pipes, hard breaks). markdownify escapes
both, and writes GitHub's pipe tables and plain `-` lists. It also works on a parsed tree,
where shortcodes, links and headings are fixed before the conversion.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from bs4 import BeautifulSoup, Comment
from markdownify import MarkdownConverter

# `[caption id="attachment_12" align="aligncenter" width="600"]<img …/> Légende[/caption]`
_CAPTION = re.compile(r"\[caption\b[^\]]*\](?P<inner>.*?)\[/caption\]", re.S)
_EMBED = re.compile(r"\[embed\b[^\]]*\](?P<url>.*?)\[/embed\]", re.S)
_GALLERY = re.compile(r"\[gallery\b(?P<attributes>[^\]]*)\]")
_IDS = re.compile(r"""\bids\s*=\s*["']?(?P<ids>[0-9,\s]+)""")
# Any other shortcode left: `[name …]`, `[/name]`; a link's text `[x](…)` is Markdown, not one.
_SHORTCODE = re.compile(r"\[/?(?P<name>[a-z_][a-z0-9_-]*)(?:\s[^\]]*)?\](?!\()")
# What markdownify turns into Markdown; any other tag's text is kept and its markup is lost.
_CONVERTED = frozenset("""a b blockquote br caption cite code dd del div dl dt em figcaption figure h1 h2 h3 h4 h5 h6
hr i img ins kbd li ol p pre s small span strike strong sub sup table tbody td tfoot th thead tr u ul""".split())
_DROPPED_WITH_CONTENT = frozenset(
    ("script", "style", "iframe", "object", "embed", "form", "video", "audio", "noscript"))


@dataclass(frozen=True, slots=True)
class Converted:
    """A post's Markdown, and what the conversion could not keep."""

    markdown: str
    warnings: tuple[str, ...]


class _Converter(MarkdownConverter):
    """markdownify with a figure's caption as an emphasised line under its image."""

    def convert_figcaption(self, el, text, parent_tags=None):
        """Give a figure's caption as its own emphasised paragraph."""
        return f"\n\n*{text.strip()}*\n\n" if text.strip() else ""


def to_markdown(html: str, attachments: dict[str, tuple[str, str]], relink: Callable[[str], str] = str) -> Converted:
    """Give the Markdown of a WordPress post's HTML; `attachments` maps media ids to their URLs and
    descriptions, for galleries, and `relink` gives the target a link should have now."""
    warnings: list[str] = []
    html = _CAPTION.sub(_figure, html)
    html = _EMBED.sub(lambda match: _link_paragraph(match["url"].strip()), html)
    html = _GALLERY.sub(lambda match: _gallery(match["attributes"], attachments, warnings), html)
    # WordPress's editor separates paragraphs with blank lines, not <p>, in posts of the classic editor.
    if "<p" not in html and "\n\n" in html:
        html = "".join(f"<p>{block}</p>" for block in re.split(r"\n\s*\n", html) if block.strip())
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()  # <!-- wp:paragraph --> and the like
    for link in soup.find_all("a", href=True):
        link["href"] = relink(link["href"])
    dropped = sorted({tag.name for tag in soup.find_all(True) if tag.name in _DROPPED_WITH_CONTENT})
    for tag in soup.find_all(list(_DROPPED_WITH_CONTENT)):
        tag.decompose()
    if dropped:
        warnings.append(f"HTML dropped: {', '.join(f'<{name}>' for name in dropped)} (no Markdown for it)")
    unknown = sorted({tag.name for tag in soup.find_all(True)} - _CONVERTED)
    if unknown:
        warnings.append(f"HTML markup lost, its text kept: {', '.join(f'<{name}>' for name in unknown)}")
    if soup.find("h1"):  # the title is the page's only `#`: sections start at `##`
        for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5"]):
            tag.name = f"h{int(tag.name[1]) + 1}"
    markdown = _Converter(heading_style="ATX", bullets="-", escape_misc=True).convert_soup(soup)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    left = sorted({match["name"] for match in _SHORTCODE.finditer(markdown.replace("\\[", "[").replace("\\]", "]"))})
    if left:
        warnings.append(f"shortcodes left as text: {', '.join(f'[{name}]' for name in left)}")
    return Converted(markdown, tuple(warnings))


def _figure(match: re.Match) -> str:
    """Give a `[caption]` shortcode as a figure: its image, then its caption."""
    soup = BeautifulSoup(match["inner"], "html.parser")
    image = soup.find("img")
    if image is None:
        return match["inner"]
    caption = soup.get_text(" ", strip=True)
    image.extract()
    figure = BeautifulSoup("<figure></figure>", "html.parser")
    figure.figure.append(image)
    if caption:
        figcaption = figure.new_tag("figcaption")
        figcaption.string = caption
        figure.figure.append(figcaption)
    return str(figure)


def _gallery(attributes: str, attachments: dict[str, tuple[str, str]], warnings: list[str]) -> str:
    """Give a `[gallery ids="…"]` shortcode as its images, when the export holds them all."""
    ids = _IDS.search(attributes)
    images = [attachments.get(number.strip()) for number in ids["ids"].split(",")] if ids else []
    if not images or None in images:
        warnings.append("a [gallery] whose images are not all in the export: left as text")
        return f"[gallery{attributes}]"
    return "".join(f'<p><img src="{escape(url)}" alt="{escape(alt)}"></p>' for url, alt in images)


def _link_paragraph(url: str) -> str:
    """Give a paragraph holding a link to `url`, its own text (what an `[embed]` leaves)."""
    return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
