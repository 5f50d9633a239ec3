"""Read a WordPress export (WXR, the XML of Tools → Export) into posts of this site."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from builder.core.model import Config
from builder.core.urls import long_slug, slugify
from builder.importers.html import to_markdown
from builder.importers.posts import Imported, ImportFailed, Skipped

# The export's statuses: what becomes of a post of each.
_PUBLISHED = ("publish", "future")  # a post dated in the future waits for its date here too
_DRAFTS = ("draft", "pending")
_EMPTY_DATE = "0000-00-00 00:00:00"  # a draft never saved with a date
_ITEM = re.compile(r"<item[\s>]")


def read_export(path: Path, config: Config) -> tuple[list[Imported], list[Skipped]]:
    """Give the posts of the WXR file at `path`, and the items left, with why. The file is
    untrusted: defusedxml refuses entities and DTDs (no billion laughs, no external files)."""
    try:
        text = path.read_text("utf-8")
        root = fromstring(text)
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed(f"{path}: cannot read it: {error}") from None
    except (ParseError, DefusedXmlException) as error:
        raise ImportFailed(f"{path}: not a WordPress export (invalid XML: {error})") from None
    channel = _child(root, "channel")
    if channel is None or _text(channel, "wxr_version") is None and _child(channel, "base_site_url") is None:
        raise ImportFailed(f"{path}: not a WordPress export (no <channel> with a <wp:wxr_version>)")
    site = _text(channel, "base_blog_url") or _text(channel, "link") or ""
    authors = {_text(author, "author_login"): _text(author, "author_display_name")
               for author in _children(channel, "author")}
    items = _children(channel, "item")
    lines = [text.count("\n", 0, match.start()) + 1 for match in _ITEM.finditer(text)]
    line_of = {id(item): lines[index] if len(lines) == len(items) else 1 for index, item in enumerate(items)}
    attachments = {_text(item, "post_id"): (_text(item, "attachment_url"), _alt(item)) for item in items
                   if _text(item, "post_type") == "attachment" and _text(item, "attachment_url")}
    posts = [item for item in items if _text(item, "post_type") == "post"]
    skipped = [Skipped(path, line_of[id(item)], f"not a post: a WordPress {_text(item, 'post_type') or 'item'}")
               for item in items if _text(item, "post_type") != "post"]
    zone = ZoneInfo(config.timezone)
    slugs = {item_id: _slug(item) for item in posts if (item_id := _text(item, "post_id"))}
    published = {item_id for item in posts
                 if (item_id := _text(item, "post_id")) and _text(item, "status") in _PUBLISHED}
    old_paths = {_path(_text(item, "link") or ""): _text(item, "post_id") for item in posts}
    relink = _relinker(site, slugs, published, old_paths)
    imported = []
    for item in posts:
        result = _post(item, path, line_of[id(item)], zone, authors, attachments, relink)
        (skipped if isinstance(result, Skipped) else imported).append(result)
    return imported, skipped


def _post(item: Element, path: Path, line: int, zone: ZoneInfo, authors: dict, attachments: dict[str, tuple[str, str]],
          relink) -> Imported | Skipped:
    """Give one `<item>` of type post as a post, or why it is left."""
    status = _text(item, "status") or ""
    title = " ".join((_text(item, "title") or "").split())
    if status == "private":
        return Skipped(path, line, "private on WordPress")
    if status not in _PUBLISHED + _DRAFTS:
        return Skipped(path, line, f"status {status or 'missing'} (trash, auto-draft…)")
    if not title:
        return Skipped(path, line, "no title")
    date = _date(item, zone)
    if date is None:
        return Skipped(path, line, "no date")
    converted = to_markdown(_text(item, "encoded", "content") or "", attachments, relink)
    categories = [element for element in _children(item, "category") if element.get("domain") == "category"]
    tags = [" ".join((element.text or "").split()) for element in _children(item, "category")
            if element.get("domain") == "post_tag"]
    login = _text(item, "creator")
    alias = _path(_text(item, "link") or "")
    return Imported(
        source=path, line=line, title=title, date=date, slug=_slug(item), body=converted.markdown,
        topic=" ".join((categories[0].text or "").split()) or None if categories else None,
        tags=tuple(tags), summary=_plain(_text(item, "encoded", "excerpt") or "") or None,
        author=(authors.get(login) or login or None), draft=status in _DRAFTS,
        aliases=(alias,) if alias and alias != "/" else (), warnings=converted.warnings,
    )


def _relinker(site: str, slugs: dict[str, str], published: set[str], old_paths: dict[str, str | None]):
    """Give the function that turns a link to a post of the export (`/?p=12`, its old address)
    into a link to its new file, which the build makes the post's URL and checks."""
    host = urlsplit(site).netloc.removeprefix("www.")

    def relink(href: str) -> str:
        """Give the link a post of the export should have now."""
        url = urlsplit(href)
        if (url.netloc.removeprefix("www.") not in ("", host) or url.scheme not in ("", "http", "https")
                or href.startswith("#")):
            return href
        post_id = (parse_qs(url.query).get("p") or [None])[0] if url.path in ("", "/") else old_paths.get(_path(href))
        if post_id in published:
            return f"{slugs[post_id]}.md" + (f"#{url.fragment}" if url.fragment else "")
        return urljoin(site + "/", href) if site and not url.netloc else href  # the old site's, as written

    return relink


def _slug(item: Element) -> str:
    """Give the post's slug: its WordPress name (percent-encoded when accented), else its title's."""
    name = slugify(unquote(_text(item, "post_name") or ""))
    slug = name or slugify(_text(item, "title") or "") or f"article-{_text(item, 'post_id') or 'sans-titre'}"
    return slug if not long_slug(slug) else slug[:100].rstrip("-")


def _date(item: Element, zone: ZoneInfo) -> datetime | None:
    """Give the post's date, written in the blog's local time, read in the site's timezone."""
    for name in ("post_date", "post_modified"):
        value = _text(item, name)
        if value and value != _EMPTY_DATE:
            try:
                return datetime.fromisoformat(value).replace(tzinfo=zone)
            except ValueError:
                continue
    return None


def _alt(attachment: Element) -> str:
    """Give the description of an image of the media library: its alternative text, else its
    caption, else its title."""
    for meta in _children(attachment, "postmeta"):
        if _text(meta, "meta_key") == "_wp_attachment_image_alt" and _text(meta, "meta_value"):
            return _text(meta, "meta_value")
    return _plain(_text(attachment, "encoded", "excerpt") or "") or _text(attachment, "title") or ""


def _path(link: str) -> str:
    """Give the path of an old address, as an alias writes it; "" for none."""
    url = urlsplit(link.strip())
    return url.path if url.path.startswith("/") else ""


def _plain(html: str) -> str:
    """Give the text of an excerpt, without its markup, on one line."""
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


def _local(tag: str) -> str:
    """Give an element's name without its namespace: WXR 1.0, 1.1 and 1.2 name theirs apart."""
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    """Give the children of `element` of that local name."""
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str, namespace: str = "") -> Element | None:
    """Give the first child of that local name (and namespace word, like `content`), or None."""
    return next((child for child in element if _local(child.tag) == name and namespace in child.tag), None)


def _text(element: Element, name: str, namespace: str = "") -> str | None:
    """Give the stripped text of the first child of that name, or None."""
    child = _child(element, name, namespace)
    return child.text.strip() if child is not None and child.text is not None else None
