"""The one URL scheme of the site, the output path of each URL, and slugs."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from slugify import slugify as _slugify

# An apostrophe separates words in French ("l’amende" -> "l-amende").
_REPLACEMENTS = [["’", "-"], ["'", "-"]]


@lru_cache(maxsize=8192)  # tags and topics repeat across thousands of posts; slugify is slow
def slugify(text: str) -> str:
    """Give the lowercase ASCII slug of `text`, accents folded: "Les hôpitaux" -> "les-hopitaux"."""
    # An explicit backend: "auto" tries to import the absent `unidecode` on every call.
    return _slugify(text, replacements=_REPLACEMENTS, backend="text-unidecode")


# A slug names a folder of the output, and file systems refuse names of more than 255 bytes
# (OSError: File name too long); slugs are ASCII, and the margin leaves room for temporary names.
MAX_SLUG = 200


def long_slug(slug: str) -> str | None:
    """Say why `slug` is too long to name a folder of the output, or give None."""
    if len(slug) <= MAX_SLUG:
        return None
    return f"gives a URL part of {len(slug)} characters, more than {MAX_SLUG}"


def post_url(date: datetime, slug: str) -> str:
    """Give a post's URL path: `/yyyy/mm/slug/`."""
    return f"/{date:%Y}/{date:%m}/{slug}/"


# The output files of post pages: `yyyy/mm/slug/index.html`. A month's archive is `yyyy/mm/`, its
# next pages `yyyy/mm/page/N/` (one folder deeper, which a glob's `*` would take in as well).
_POST_PAGE = re.compile(r"[0-9]{4}/[0-9]{2}/[^/]+/index\.html")


def is_post_page(path: str) -> bool:
    """Tell whether an output path is a post's page."""
    return _POST_PAGE.fullmatch(path) is not None


def paginated(base: str, number: int) -> str:
    """Give the URL of page `number` of a listing at `base` (page 1 is `base` itself)."""
    return base if number == 1 else f"{base}page/{number}/"


HOME = "/"
TAGS = "/tags/"
TOPICS = "/topics/"
ARCHIVES = "/archives/"
SEARCH = "/recherche/"
NOT_FOUND = "/404.html"
SITEMAP = "/sitemap.xml"
ROBOTS = "/robots.txt"
JSON_FEED = "/feed.json"
SEARCH_BUNDLE = "/pagefind/"  # where Pagefind writes its bundles: scripts and index, one folder each


def search_bundle(post: str) -> str:
    """Give the name of the search bundle that indexes a post, from its URL (`/yyyy/mm/slug/`)
    or its page's output path: its year and quarter, `2021-q1`. Fixed by the post's URL, so
    that an edit never moves a post to another bundle; a quarter (some 275 posts of the
    benchmark's 10,000) is what Pagefind indexes in half a second."""
    year, month = post.strip("/").split("/")[:2]
    return f"{year}-q{(int(month) - 1) // 3 + 1}"


def search_bundle_glob(name: str) -> str:
    """Give the glob of the post pages a search bundle indexes, for Pagefind (whose `*` never
    crosses a `/`): `2021/{01,02,03}/*/index.html` for `2021-q1`."""
    year, quarter = name.split("-q")
    months = ",".join(f"{3 * (int(quarter) - 1) + offset:02d}" for offset in (1, 2, 3))
    return f"{year}/{{{months}}}/*/index.html"


def rss_url(listing: str) -> str:
    """Give the URL of the RSS feed of a listing page (`/`, a tag, a topic)."""
    return f"{listing}feed.xml"


def atom_url(listing: str) -> str:
    """Give the URL of the Atom feed of a listing page (`/`, a tag, a topic)."""
    return f"{listing}atom.xml"


FEED = rss_url(HOME)
ATOM = atom_url(HOME)


def tag_url(slug: str) -> str:
    """Give a tag page's URL path."""
    return f"{TAGS}{slug}/"


def topic_url(slug: str) -> str:
    """Give a topic page's URL path."""
    return f"{TOPICS}{slug}/"


def year_url(year: int) -> str:
    """Give a year archive's URL path."""
    return f"/{year:04d}/"


def month_url(year: int, month: int) -> str:
    """Give a month archive's URL path."""
    return f"/{year:04d}/{month:02d}/"


def output_path(url: str) -> str:
    """Give the file, relative to the output folder, that serves `url` (pretty URLs)."""
    path = url.lstrip("/")
    return f"{path}index.html" if url.endswith("/") else path


def absolute(base_url: str, url: str) -> str:
    """Give `url` (a path from the site root) as an absolute URL."""
    return base_url + url if url.startswith("/") and not url.startswith("//") else url

