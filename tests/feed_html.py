"""The HTML that feeds carry, as the tests read it: every HTML field of every feed of a build
(RSS `content:encoded` and `description`, Atom `content` and `summary`, JSON Feed
`content_html`), each parsed, and what active content a parsed field holds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
# Browsers drop tabs and newlines from a URL, and controls and spaces before it.
_SCRIPT_URL = re.compile(r"^[\x00-\x20]*(?:javascript|vbscript):", re.IGNORECASE)
# Attributes that hold a URL a reader's browser may follow or load.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href")


def xml_feeds(output: Path) -> list[Path]:
    """Give every RSS and Atom feed of a build."""
    return sorted(path for path in output.rglob("*.xml") if path.name in ("feed.xml", "atom.xml"))


def html_fields(output: Path) -> list[tuple[str, str]]:
    """Give (where, HTML) for every HTML field of every feed of a build; each XML feed must
    parse (be well-formed) to be read."""
    found = []
    for path in xml_feeds(output):
        root = ET.parse(path).getroot()  # raises on a feed that is not well-formed XML
        name = path.relative_to(output).as_posix()
        tags = (CONTENT, "description") if root.tag == "rss" else (f"{ATOM}content", f"{ATOM}summary")
        found += [(f"{name} <{element.tag}>", _as_html(element)) for tag in tags for element in root.iter(tag)]
    feed = json.loads((output / "feed.json").read_text("utf-8"))
    found += [(f"feed.json {item['id']}", item["content_html"]) for item in feed["items"]]
    return found


def _as_html(element: ET.Element) -> str:
    """Give a field as the HTML a reader shows: an Atom text construct of type `text` (the
    default) is text, shown as if escaped; RSS's fields and the others are HTML."""
    text = element.text or ""
    return escape(text) if element.tag.startswith(ATOM) and element.get("type", "text") == "text" else text


def active_content(html: str) -> list[str]:
    """Give each event handler, script URL and script element that parsed `html` holds."""
    found = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if tag.name == "script":
            found.append(f"<script> {tag}")
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}={value!r}>")
            elif name.lower() in URL_ATTRIBUTES and _SCRIPT_URL.match(re.sub(r"[\t\n\r]", "", str(value))):
                found.append(f"<{tag.name} {name}={value!r}>")
    return found
