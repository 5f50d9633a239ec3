"""Property: whatever front-matter and Markdown an editor writes, the builder either builds
or reports located errors; it never crashes and never lets markup from content through."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder.build import BuildOptions, build
from builder.errors import BuildFailed
from support import FIXTURE_SITE, NOW

SCRIPT = "<script>alert(1)</script>"
# Pieces an editor (or an attacker) might type, mixed with ordinary text.
snippets = st.sampled_from([
    SCRIPT, "<b>gras</b>", "[lien](javascript:alert(1))", "![i](data:text/html,x)", "# Titre", "## Partie",
    "#### Détail", "- point", "1. un", "> citation", "```python\nprint('<x>')\n```", "| a | b |\n|---|---|\n| 1 | 2 |",
    "note[^1]\n\n[^1]: pied", "&amp; &lt; &", "---", "\t", "«\u00a0»", "é", "\u202e", "\x0b",
])
# Text without NUL or lone surrogates: those are reported as errors, tested elsewhere.
prose = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
body = st.lists(st.one_of(snippets, prose), min_size=1, max_size=12).map("\n\n".join)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                   st.just(SCRIPT), st.just("2021-02-30"), st.just("2021-03-01T10:00:00+01:00"))
value = st.one_of(scalar, st.lists(scalar, max_size=4), st.dictionaries(st.text(max_size=5), scalar, max_size=2))
any_front = st.dictionaries(
    st.sampled_from(["title", "date", "topic", "tags", "summary", "author", "slug", "updated", "draft", "titel"]),
    value, max_size=9)
words = st.text(min_size=1, max_size=40).filter(str.strip)
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
