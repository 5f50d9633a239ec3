"""Property: whatever front-matter and Markdown an editor writes, the builder either builds
or reports located errors; it never crashes and never lets markup from content through: no
script in a page, and in every HTML field of every feed no event handler and no script URL,
with every XML feed well-formed."""

from __future__ import annotations

import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder.build import BuildOptions, build
from builder.core.errors import BuildFailed
from builder.output.feeds import absolute_links
from builder.content.markdown import render_markdown
from feed_html import active_content, html_fields, xml_feeds
from support import FIXTURE_SITE, NOW

SCRIPT = "<script>alert(1)</script>"
# Pieces an editor (or an attacker) might type, mixed with ordinary text.
snippets = st.sampled_from([
    SCRIPT, "<b>gras</b>", "[lien](javascript:alert(1))", "![i](data:text/html,x)", "# Titre", "## Partie",
    "#### Détail", "- point", "1. un", "> citation", "```python\nprint('<x>')\n```", "| a | b |\n|---|---|\n| 1 | 2 |",
    "note[^1]\n\n[^1]: pied", "&amp; &lt; &", "---", "\t", "«\u00a0»", "é", "\u202e", "\x0b",
])
# Pieces that once made feeds carry active content, or might: link titles holding ` src='` or
# ` href="`, URLs that look like attributes, script URLs in their many spellings, raw handlers.
hostile = st.sampled_from([
    "[a](/x \"t src='\")", "[a](/x 't href=\"')", "![i](/y.png \"q src='\")", "' \" ' \"",
    "[b](http://x.test/onmouseover=alert(1)//)", "' [b](http://x.test/onmouseover=alert(1)//)",
    "![c](//x.test/onerror=alert(1)//)", "' ![c](//x.test/onerror=alert(1)//)", "[d](x.png onclick=alert(1))",
    "[e](<javascript:alert(1)>)", "[f](JaVaScRiPt:alert(1))", "[g](java%0ascript:alert(1))",
    "[h](&#106;avascript:alert(1))", "<a href=\"/z\" onclick=\"alert(1)\">i</a>", "<img src=x onerror=alert(1)>",
    "[j](#x 'y src=\"/\"')", "[k](/l)", "<http://x.test/\"onclick=alert(1)//>",
])
# Characters refused in sources (tested elsewhere): the text here should mostly build.
REFUSED = "".join(map(chr, (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)))
# A quote opened in one link's title, then a URL written as attributes further on: what a
# rewrite of targets that runs across tags would turn into an event handler.
crossing = st.tuples(
    st.sampled_from(["[a](/x \"t src='\")", "[a](/x 't href=\"')", "![i](/y.png \"q src='\")", "[a](#n 'src=\"')"]),
    st.text(max_size=5), st.sampled_from(["'", "\"", "' '"]),
    st.sampled_from(["[b](http://x.test/onmouseover=alert(1)//)", "![c](//x.test/onerror=alert(1)//)",
                     "<https://x.test/onfocus=alert(1)//>"]),
).map(" ".join)
# Inline pieces on one line, so that they share a paragraph (and a rewrite could run across them).
inline = st.lists(st.one_of(hostile, crossing, st.sampled_from(["", "'", "\""]), st.text(max_size=5)),
                  min_size=1, max_size=8).map(" ".join)
prose = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=REFUSED), max_size=40)
body = st.lists(st.one_of(snippets, prose, inline), min_size=1, max_size=12).map("\n\n".join)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                   st.just(SCRIPT), st.just("2021-02-30"), st.just("2021-03-01T10:00:00+01:00"))
value = st.one_of(scalar, st.lists(scalar, max_size=4), st.dictionaries(st.text(max_size=5), scalar, max_size=2))
any_front = st.dictionaries(
    st.sampled_from(["title", "date", "topic", "tags", "summary", "author", "slug", "updated", "draft", "titel"]),
    value, max_size=9)
words = st.text(st.characters(blacklist_characters=REFUSED), min_size=1, max_size=40).filter(str.strip)
title_words = st.one_of(words, st.from_regex(r"[A-Za-zÀ-ÿ' ]{1,30}[a-zé]", fullmatch=True))
valid_front = st.fixed_dictionaries(  # mostly builds, so that escaping is exercised
    {"title": st.one_of(title_words, st.just(SCRIPT)), "date": st.just("2021-03-01T10:00:00+01:00"),
     "topic": st.just("securite"), "tags": st.lists(st.one_of(words, st.just(SCRIPT)), min_size=1, max_size=4)},
    optional={"summary": st.one_of(words, st.just(SCRIPT)), "author": st.one_of(words, st.just(SCRIPT))})
front = st.one_of(valid_front, valid_front, any_front)  # weighted towards posts that build


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=front, body=body, raw=st.one_of(st.none(), st.text(max_size=200)))
def test_any_post_builds_or_gives_located_errors_and_never_leaks_a_script(front, body, raw) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        shutil.copytree(FIXTURE_SITE, site)
        text = raw if raw is not None else "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body
        (site / "content" / "posts" / "fuzz.md").write_text(text, "utf-8", errors="surrogatepass")
        output = Path(folder) / "out"
        try:
            build(site, output, BuildOptions(drafts=True, future=True, now=datetime.fromisoformat(NOW)))
        except BuildFailed as failure:
            event("reported problems")
            assert failure.problems
            for problem in failure.problems:
                assert problem.line >= 1 and problem.col >= 1 and problem.message
                assert problem.format().count(":") >= 4
            return
        event("built")
        for page in output.rglob("*.html"):
            assert SCRIPT not in page.read_text("utf-8"), page
        assert_feeds_carry_no_active_content(output)


def assert_feeds_carry_no_active_content(output: Path) -> None:
    """Check that every XML feed of a build is well-formed and that no HTML field of any
    feed holds an event handler, a script URL or a script."""
    for feed in xml_feeds(output):
        ET.parse(feed)  # raises when it is not well-formed XML
    json.loads((output / "feed.json").read_text("utf-8"))
    fields = html_fields(output)
    assert fields
    assert [(where, active_content(html)) for where, html in fields if active_content(html)] == []


@settings(max_examples=100, deadline=None)
@given(text=st.lists(st.one_of(inline, snippets, prose), min_size=1, max_size=8).map("\n\n".join),
       page=st.sampled_from(["https://example.org/2021/03/un-article/", "https://example.org/"]))
def test_a_feed_body_never_carries_an_event_handler_or_a_script_url(text: str, page: str) -> None:
    # What a feed makes of a post's body, many times over, without a whole build each time.
    html = absolute_links(render_markdown(text).html, page)
    assert active_content(html) == []
    for tag in BeautifulSoup(html, "html.parser").find_all(["a", "img"]):
        target = tag.get("href") or tag.get("src")
        assert target is None or target.startswith(("https:", "http:", "mailto:", "data:image/")), tag
