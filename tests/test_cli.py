"""The `blog build` command: its arguments, exit codes, output folder and reproducibility."""

from __future__ import annotations

import os
import pstats
import subprocess
import sys
from pathlib import Path

import pytest

from support import (FIXTURE_SITE, NOW, PUBLISHED, REPO, blog, build, copy_site, delete_premier, file_for, read_page,
                     snapshot)


def test_python_dash_m_builder_builds_the_site(tmp_path: Path) -> None:
    output = tmp_path / "out"
    # (Buffered output, as in a pipe on an editor's machine: the command flushes it before it ends.)
    env = {key: value for key, value in os.environ.items() if key not in ("SOURCE_DATE_EPOCH", "PYTHONUNBUFFERED")}
    result = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--source", str(FIXTURE_SITE), "--output", str(output),
         "--now", NOW, "--no-cache"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 6 posts")
    assert read_page(output, PUBLISHED[0]).h1 is not None
    assert (output / "feed.xml").is_file()


def test_a_failed_build_ends_the_process_with_its_code_and_its_messages(site: Path, tmp_path: Path) -> None:
    # The process ends at once, without tearing down its modules: what it printed is flushed first.
    (site / "content" / "posts" / "premier-article.md").write_text("pas de front-matter", "utf-8")
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--source", str(site), "--output",
                             str(tmp_path / "out"), "--now", NOW, "--no-search"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "premier-article.md:1:1: error:" in result.stderr and "build failed" in result.stderr


def test_under_a_profiler_the_process_ends_as_usual(site: Path, tmp_path: Path) -> None:
    # (so that the profiler writes what it found)
    profile = tmp_path / "build.prof"
    result = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "builder", "build", "--source", str(site),
         "--output", str(tmp_path / "out"), "--now", NOW, "--no-search"],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("Built 6 posts"), result.stderr
    assert any("build" in function for _file, _line, function in pstats.Stats(str(profile)).stats)


def test_output_defaults_to_public_in_the_site_root(site: Path) -> None:
    run = blog("build", "--source", site, "--now", NOW)
    assert run.code == 0, run.stderr
    assert file_for(site / "public", "/").is_file()


def test_a_second_build_replaces_the_previous_output(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert build(site, output).code == 0
    delete_premier(site)
    assert build(site, output).code == 0
    assert not file_for(output, "/2020/11/premier-article/").exists()
    assert not file_for(output, "/2020/11/").exists()


def test_an_empty_existing_output_folder_is_used(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    assert build(site, output).code == 0
    assert file_for(output, "/").is_file()


def test_an_output_folder_the_builder_did_not_make_is_refused_not_deleted(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "notes.txt").write_text("à garder\n")
    before = snapshot(output)
    run = build(site, output)
    assert run.code == 2  # a usage error, found before anything is built
    assert "Traceback" not in run.stderr
    assert "not made by `blog build`" in run.stderr
    assert snapshot(output) == before


USAGE_CASES = [  # (id, arguments given the temporary folder and the site, environment, message fragment)
    ("source-does-not-exist", lambda tmp, site: ["build", "--source", tmp / "nowhere"], {}, "no such folder"),
    ("source-without-site-yaml", lambda tmp, site: ["build", "--source", tmp / "empty"], {}, "no site.yaml"),
    ("output-is-the-site-root", lambda tmp, site: ["build", "--source", site, "--output", site], {},
     "holds the site's sources"),
    ("output-holds-the-site-root", lambda tmp, site: ["build", "--source", site, "--output", tmp], {},
     "holds the site's sources"),
    ("output-inside-content", lambda tmp, site: ["build", "--source", site, "--output", site / "content" / "out"],
     {}, "inside the site's content/"),
    ("now-not-a-date", lambda tmp, site: ["build", "--source", site, "--now", "demain"], {}, "not an ISO 8601 date"),
    ("source-date-epoch-not-a-number", lambda tmp, site: ["build", "--source", site],
     {"SOURCE_DATE_EPOCH": "hier"}, "not a number of seconds"),
    ("unknown-option", lambda tmp, site: ["build", "--source", site, "--brouillons"], {}, "unrecognized arguments"),
    ("no-command", lambda tmp, site: [], {}, "required"),
]


@pytest.mark.parametrize("arguments, env, fragment", [case[1:] for case in USAGE_CASES],
                         ids=[case[0] for case in USAGE_CASES])
def test_usage_error_exits_2_with_a_message_and_writes_nothing(arguments, env: dict[str, str], fragment: str,
                                                               site: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    before = snapshot(tmp_path)
    run = blog(*arguments(tmp_path, site), env=env)
    assert run.code == 2
    # argparse's own messages reach sys.stderr, not the stream given to main(): see the test below.
    assert fragment in run.stderr + capsys.readouterr().err
    assert "Traceback" not in run.stderr
    assert snapshot(tmp_path) == before


def test_usage_errors_of_the_parser_are_written_to_the_given_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    run = blog("build", "--brouillons")
    assert run.code == 2
    assert "unrecognized arguments: --brouillons" in run.stderr
    assert capsys.readouterr().err == ""


def test_bom_and_crlf_line_endings_are_accepted(site: Path, tmp_path: Path) -> None:
    post = site / "content" / "posts" / "premier-article.md"
    text = post.read_text("utf-8")
    post.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    output = tmp_path / "out"
    run = build(site, output)
    assert run.code == 0, run.stderr
    page = read_page(output, "/2020/11/premier-article/")
    assert page.h1.string == "Premier article"
    body = [p.get_text() for p in page.main.article.find_all("p")]
    assert "Un second paragraphe qui ne fait pas partie du résumé." in body
    assert "\r" not in file_for(output, "/2020/11/premier-article/").read_text("utf-8")


def test_two_builds_of_the_same_sources_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert build(FIXTURE_SITE, first, "--no-cache").code == 0
    # From a copy elsewhere, so that no source path leaks into the output.
    assert build(copy_site(FIXTURE_SITE, tmp_path / "elsewhere"), second).code == 0
    assert snapshot(first) == snapshot(second)


def test_the_command_names_the_config_file_as_the_builder_does() -> None:
    from builder import cli
    from builder.content import config

    assert cli.CONFIG_NAME == config.CONFIG_NAME


def test_problem_lines_name_files_from_the_working_folder_of_each_build(site: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    lines = []
    for folder in (site.parent, site):  # one process, two working folders: a preview's rebuilds
        monkeypatch.chdir(folder)
        run = build(site, tmp_path / f"out-{len(lines)}")
        lines.append([line for line in run.stderr.splitlines() if "raw HTML shown as text" in line][0])
    post = "content/posts/balises-et-liens.md"
    assert lines[0].startswith(f"{site.name}/{post}:"), lines
    assert lines[1].startswith(f"{post}:"), lines
