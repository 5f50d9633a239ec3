"""Time what an editor waits for in `blog serve`: the preview's first build, its rebuild after
each of a few one-post edits, and the first build of a preview started again; and the peak
memory of the process.

    python bench/preview.py --posts 10000 [--edits 3] [--work /tmp/blog-bench]

The rebuilds run in this process, as the preview server runs them (`Preview.rebuild`, without
the HTTP server and the polling around it), on the site `generate.py` writes for `run.py`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
from builder.serve import Preview  # noqa: E402  (this checkout's builder)
from generate import benchmark_site  # noqa: E402  (a script beside this one)


def main() -> None:
    """Build a preview of the site once, edit one post a few times, print each rebuild's time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/blog-bench"))
    args = parser.parse_args()
    site = benchmark_site(args.work, args.posts)
    output = args.work / f"preview-{args.posts}"
    shutil.rmtree(output, ignore_errors=True)
    # `blog serve` rebuilds in a worker thread beside the server's: a process with threads forks
    # no process (`builder/core/parallel.py`), and neither does this one.
    threading.Thread(target=threading.Event().wait, daemon=True).start()
    preview = Preview(site, output, log=lambda line: None)
    started = time.perf_counter()
    assert preview.rebuild(), preview.errors
    print(f"{args.posts} posts: first build {time.perf_counter() - started:.2f} s")
    edited = site / "content" / "posts" / f"article-{args.posts // 2:05d}.md"
    original = edited.read_text("utf-8")
    try:
        for number in range(args.edits):
            edited.write_text(original.replace("\n\n", f"\n\nÉdition {number}.\n\n", 1), "utf-8")
            started = time.perf_counter()
            assert preview.rebuild(), preview.errors
            print(f"rebuild after editing one post: {time.perf_counter() - started:.2f} s")
        # `blog serve` stopped and started again: a new memo, the ledger on disk.
        edited.write_text(original.replace("\n\n", "\n\nÉdition finale.\n\n", 1), "utf-8")
        del preview  # its memo: the new preview starts without it, as a new process would
        restarted = Preview(site, output, log=lambda line: None)
        started = time.perf_counter()
        assert restarted.rebuild(), restarted.errors
        print(f"a preview started again, after one more edit: {time.perf_counter() - started:.2f} s")
    finally:
        edited.write_text(original, "utf-8")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
