"""What the build needs from a body's parsed tokens: its headings, every link and image target
and every raw HTML tag with the line and column it is written at, and its words."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import unquote

from builder.core.model import Heading, Reference

_WORD = re.compile(r"\w++(?:[’'-]\w++)*+")  # possessive: nothing follows that could take back a letter
_SHOWN_LENGTH = 60  # of a raw HTML tag quoted in a warning: enough to recognise it


def headings(tokens) -> tuple[Heading, ...]:
    """Give the document's headings with their levels, texts, anchors and lines."""
    found = []
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "heading_open":
            text = heading_text(inline)
            line = opening.map[0] + 1 if opening.map else 1
            found.append(Heading(int(opening.tag[1]), text, str(opening.attrs.get("id", "")), line))
    return tuple(found)


def references(tokens, lines: list[str], definitions: dict) -> tuple[Reference, ...]:
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


def raw_html(tokens, lines: list[str]) -> tuple[tuple[int, int, str], ...]:
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


def count_words(tokens) -> int:
    """Count the words a reader reads: text and code, not markup."""
    count = 0
    for token in tokens:
        if token.type in ("fence", "code_block"):
            count += len(_WORD.findall(token.content))
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                count += len(_WORD.findall(child.content))
    return count


def heading_text(inline) -> str:
    """Give a heading's text as read: its text and inline code, without markup."""
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))
