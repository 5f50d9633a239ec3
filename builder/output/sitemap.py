"""The sitemap (sitemaps.org protocol) of every public page, and the robots.txt that names it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from builder.core import urls
from builder.core.model import Config, Page
from builder.output.seo import rfc3339

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(pages: list[Page], config: Config) -> Page:
    """Give `/sitemap.xml`, listing once each rendered HTML page but the 404 page, with the
    last change of the posts it shows (drafts and future posts are never rendered unless asked)."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NAMESPACE})
    listed = set()
    for page in pages:
        if page.url == urls.NOT_FOUND or page.url in listed or not page.path.endswith(".html"):
            continue
        listed.add(page.url)
        entry = ET.SubElement(urlset, "url")
        ET.SubElement(entry, "loc").text = urls.absolute(config.base_url, page.url)
        if page.modified is not None:
            ET.SubElement(entry, "lastmod").text = rfc3339(page.modified)
    ET.indent(urlset)
    data = ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
    return Page(urls.SITEMAP, urls.output_path(urls.SITEMAP), data, "sitemap")


def robots(config: Config) -> Page:
    """Give `/robots.txt`: every crawler welcome, and where the sitemap is."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config.base_url, urls.SITEMAP)}\n"
    return Page(urls.ROBOTS, urls.output_path(urls.ROBOTS), text.encode("utf-8"), "robots.txt")
