"""Fixtures: a fresh copy of the fixture site per test, and builds shared by a whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import FIXTURE_SITE, REPO, build, copy_site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the fixture site that the test may change."""
    return copy_site(FIXTURE_SITE, tmp_path / "site")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site built once with the default options; tests only read it."""
    output = tmp_path_factory.mktemp("fixture-build") / "public"
    run = build(FIXTURE_SITE, output, "--no-cache")  # nothing written into the repository's fixture
    assert run.code == 0, run.stderr
    return output


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site (this repository's content) built once; tests only read it."""
    output = tmp_path_factory.mktemp("real-build") / "public"
    run = build(REPO, output)
    assert run.code == 0, run.stderr
    return output
