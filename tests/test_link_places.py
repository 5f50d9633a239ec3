"""Each link or image problem is reported where its target is written: one case file per
situation in tests/cases/link_places/, `name.md` a post and `name.txt` the error lines
`blog check` must give for it (`line:col: error: message`, without the hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor_support import POSTS, blog, copy_editor_site, parse_problems

CASES = Path(__file__).resolve().parent / "cases" / "link_places"


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda path: path.stem)
def test_each_link_problem_is_reported_at_its_target(tmp_path: Path, case: Path) -> None:
    site = copy_editor_site(tmp_path / "site")
    post = site / POSTS / "cas.md"
    post.write_bytes(case.read_bytes())
    run = blog("check", "--source", site)
    found = [f"{p.line}:{p.col}: {p.severity}: {p.message.split(' (')[0]}"
             for p in parse_problems(run.stdout) if p.path == post and p.severity == "error"]
    assert found == case.with_suffix(".txt").read_text("utf-8").splitlines(), run.stdout
