"""Build the benchmark's generated posts with Pelican and Hugo too, side by side with our builder.

    python bench/peers.py --posts 1000 [--repeat 3] [--jobs N] [--work DIR] [--tools pelican hugo]
                          [--ours-json FILE | --no-ours] [--json FILE]

For each size: the site of `bench/generate.py` (the same seed, the same posts as `bench/run.py`,
in WORK/site-N) is converted into each tool's input (WORK/pelican-N, WORK/hugo-N); then each
tool is timed on a clean build, a rebuild with nothing changed and a rebuild after editing one
post (the edit of `bench/run.py`: a sentence inserted at the top of the body of post N/2), each
a separate process, the median of `--repeat` runs; with the peak memory of the tool's process
(`os.wait4`'s ru_maxrss, as in `bench/run.py`) and the pages written (*.html in the output).
Our builder is measured in the same run, just before them, with `bench/run.py`'s own functions
(or its figures are read from `--ours-json`, as written by `--json`), and the table gives each
peer's time and memory as a multiple of ours. So is the issue's floor, the bare loop of
`bench/floor.py` (the post pages alone, with markdown-it-py, Pygments and a one-line template),
run on the same posts with our `--jobs`: the last lines give our clean build as a multiple of it.

Tools are found, not installed: Pelican as WORK/venv-pelican/bin/pelican (else `pelican` on
PATH), Hugo as `hugo` on PATH; a missing tool is skipped with a note. Set them up with

    python3 -m venv /tmp/blog-bench/venv-pelican
    /tmp/blog-bench/venv-pelican/bin/pip install -r bench/peers-requirements.txt
    apt-get update && apt-get install -y hugo          # Debian 12: Hugo 0.111.3

The page set (the issue's: post pages, home paginated by 10, a page per tag, topic, year and
month, one feed), tool by tool:

- Post pages: ours at `/yyyy/mm/slug/`; Pelican and Hugo at the same URLs (the converter gives
  each post its slug, made by our slugify; Hugo's permalink is `/:year/:month/:slug/`).
- Home, paginated by 10 (`/`, `/page/N/`): the same in all three. Hugo also writes a `/page/1/`
  redirect page for every paginated listing (home, each tag, topic, year, month).
- A page per tag (`/tags/t/`), per topic (`/topics/t/`), paginated by 10: the same in Pelican
  (topics are its categories; tag slugs unaccented as ours: `sante-1`); in Hugo the taxonomies
  `tags` and `topics` (Hugo keeps the accents in term URLs: `/tags/santé-1/`).
- A page per year and per month (`/yyyy/`, `/yyyy/mm/`), paginated by 10: in Pelican its period
  archives at the same URLs, paginated by adding `period_archives` to PAGINATED_TEMPLATES, with a
  template of ours (the simple theme's lists every post of the period on every page). Hugo has
  no date archives: the converter adds two custom taxonomies to each post's front matter,
  `years: ["2016"]` and `months: ["2016-01"]`, giving `/years/2016/` and `/months/2016-01/`.
- Index pages: ours `/tags/`, `/topics/`, `/archives/`; Pelican its direct templates `tags`,
  `categories`, `archives` at the same URLs (`authors` dropped, author pages off); Hugo its four
  taxonomy pages `/tags/`, `/topics/`, `/years/`, `/months/` (the `posts` section page is off).
- Feeds: ours `/feed.xml` (RSS, 20 newest, full text), `/atom.xml`, `/feed.json`, and RSS and
  Atom for each tag and topic; Pelican `/feed.xml` only (RSS, 20 newest, full text); Hugo
  `/index.xml` only (RSS, 20 newest, full text through a template of ours; every other RSS off).
- Previous/next links on posts: ours and Hugo (`.Prev`, `.Next`); not Pelican (none without a
  plugin), so an edit there touches no neighbour's page.
- Only ours: `/404.html`, `/recherche/`, `sitemap.xml`, `robots.txt`, `_redirects`, `_headers`,
  hashed CSS and JS (Hugo's sitemap and robots.txt are off; the simple theme has no CSS).

So the peers write fewer feeds than ours (1 against 3 + 2 per tag and topic), and Hugo writes
one more HTML file per paginated listing (the `/page/1/` alias, a few bytes); *.html counts are
given as they are. Themes are minimal on purpose, to measure engines: Pelican's built-in
"simple" theme (plus the one period-archive template), and for Hugo seven small templates
written by the converter (baseof, single, the home, taxonomy, term, a listing partial, the RSS),
with Hugo's internal pagination partial. Ours uses its own full theme (SEO tags, JSON-LD, share links, typography).

Content: titles, dates (with their offsets), topics, tags and summaries are carried over as they
are; the bodies too, except the links to other posts, written `article-NNNNN.md` in our sources,
which each tool resolves and checks as ours does: `{filename}article-NNNNN.md` for Pelican,
`{{< ref "article-NNNNN.md" >}}` for Hugo. Markdown engines differ (Python-Markdown with the
`extra` and `codehilite` extensions for Pelican, Goldmark with Chroma highlighting for Hugo,
markdown-it-py with Pygments for ours), as do the typography passes (only ours has one).

Builds: Pelican runs with its content cache (CACHE_CONTENT and LOAD_CONTENT_CACHE on, as the
issue states); a clean build deletes its output and its cache first. Hugo's command line has no
incremental build: every run renders the whole site; a clean build deletes `public/` and
`resources/` first. Both are given absolute paths and run with the working folder set to the
converted site. The edit is applied to the converted post file (what an editor would save),
with the same text as `bench/run.py` puts in ours.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))
from generate import benchmark_site  # noqa: E402  (scripts beside this one)
from run import FLOOR, Run, bench_size, floor_run, pages, timed  # noqa: E402

import yaml  # noqa: E402  (PyYAML: a dependency of the project's tests and tools)

from builder.core.urls import slugify  # noqa: E402  (the same slugs, so the same post URLs)

BUILDS = ("clean build", "rebuild, nothing changed", "rebuild, one post edited")
_POST_LINK = re.compile(r"\]\((article-\d{5}\.md)\)")


def read_posts(site: Path) -> list[tuple[str, dict, str]]:
    """Give each generated post as (file name, front-matter, body), in file order."""
    posts = []
    for path in sorted((site / "content" / "posts").glob("*.md")):
        text = path.read_text("utf-8")
        _, head, body = text.split("---\n", 2)
        posts.append((path.name, yaml.safe_load(head), body.lstrip("\n")))
    return posts


# ---------------------------------------------------------------------------------------------
# Pelican

PELICAN_CONF = '''\
# Written by bench/peers.py: the benchmark's page set for Pelican.
AUTHOR = "La rédaction"
SITENAME = {title!r}
SITEURL = "https://bench.example.org"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
PATH = {content!r}
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = []
STATIC_PATHS = []
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = {cache!r}
THEME = "simple"  # Pelican's default is "notmyidea"; "simple" is its minimal one
THEME_TEMPLATES_OVERRIDES = [{templates!r}]
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = False

ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
CATEGORY_URL = "topics/{{slug}}/"
CATEGORY_SAVE_AS = "topics/{{slug}}/index.html"
YEAR_ARCHIVE_URL = "{{date:%Y}}/"
YEAR_ARCHIVE_SAVE_AS = "{{date:%Y}}/index.html"
MONTH_ARCHIVE_URL = "{{date:%Y}}/{{date:%m}}/"
MONTH_ARCHIVE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives"]
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_URL = "topics/"
CATEGORIES_SAVE_AS = "topics/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {{"index": None, "tag": None, "category": None, "period_archives": None}}
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)

FEED_DOMAIN = SITEURL
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False
'''

# The simple theme's period_archives.html lists every post of the period on every page:
# paginate it like the tag and category pages (which extend index.html).
PELICAN_PERIOD = '''\
{% extends "index.html" %}
{% block title %}{{ SITENAME|striptags }} - {{ period | reverse | join(' ') }}{% endblock %}
{% block content_title %}<h2>Archives {{ period | reverse | join(' ') }}</h2>{% endblock %}
'''


def to_pelican(posts: list[tuple[str, dict, str]], root: Path, title: str) -> Path:
    """Write the posts as Pelican's Markdown (metadata header) and its settings; give the settings."""
    folder = root / "content" / "posts"
    shutil.rmtree(root / "content", ignore_errors=True)
    folder.mkdir(parents=True)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "period_archives.html").write_text(PELICAN_PERIOD, "utf-8")
    for name, meta, body in posts:
        body = _POST_LINK.sub(r"]({filename}\1)", body)
        head = (f"Title: {meta['title']}\nDate: {meta['date'].isoformat()}\nCategory: {meta['topic']}\n"
                f"Tags: {', '.join(meta['tags'])}\nSlug: {slugify(meta['title'])}\nSummary: {meta['summary']}\n")
        (folder / name).write_text(f"{head}\n{body}", "utf-8")
    settings = root / "pelicanconf.py"
    settings.write_text(PELICAN_CONF.format(title=title, content=str(root / "content"),
                                            cache=str(root / "cache"), templates=str(root / "templates")),
                        "utf-8")
    return settings


# ---------------------------------------------------------------------------------------------
# Hugo

HUGO_CONFIG = {
    "baseURL": "https://bench.example.org/",
    "languageCode": "fr",
    "defaultContentLanguage": "fr",
    "timeZone": "Europe/Paris",
    "paginate": 10,
    "rssLimit": 20,
    "disableKinds": ["section", "sitemap", "robotsTXT"],
    "taxonomies": {"tag": "tags", "topic": "topics", "year": "years", "month": "months"},
    "permalinks": {"posts": "/:year/:month/:slug/"},
    "outputs": {"home": ["HTML", "RSS"], "page": ["HTML"], "taxonomy": ["HTML"], "term": ["HTML"]},
}

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head><meta charset="utf-8"><title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ .Site.Title }}</title>
{{ with .OutputFormats.Get "RSS" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body>
</html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "topics" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<nav>{{ with .Prev }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .Next }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
""",
    "partials/summaries.html": """{{ range .Paginator.Pages }}<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Params.summary }}</p>
<p><time>{{ .Date.Format "2006-01-02" }}</time></p></article>
{{ end }}{{ template "_internal/pagination.html" . }}
""",
    "index.html": """{{ define "main" }}{{ $paginator := .Paginate (where .Site.RegularPages "Section" "posts") }}
{{ partial "summaries.html" . }}{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ $paginator := .Paginate .Pages }}
{{ partial "summaries.html" . }}{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}
""",
    # The internal RSS template gives the summary only; ours and Pelican's feeds give the full text.
    "index.rss.xml": """{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>{{ .Site.Title }}</title><link>{{ .Permalink }}</link><description>{{ .Site.Title }}</description>
<language>{{ .Site.LanguageCode }}</language>
{{ with .OutputFormats.Get "RSS" }}<atom:link href="{{ .Permalink }}" rel="self" type="application/rss+xml" />{{ end }}
{{ range first .Site.Config.Services.RSS.Limit (where .Site.RegularPages "Section" "posts").ByDate.Reverse }}
<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>
<description>{{ .Content | html }}</description></item>
{{ end }}</channel></rss>
""",
}


def to_hugo(posts: list[tuple[str, dict, str]], root: Path, title: str) -> None:
    """Write the posts as Hugo content (YAML front-matter), its config and a minimal layout set."""
    folder = root / "content" / "posts"
    shutil.rmtree(root / "content", ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(text, "utf-8")
    (root / "hugo.yaml").write_text(yaml.safe_dump(dict(HUGO_CONFIG, title=title), allow_unicode=True), "utf-8")
    for name, meta, body in posts:
        body = _POST_LINK.sub(r']({{< ref "\1" >}})', body)
        date = meta["date"]
        head = {"title": meta["title"], "date": date.isoformat(), "slug": slugify(meta["title"]),
                "topics": [meta["topic"]], "tags": meta["tags"], "summary": meta["summary"],
                "years": [f"{date:%Y}"], "months": [f"{date:%Y-%m}"]}
        (folder / name).write_text(f"---\n{yaml.safe_dump(head, allow_unicode=True, sort_keys=False)}---\n\n{body}",
                                   "utf-8")


# ---------------------------------------------------------------------------------------------
# Timing


def bench_tool(command: list[str], root: Path, output: Path, caches: list[Path], edited: Path,
               repeat: int) -> dict[str, Run]:
    """Time the three builds of one tool: `caches` are deleted with `output` before a clean build."""
    original = edited.read_text("utf-8")
    counter = iter(range(10**6))

    def clean() -> None:
        for folder in (output, *caches):
            shutil.rmtree(folder, ignore_errors=True)

    def edit() -> None:
        edited.write_text(original.replace("\n\n", f"\n\nÉdition {next(counter)}.\n\n", 1), "utf-8")

    def run(before=None) -> Run:
        runs = []
        for _ in range(repeat):
            if before:
                before()
            runs.append(timed(command, cwd=root))
        return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]

    try:
        results = {"clean build": run(clean)}
        timed(command, cwd=root)  # settle the cache and output after the clean runs
        results["rebuild, nothing changed"] = run()
        results["rebuild, one post edited"] = run(edit)
    finally:
        edited.write_text(original, "utf-8")
    return results


def pelican_command(work: Path) -> list[str] | None:
    """Give Pelican's command, from WORK/venv-pelican or PATH, or None."""
    local = work / "venv-pelican" / "bin" / "pelican"
    found = str(local) if local.is_file() else shutil.which("pelican")
    return [found] if found else None


def tool_version(tool: str, work: Path) -> str:
    """Give a tool's version line."""
    if tool == "pelican":
        command = pelican_command(work)
        return subprocess.run([*command, "--version"], capture_output=True, text=True).stdout.strip()
    return subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()


def bench_peer(tool: str, posts: int, work: Path, repeat: int) -> tuple[dict[str, Run], int, int] | None:
    """Convert the site of `posts` posts for `tool`, time it, give its runs, its page count and how
    many of those pages are redirect stubs."""
    site = benchmark_site(work, posts)
    title = yaml.safe_load((site / "site.yaml").read_text("utf-8"))["title"]
    source = read_posts(site)
    edited_name = f"article-{posts // 2:05d}.md"
    root = work / f"{tool}-{posts}"
    root.mkdir(parents=True, exist_ok=True)
    if tool == "pelican":
        command = pelican_command(work)
        if not command:
            return None
        settings = to_pelican(source, root, title)
        output = root / "output"
        command = [*command, str(root / "content"), "-s", str(settings), "-o", str(output), "-q"]
        caches = [root / "cache"]
    else:
        if not shutil.which("hugo"):
            return None
        to_hugo(source, root, title)
        output = root / "public"
        command = ["hugo", "--source", str(root), "--destination", str(output), "--quiet"]
        caches = [root / "resources"]
    results = bench_tool(command, root, output, caches, root / "content" / "posts" / edited_name, repeat)
    return results, pages(output), redirect_stubs(output)


def redirect_stubs(output: Path) -> int:
    """Count the `page/1/` redirect pages among the *.html (Hugo writes one per paginated listing)."""
    return sum(1 for _ in output.rglob("page/1/index.html"))


def main() -> None:
    """Parse the command line, measure ours and the peers, print a Markdown table with ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="our builder's --jobs")
    parser.add_argument("--work", type=Path, default=Path("/tmp/blog-bench"))
    parser.add_argument("--tools", nargs="+", choices=["pelican", "hugo"], default=["pelican", "hugo"])
    parser.add_argument("--no-ours", action="store_true", help="do not measure our builder")
    parser.add_argument("--ours-json", type=Path, help="our figures from an earlier --json, instead of measuring")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    versions = {}
    for tool in list(args.tools):
        if (pelican_command(args.work) if tool == "pelican" else shutil.which("hugo")) is None:
            print(f"({tool} is not installed: skipped)", file=sys.stderr)
            args.tools.remove(tool)
        else:
            versions[tool] = tool_version(tool, args.work)
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}; ours with jobs={args.jobs}; "
          f"median of {args.repeat}")
    for tool, version in versions.items():
        print(f"{tool}: {version}")
    print()
    print("| posts | tool | build | seconds | CPU s | pages | pages/s | peak MB | time × ours | memory × ours |\n"
          "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    figures: dict = json.loads(args.ours_json.read_text()) if args.ours_json else {}
    for posts in args.posts:
        key = str(posts)
        figures.setdefault(key, {})
        if not args.no_ours and not args.ours_json:
            runs = bench_size(posts, args.work, args.repeat, args.jobs)
            figures[key]["ours"] = {"pages": pages(args.work / f"public-{posts}"),
                                    **{name: _figures(r) for name, r in runs.items()}}
            floor = floor_run(posts, args.work, args.repeat, args.jobs)
            figures[key]["floor"] = {"pages": posts, FLOOR: _figures(floor)}
        if "ours" in figures[key]:
            _rows(posts, "ours", figures[key]["ours"], None)
        if "floor" in figures[key]:
            _rows(posts, "floor", figures[key]["floor"], figures[key].get("ours"), (FLOOR,))
        for tool in args.tools:
            measured = bench_peer(tool, posts, args.work, args.repeat)
            if measured is None:
                continue
            runs, count, stubs = measured
            figures[key][tool] = {"pages": count, "redirect_stubs": stubs, "version": versions[tool],
                                  **{name: _figures(r) for name, r in runs.items()}}
            _rows(posts, tool, figures[key][tool], figures[key].get("ours"))
    for posts in args.posts:
        measured = figures[str(posts)]
        if "ours" in measured and "floor" in measured:
            ratio = measured["ours"]["clean build"]["seconds"] / measured["floor"][FLOOR]["seconds"]
            print(f"\nours, {posts:,} posts: the clean build takes {ratio:.2f} times the bare loop "
                  "(issue 19's target: at most 2.0).")
    for posts in args.posts:
        for tool, measured in figures[str(posts)].items():
            if measured.get("redirect_stubs"):
                print(f"\n{tool}, {posts:,} posts: {measured['redirect_stubs']:,} of its {measured['pages']:,} pages "
                      "are `page/1/` redirect stubs (a few bytes each, counted in pages and pages/s).")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _figures(run: Run) -> dict[str, float]:
    """Give what the JSON results keep of a run."""
    return {"seconds": run.seconds, "cpu_seconds": run.cpu_seconds, "peak_mb": run.peak_mb}


def _rows(posts: int, tool: str, figures: dict, ours: dict | None, builds: tuple[str, ...] = BUILDS) -> None:
    """Print one tool's rows (its three builds, or the bare loop's one), with its ratios to ours
    (to our clean build, for a clean build or the bare loop) where ours are known."""
    for name in builds:
        run = figures[name]
        first = name == builds[0]
        rate = f"{figures['pages'] / run['seconds']:,.0f}" if first else ""
        count = f"{figures['pages']:,}" if first else ""
        time_ratio = memory_ratio = ""
        if ours and tool != "ours":
            theirs = ours[name if name in BUILDS else "clean build"]
            time_ratio = f"{run['seconds'] / theirs['seconds']:.1f}"
            memory_ratio = f"{run['peak_mb'] / theirs['peak_mb']:.1f}"
        cpu = f"{run['cpu_seconds']:.2f}" if "cpu_seconds" in run else ""  # not in results of earlier versions
        print(f"| {posts:,} | {tool} | {name} | {run['seconds']:.2f} | {cpu} | {count} | {rate} | {run['peak_mb']:.0f} "
              f"| {time_ratio} | {memory_ratio} |", flush=True)


if __name__ == "__main__":
    main()
