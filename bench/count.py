"""Count the machine instructions the builder spends on one post's Markdown and on one page,
with Valgrind's callgrind: the same figure on every run, where times vary by a tenth or more
on a shared machine, so that a change of a few percent can be told from noise.

    python bench/count.py [--posts 200] [--work DIR]       # needs valgrind (Debian's package)

`load` is `load.load_post` (reading, front-matter, Markdown, typography) on each post of the
generated site of `--posts` posts; `render` is `render.render_site` in one process (every page
rendered, nothing written) on that site; `floor` is the whole work of the bare loop of
`floor.py` for each post (read, Markdown, a one-line template, written). Each is counted twice,
for 0 and N posts (for load and floor) or 1 and 3 renderings (for render), so that start-up
and imports cancel out; the difference is divided by the posts or pages counted. It takes a
few minutes: callgrind runs Python about fifty times slower. One count at a time per `--work`
folder: each writes its site's build cache.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))
from generate import benchmark_site  # noqa: E402  (a script beside this one)

_COLLECTED = re.compile(r"Collected : (\d+)")
NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)  # after every generated post


def count(site: Path, measure: str, amount: int) -> int:
    """Give the instructions of a child process that does `amount` of `measure` on `site`."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
               str(Path(__file__).resolve()), "--child", measure, str(amount), "--site", str(site)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dictionaries, the same instructions
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=BENCH.parent)
    found = _COLLECTED.search(result.stderr)
    if result.returncode != 0 or not found:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def run_child(measure: str, amount: int, site: Path) -> None:
    """Do the counted work: load `amount` posts, or render the whole site `amount` times.
    Prints the number of pages rendered, for the parent to divide by."""
    from builder.core.gc_pause import paused

    if measure == "floor":
        import tempfile

        import floor

        with tempfile.TemporaryDirectory() as output:
            for path in sorted((site / "content" / "posts").glob("*.md"))[:amount]:
                floor.render_post(path, Path(output))
        return
    with paused():  # as in a build
        if measure == "load":
            from builder.content.config import load_config
            from builder.content.load import load_post

            config = load_config(site)
            for path in sorted((site / "content" / "posts").glob("*.md"))[:amount]:
                load_post(path, site, config)
            return
        from builder.output import render, templates as theme
        from builder.site import index
        from builder.build import BuildOptions, BuildReport, read_site

        # The posts come from the build cache, which the uncounted first run wrote.
        sources = read_site(site, BuildReport(), options=BuildOptions(cache=True))
        built = index.build_index(index.published(sources.posts, NOW), sources.config)
        templates = theme.load_templates((BENCH.parent / "templates",), sources.config)
        assets = {url: url for url in ("/css/style.css", "/css/code.css", "/js/search.js")}
        shared = render.shared_values(built.posts, NOW, assets)
        for _ in range(amount):
            pages, _ = render.render_site(templates, built, sources.config, shared)
        print(len(pages))


def main() -> None:
    """Parse the command line; count, or be the counted child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/blog-bench"))
    parser.add_argument("--child", nargs=2, metavar=("MEASURE", "AMOUNT"), help=argparse.SUPPRESS)
    parser.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], int(args.child[1]), args.site)
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed: apt-get install -y valgrind")
    site = benchmark_site(args.work, args.posts)
    pages = int(subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", "render", "1",
                                "--site", str(site)], capture_output=True, text=True, check=True,
                               cwd=BENCH.parent).stdout)
    per_post = (count(site, "load", args.posts) - count(site, "load", 0)) / args.posts
    per_page = (count(site, "render", 3) - count(site, "render", 1)) / (2 * pages)
    floor_post = (count(site, "floor", args.posts) - count(site, "floor", 0)) / args.posts
    print(f"| measure | instructions |\n| --- | ---: |\n"
          f"| load, a post (of {args.posts:,}) | {per_post / 1e6:.2f} M |\n"
          f"| render, a page (of {pages:,}) | {per_page / 1e6:.2f} M |\n"
          f"| the bare loop of floor.py, a post | {floor_post / 1e6:.2f} M |")


if __name__ == "__main__":
    main()
