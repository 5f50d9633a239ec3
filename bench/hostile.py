"""Time what one hostile post costs a whole build, at half the post size limit and at the limit:
the time may about double with the size (linear work), never quadruple (quadratic work).

    python bench/hostile.py [--work /tmp/blog-bench] [--repeat 3] [--budget 3.0]

Each case is one post of the size given, in a site made by `blog init` (so that the rest of the
build is small), built by `blog build --no-search --no-cache --jobs 1` in its own process; the
figure is the processor time the build takes (user and system), the least of `--repeat` runs:
other work on the machine does not count in it (by the clock, on a busy machine, the raw-HTML
case grew 3.17 times; 2.1 in processor time). `--jobs 1`: one post is rendered by one process anyway, and a build's workers would be
out of the count. A case whose time grows more than `--budget` times when its size
doubles, or that fails to build, is over budget, and the script exits 1. The YAML alias bomb is refused in a few hundred
bytes, so it is timed at one size only.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

NOISE = 0.1  # seconds: a post that costs less is not judged
LIMIT = 990_000  # bytes of body: under the builder's 1,000,000-byte limit with the front-matter
FRONT = "---\ntitle: Un cas\ndate: 2021-04-01T09:00:00+02:00\ntopic: {topic}\ntags: [CNIL, RGPD]\n---\n\n"


def _repeat(unit: str, size: int) -> str:
    """Give `unit` repeated to about `size` bytes."""
    return unit * max(1, size // len(unit.encode()))


def _reference_links(size: int) -> str:
    """Give one paragraph of reference-style links, their definitions below, about `size` bytes."""
    count = size // 80  # each link takes about 80 bytes: its use and its definition
    uses = "\n".join(f"Voir [la source {n}][ref-{n}]." for n in range(count))
    # Not the site's own host (`blog init`'s example.org): the build checks its links, these would be broken.
    definitions = "\n".join(f"[ref-{n}]: https://exemple.fr/source-{n}" for n in range(count))
    return f"{uses}\n\n{definitions}\n"


def _footnotes(size: int) -> str:
    """Give one paragraph of footnote calls, their notes below, about `size` bytes."""
    count = size // 40  # each note takes about 40 bytes: its call and its text
    calls = "".join(f"Texte[^n{n}]. " for n in range(count))
    notes = "".join(f"[^n{n}]: Note {n}.\n" for n in range(count))
    return f"{calls}\n\n{notes}"


def _table(size: int, columns: int = 10) -> str:
    """Give one table of `columns` columns and as many rows as make about `size` bytes."""
    row = "|" + " b |" * columns + "\n"
    return "|" + " a |" * columns + "\n|" + "---|" * columns + "\n" + _repeat(row, size - 2 * len(row))


CASES: dict[str, Callable[[int], str]] = {
    "headings": lambda size: _repeat("## Titre\n\n", size),
    "thousands": lambda size: "1" + _repeat(" 111", size) + " personnes\n",
    "reference links": _reference_links,
    "inline links": lambda size: _repeat("[lien](https://exemple.fr/a) ", size) + "\n",
    "quotes": lambda size: _repeat("L'« avenir » dit \"oui\" ? ", size) + "\n",
    "raw HTML": lambda size: _repeat('<a href="x" target="_top">a</a> ', size) + "\n",
    "footnotes": _footnotes,
    "table": _table,
    "nested quotes": lambda size: _repeat("> " * 50 + "x\n", size),
    "nested lists": lambda size: _repeat("".join("  " * depth + "- x\n" for depth in range(40)), size),
    "emphasis": lambda size: _repeat("*a* _x_ ", size) + "\n",
    "unclosed emphasis": lambda size: _repeat("*a _x ", size) + "\n",
    "opening brackets": lambda size: _repeat("[", size) + "\n",
    "backticks": lambda size: _repeat("` ", size) + "\n",
    "images": lambda size: _repeat("![image](https://exemple.fr/a.png) ", size) + "\n",
    "< and &": lambda size: _repeat("a < b & c ", size) + "\n",
    "one word": lambda size: "a" * size + "\n",
    "one URL": lambda size: "https://exemple.fr/" + "a" * size + "\n",
}
ALIAS_BOMB = "aliases:\n  - &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  - &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n" for n in range(7))


def site_for(work: Path) -> tuple[Path, str]:
    """Give a fresh small site (`blog init`) and one of its topics' keys."""
    site = work / "hostile-site"
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([_blog(), "init", str(site)], check=True, capture_output=True)
    text = (site / "site.yaml").read_text("utf-8")
    topic = text.split("topics:", 1)[1].strip().split(":", 1)[0].strip()
    return site, topic


def seconds(site: Path, front: str, body: str, repeat: int) -> tuple[float, int]:
    """Give the least processor seconds of a clean build of the site with one post of `body`,
    and its exit code."""
    post = site / "content" / "posts" / "cas.md"
    post.write_text(front + body, "utf-8")
    times, code = [], 0
    for _ in range(repeat):
        shutil.rmtree(site / "public", ignore_errors=True)
        start = _children_seconds()
        code = subprocess.run([_blog(), "build", "--source", str(site), "--no-search", "--no-cache", "--jobs", "1"],
                              capture_output=True).returncode
        times.append(_children_seconds() - start)
    post.unlink()
    return min(times), code


def _children_seconds() -> float:
    """Give the processor seconds of the processes this one started and waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _blog() -> str:
    """Give the `blog` command beside this Python."""
    return str(Path(sys.executable).with_name("blog"))


def main() -> None:
    """Time each case at two sizes and print the table; exit 1 if one is over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/blog-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=3.0, help="most growth allowed when the size doubles")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    site, topic = site_for(args.work)
    front = FRONT.format(topic=topic)
    empty, _ = seconds(site, front, "Un texte.\n", args.repeat)
    print(f"| case | {LIMIT // 2:,} bytes | {LIMIT:,} bytes | growth |\n| --- | --- | --- | --- |")
    over = []
    for name, make in CASES.items():
        half, _ = seconds(site, front, make(LIMIT // 2), args.repeat)
        whole, code = seconds(site, front, make(LIMIT), args.repeat)
        # The post's own cost, the rest of the site's left out; below a tenth of a second it is noise.
        growth = (whole - empty) / (half - empty) if half - empty > NOISE else None
        shown = f"{growth:.2f}" if growth is not None else f"(under {NOISE} s)"
        print(f"| {name} | {half:.2f} s | {whole:.2f} s (exit {code}) | {shown} |")
        if code != 0 or growth is not None and growth > args.budget:
            over.append(name)
    bomb, code = seconds(site, front.replace("tags:", ALIAS_BOMB + "tags:"), "Un texte.\n", args.repeat)
    print(f"| YAML alias bomb ({len(ALIAS_BOMB)} bytes) | | {bomb:.2f} s (exit {code}) | |")
    print(f"A site with one short post: {empty:.2f} s; growth leaves it out. Budget: {args.budget}.")
    if over:
        print(f"over budget: {', '.join(over)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
