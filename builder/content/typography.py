"""French typography for prose: no-break spaces, apostrophes and guillemets, as pure functions
of text. Editors type plain text; readers see it set the French way."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

NNBSP = "\u202f"  # narrow no-break space: before ; : ! ?, inside « », between thousands
NBSP = "\u00a0"  # no-break space: between a number and its unit
OPAQUE = "\ufffc"  # what a caller may read in place of inline code or an image: a word

_SPACES = frozenset(" \t\n\u00a0\u202f\u2009")
_HIGH_PUNCTUATION = frozenset(";:!?")
# After a high punctuation mark, what shows it ends a clause (not `10:30`, `https://`, `?x=1`).
_CLAUSE_END = frozenset("»\"”)]’'.,…;:!?" + OPAQUE) | _SPACES
_OPENERS = frozenset("([{«“‘-–—/")
_APOSTROPHES = frozenset("'’")  # an elision glues the next word, a guillemet too: `L’« avenir »`
# A URL typed as text, left as written, but for the punctuation after it (`_url_end`).
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>«»]+")
_AFTER_URL = frozenset(".,;:!?)]}\"'’")
# Units, amounts and months that stay on the line of their number ("350 millions", "18 février").
_UNITS = (
    "%", "euros?", "€", "dollars?", r"\$", "millions?", "milliards?", "mille", "ans?", "mois", "jours?",
    "semaines?", "heures?", "h", "minutes?", "min", "secondes?", "km", "kg", "mg", "ml", "cm", "mm",
    "ko", "Ko", "Mo", "Go", "To", "°C?", "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
_GROUP = r"[ \u00a0\u202f]\d{3}(?!\d)"  # a group of thousands: a space, then three digits
# A digit first, then what may not come before it: a pattern that starts with a look-behind is
# tried at every position, one that starts with a digit jumps from digit to digit (twice as fast).
# A number starts neither inside a word nor at one of its own groups of thousands, and takes
# its digits and groups whole (possessive: giving one back can never let a unit follow): else
# each group of `1 111 111 …` started a new try over the rest, 20,000 groups took 22 s.
_START = r"\d(?<![\w,.]\d)(?:(?<!\d[ \u00a0\u202f]\d)|(?!\d\d(?!\d)))"
_NUMBER = rf"{_START}\d*+(?:{_GROUP})*+(?:[.,]\d+)?(?:er|re|e)?"
_NUMBER_UNIT = re.compile(rf"{_NUMBER}([ \u00a0]+)(?:{'|'.join(_UNITS)})(?![\w’'])")
_GLUED_SYMBOL = re.compile(r"\d()[%€]")  # "11%" -> "11 %"
_QUOTE_MARKS = re.compile("['\"«»]")
_HIGH_MARKS = re.compile("[;:!?]")
_DIGIT = re.compile(r"\d")  # every pattern of `_numbers` starts with one
_THOUSANDS = re.compile(rf"\d(?<![\w,.]\d)\d{{0,2}}((?:{_GROUP})++)")


@lru_cache(maxsize=16384)  # titles and summaries are set again on every listing that shows them
def typeset(text: str) -> str:
    """Give a plain text (a title, a summary) set in French typography."""
    return typeset_runs([(text, True)])[0]


def typeset_runs(runs: Sequence[tuple[str, bool]]) -> list[str]:
    """Set the text runs of one block (a paragraph, a heading) in French typography, reading
    them as one text so that rules work across inline markup; a run is (text, editable), and
    a run that is not editable (code, a line break) is only read. Give the runs' new texts."""
    text = "".join(run for run, _ in runs)
    # Each rule runs only where its marks are: `in` finds a character at memory speed, where a
    # regular expression takes several nanoseconds a character (six of them over every paragraph
    # were a quarter of a post's Markdown rendering), and most paragraphs have no quote or digit.
    quotes = "'" in text or '"' in text or "«" in text or "»" in text
    high = ";" in text or ":" in text or "!" in text or "?" in text
    numbers = _DIGIT.search(text) is not None
    if not (quotes or high or numbers):
        return [run for run, _ in runs]
    fixed, start = [], 0
    for run, flag in runs:
        if not flag:
            fixed.append((start, start + len(run)))
        start += len(run)
    if "://" in text:
        fixed += [(match.start(), match.start() + _url_end(match.group())) for match in _URL.finditer(text)]
    editable, out = _Editable(fixed), _Changes(text)
    if quotes:
        _quotes(text, out, editable)
    if high:
        _high_punctuation(text, out, editable)
    if numbers:
        _numbers(text, out, editable)
    return _applied(runs, text, out)


class _Changes(dict):
    """What the rules make of a block's characters, by position: those they rewrite (a
    character may become several, or none); the others read as in the text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def __missing__(self, position: int) -> str:
        """Give the character as written, where no rule rewrote it."""
        return self.text[position]


class _Editable:
    """Whether a block's character may change, by position: not in a run that is only read,
    nor in a URL. A few spans per block, where a flag per character cost a list as long as
    the text for every paragraph."""

    __slots__ = ("starts", "ends")

    def __init__(self, fixed: list[tuple[int, int]]) -> None:
        self.starts, self.ends = [], []
        for start, end in sorted(fixed):  # merged, so that the span before a position is the one to look at
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            elif start < end:
                self.starts.append(start)
                self.ends.append(end)

    def __getitem__(self, position: int) -> bool:
        """Tell whether the character at `position` may change."""
        before = bisect_right(self.starts, position) - 1
        return before < 0 or position >= self.ends[before]

    def all(self, start: int, end: int) -> bool:
        """Tell whether every character from `start` to `end` may change."""
        before = bisect_right(self.starts, start) - 1
        if before >= 0 and start < self.ends[before]:
            return False
        return before + 1 >= len(self.starts) or self.starts[before + 1] >= end


def _applied(runs: Sequence[tuple[str, bool]], text: str, out: _Changes) -> list[str]:
    """Give each run its own characters, as the rules rewrote them (a run only read keeps its text)."""
    changed = sorted(out)
    pieces, start, next_change = [], 0, 0
    for run, flag in runs:
        end, cursor, parts = start + len(run), start, []
        while next_change < len(changed) and changed[next_change] < end:
            position = changed[next_change]
            parts += (text[cursor:position], out[position])
            cursor, next_change = position + 1, next_change + 1
        pieces.append("".join(parts) + text[cursor:end] if flag and parts else run)
        start = end
    return pieces


def _url_end(url: str) -> int:
    """Give where a URL typed in prose ends: before the punctuation that follows it, as GitHub
    reads it (a closing bracket or quote is the URL's own when it has the opening one)."""
    end, opened, closed, quotes = len(url), url.count("("), url.count(")"), url.count('"')
    while end and url[end - 1] in _AFTER_URL:
        char = url[end - 1]
        if char == ")" and opened >= closed or char == '"' and quotes % 2 == 0:
            break
        closed -= char == ")"
        quotes -= char == '"'
        end -= 1
    return end


def _quotes(text: str, out: _Changes, editable: _Editable) -> None:
    """Turn straight apostrophes into ’ and straight double quotes into « » (“ ” when nested),
    pairing them by depth, then space every guillemet with narrow no-break spaces."""
    depth = 0
    for match in _QUOTE_MARKS.finditer(text):  # only these characters change, or change the depth
        position, char = match.start(), match.group()
        if not editable[position]:
            continue
        before = text[position - 1] if position else " "
        after = text[position + 1] if position + 1 < len(text) else " "
        if char == "'" and before.isalnum():
            out[position] = "’"
        elif char == '"':
            # Opening when no quotation is open, or when it begins a word inside one (nested).
            opening = depth == 0 or (before in _SPACES | _OPENERS and after not in _SPACES)
            if opening:
                depth += 1
                out[position] = "«" if depth == 1 else "“"
            else:
                out[position] = "»" if depth == 1 else "”"
                depth = max(0, depth - 1)
        elif char == "«":
            depth += 1
        elif char == "»":
            depth = max(0, depth - 1)
        if out[position] == "«":
            _space_after(text, out, editable, position)
        elif out[position] == "»":
            _space_before(text, out, editable, position, after_marks=True)


def _space_after(text: str, out: _Changes, editable: _Editable, position: int) -> None:
    """Put a narrow no-break space after an opening guillemet, and a space before it when
    it is glued to the previous word."""
    before = text[position - 1] if position else " "
    if before not in _SPACES and before not in _OPENERS and before not in _APOSTROPHES:
        out[position] = " " + out[position]
    following = position + 1
    if following >= len(text):
        return
    if text[following] in _SPACES:
        _tighten(text, out, editable, following, step=1)
    elif text[following] != "»":
        out[position] += NNBSP


def _space_before(text: str, out: _Changes, editable: _Editable, position: int, after_marks: bool = False) -> None:
    """Put a narrow no-break space before a closing guillemet or a high punctuation mark; after
    another high mark, only before a guillemet (`after_marks`): `utile ?! »`."""
    if position == 0:
        return
    before = text[position - 1]
    if before in _SPACES:
        _tighten(text, out, editable, position - 1, step=-1)
    elif (after_marks or before not in _HIGH_PUNCTUATION) and before not in _OPENERS and before != "«":
        out[position] = NNBSP + out[position]


def _tighten(text: str, out: _Changes, editable: _Editable, start: int, step: int) -> None:
    """Make the run of spaces at `start` (read in direction `step`) one narrow no-break space."""
    position, first = start, True
    while 0 <= position < len(text) and text[position] in _SPACES and editable[position]:
        out[position] = NNBSP if first else ""
        position, first = position + step, False


def _high_punctuation(text: str, out: _Changes, editable: _Editable) -> None:
    """Put a narrow no-break space before ; : ! ? that end a clause."""
    for match in _HIGH_MARKS.finditer(text):
        position = match.start()
        if not editable[position]:
            continue
        after = text[position + 1] if position + 1 < len(text) else " "
        if after in _CLAUSE_END:
            _space_before(text, out, editable, position)


def _numbers(text: str, out: _Changes, editable: _Editable) -> None:
    """Keep numbers whole and on the line of their unit: narrow no-break spaces between
    thousands, a no-break space before the unit."""
    for match in _THOUSANDS.finditer(text):
        for position in range(*match.span(1)):
            if text[position] in _SPACES and editable[position]:
                out[position] = NNBSP
    for match in _NUMBER_UNIT.finditer(text):
        _replace_spaces(out, editable, *match.span(1))
    for match in _GLUED_SYMBOL.finditer(text):
        position = match.start(1)
        if editable[position]:
            out[position] = NBSP + out[position]


def _replace_spaces(out: _Changes, editable: _Editable, start: int, end: int) -> None:
    """Make the spaces from `start` to `end` one no-break space, where they may change."""
    if editable.all(start, end):
        out[start] = NBSP
        for position in range(start + 1, end):
            out[position] = ""
