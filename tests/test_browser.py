"""The built site in a real browser: headless Chromium (Debian's) driven by Playwright walks
the blog from its home page by clicking links only, and on every page checks what a reader
meets: no script or network error, nothing from another origin, no horizontal scroll on a
phone, no serious accessibility violation (axe-core), and a skip link that leads the
keyboard into the main content. Screenshots of the home page and a post are kept in
test-artifacts/ (not committed) for a person to look at."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support import REPO, build, copy_site

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))  # Debian's, or another build
# We run as root in containers; the networking flags stop Chromium's own background
# connections, which fail (and would be noise) on a machine without Internet access.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
PHONE = {"width": 390, "height": 844}
NARROW_WIDTHS = (390, 320)  # the phone the walk uses, and the narrowest the theme supports
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = ("serious", "critical")  # axe impacts that fail the test
MEASURE = (60, 75)  # characters a line of an article holds on a wide screen
PAGE_WEIGHT_LIMIT = 60 * 1024  # bytes of a post page and its stylesheets and scripts, images aside
GENERATED_POSTS = 5  # older posts added to a copy of the real site, so that the home page has a page 2


def require(available: bool, what: str) -> None:
    """Skip on a developer's machine that lacks `what`; in CI, where .ci/run installs it, fail."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: .ci/run installs it")
    pytest.skip(f"{what} is missing: browser tests skipped (see docs/theme.md, 'Browser tests')")


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module's tests."""
    require(CHROMIUM.is_file(), f"Chromium ({CHROMIUM}; apt-get install chromium)")
    require(AXE.is_file(), f"axe-core ({AXE.relative_to(REPO)}; npm ci)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def generated_post(number: int) -> str:
    """Give an older post with what the real posts lack: code, a table, a quotation, a note, an image."""
    return f"""---
title: "Archive {number} : le dossier \\"patient\\" en pratique"
date: 2020-{9 + number % 2:02d}-{10 + number:02d}T09:00:00+02:00
topic: logiciels-medicaux
tags: [hôpital, sécurité informatique]
summary: "Un article d'archive, avec du code, un tableau et une note."
---

Un article d'archive qui montre ce qu'un article peut contenir : du code, un tableau, une note[^1]
et une image.

## Un extrait de code

```python
def dossier(patient: str) -> dict:
    # Un commentaire : il doit rester lisible.
    return {{"patient": patient, "actes": 3, "ok": True}}
```

## Un tableau

| Lecteur | Prix |
| --- | --- |
| PC/SC | 90 euros |

> « Une citation », dit le médecin.

![Schéma du parcours du patient](schema.svg)

[^1]: Une note de bas de page.
"""


SCHEMA = """<svg xmlns="http://www.w3.org/2000/svg" width="320" height="80" viewBox="0 0 320 80">
<rect x="4" y="4" width="312" height="72" rx="8" fill="#e8f0fa" stroke="#0b5cad"/>
<text x="160" y="46" text-anchor="middle" font-family="sans-serif" font-size="16">Patient → Médecin → Dossier</text>
</svg>
"""


@dataclass(frozen=True)
class Served:
    """A built site and the address it is served at."""

    url: str
    output: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real site, with a few generated older posts, built and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("browser-site") / "site"
    root.mkdir()
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    posts = copy_site(REPO / "content", root / "content") / "posts"
    for number in range(1, GENERATED_POSTS + 1):
        folder = posts / f"archive-{number}"
        folder.mkdir()
        (folder / "index.md").write_text(generated_post(number), "utf-8")
        (folder / "schema.svg").write_text(SCHEMA, "utf-8")
    output = root / "public"
    run = build(root, output, search=True)  # the walk ends on the search page, index included
    assert run.code == 0, run.stderr
    handler = functools.partial(_QuietHandler, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", output)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serve the built files without logging every request to stderr."""

    def log_message(self, format: str, *args) -> None:
        """Say nothing."""


@dataclass
class Visit:
    """What one page did while it loaded and was checked."""

    url: str
    problems: list[str] = field(default_factory=list)


class Walker:
    """A reader with a phone-sized browser tab: follows links by clicking them and checks
    every page it reaches."""

    def __init__(self, browser, base: str) -> None:
        """Open a tab on the site at `base` that notes every problem against the page visited."""
        self.base = base
        self.context = browser.new_context(viewport=PHONE, locale="fr-FR")
        self.page = self.context.new_page()
        self.visits: list[Visit] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._problem(f"script error: {error}"))
        self.page.on("requestfailed", lambda request: self._problem(f"request failed: {request.url} ({request.failure})"))
        self.page.on("response", self._response)

    def _problem(self, message: str) -> None:
        """Note a problem against the page being visited."""
        if self.visits:
            self.visits[-1].problems.append(message)

    def _console(self, message) -> None:
        """Note console errors and warnings."""
        if message.type in ("error", "warning"):
            self._problem(f"console {message.type}: {message.text}")

    def _response(self, response) -> None:
        """Note failed, redirected and foreign responses (304 is a cache revalidated: fine)."""
        if not response.url.startswith(self.base + "/"):
            self._problem(f"loaded from another origin: {response.url}")
        if response.status >= 300 and response.status != 304:  # a redirect: a link without its final slash
            self._problem(f"HTTP {response.status}: {response.url}")

    def open(self, url: str) -> None:
        """Open the first page by its URL: the only page not reached by a click."""
        self.visits.append(Visit(url))
        self.page.goto(self.base + url)
        self.check()

    def click(self, selector: str, description: str) -> str:
        """Click the first link matching `selector`, wait for the new page, check it; give its path."""
        link = self.page.locator(selector).first
        assert link.count(), f"{self.path()}: no link for {description} ({selector})"
        self.visits.append(Visit(f"(following {description})"))  # what loads from now on is the new page's
        with self.page.expect_navigation():
            link.click()
        self.visits[-1].url = self.path()
        self.check()
        return self.path()

    def path(self) -> str:
        """Give the current page's path, without the fragment the skip link adds."""
        return urlsplit(self.page.url).path

    def check(self) -> None:
        """Check the page reached: keyboard first (nothing has moved the focus yet), then
        layout, then accessibility in both colour schemes."""
        self.page.wait_for_load_state("load")
        self._skip_link()
        for width in NARROW_WIDTHS:
            self.page.set_viewport_size({**PHONE, "width": width})
            scroll = self.page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if scroll[0] > scroll[1]:
                self._problem(f"horizontal scroll at {width} px: content is {scroll[0]} px wide")
        self.page.set_viewport_size(PHONE)
        self.page.add_script_tag(path=str(AXE))
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            # Both schemes for contrast; every rule once, in the light scheme.
            options = "{}" if scheme == "light" else "{runOnly: ['color-contrast']}"
            violations = self.page.evaluate(f"async () => (await axe.run(document, {options})).violations")
            for violation in violations:
                if violation["impact"] in BLOCKING:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    self._problem(f"axe ({scheme}) {violation['impact']}: {violation['id']}: {violation['help']} {targets}")
        self.page.emulate_media(color_scheme="light")

    def _skip_link(self) -> None:
        """Tab: the skip link is focused first and shows; Enter: the focus is in the main content."""
        page = self.page
        page.keyboard.press("Tab")
        focused = page.evaluate("(() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
                                " return {href: e.getAttribute('href'), text: e.textContent, top: r.top, height: r.height}; })()")
        if focused["href"] != "#contenu" or focused["top"] < 0 or focused["height"] == 0:
            self._problem(f"first Tab does not show the skip link: {focused}")
            return
        page.keyboard.press("Enter")
        if page.evaluate("document.activeElement.id") != "contenu":
            self._problem("Enter on the skip link does not move the focus to <main>")
        page.keyboard.press("Tab")
        if not page.evaluate("!!document.activeElement.closest('main')"):
            self._problem("Tab after the skip link leaves the main content")
        page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")

    def screenshot(self, name: str) -> None:
        """Save the whole page at phone and desktop widths in test-artifacts/."""
        ARTIFACTS.mkdir(exist_ok=True)
        for label, size in (("mobile", PHONE), ("desktop", DESKTOP)):
            self.page.set_viewport_size(size)
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        self.page.set_viewport_size(PHONE)

    def characters_per_line(self) -> float:
        """Give how many characters of the post's first paragraph a line holds on a desktop:
        the paragraph's width over the mean width of its characters in its own font."""
        self.page.set_viewport_size(DESKTOP)
        count = self.page.evaluate("""(() => {
            const paragraph = document.querySelector('main .post-body p');
            const context = document.createElement('canvas').getContext('2d');
            context.font = getComputedStyle(paragraph).font;
            const text = paragraph.textContent;
            return paragraph.clientWidth / (context.measureText(text).width / text.length);
        })()""")
        self.page.set_viewport_size(PHONE)
        return count

    def weight(self) -> int:
        """Give the bytes of the current page, its stylesheets and its scripts, as the browser
        counts them (decoded, whether from the network or its cache)."""
        return self.page.evaluate("""[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
            .filter(entry => entry.entryType === 'navigation' || /\\.(css|js)$/.test(new URL(entry.name).pathname))
            .reduce((total, entry) => total + entry.decodedBodySize, 0)""")


def test_a_reader_walks_the_site_by_links_and_every_page_passes(browser, served: Served) -> None:
    walker = Walker(browser, served.url)
    walker.open("/")
    walker.screenshot("home")

    post = walker.click("main .post-card h2 a", "the newest post")
    walker.screenshot("post")
    weight, measure = walker.weight(), walker.characters_per_line()
    assert weight < PAGE_WEIGHT_LIMIT, f"{post} weighs {weight} bytes with its stylesheets and scripts"
    assert MEASURE[0] <= measure <= MEASURE[1], f"{post}: {measure:.0f} characters a line"

    tag = walker.click("main article.post .tags a", "one of the post's tags")
    assert walker.page.locator(f"main a[href='{post}']").count(), f"the tag page {tag} does not list {post}"

    walker.click(".topics-nav a", "a topic in the header")
    walker.click("footer a[href='/archives/']", "the archives")
    walker.click("main .archive-year li a", "an archive month")

    walker.click(".site-name a", "the home page")
    walker.click("main .pagination a[rel='next']", "the next page of the home page")
    older = walker.click("main .post-card h2 a", "an older post, with code, a table and an image")
    walker.screenshot("older-post")
    assert walker.page.locator("main pre.highlight").count(), f"{older} has no highlighted code"

    walker.click("a[href='/recherche/']", "the search page")
    # A query without accents finds the post about hospitals, in the page as a reader sees it.
    walker.page.fill(".pagefind-ui__search-input", "hopital")
    walker.page.wait_for_selector(".pagefind-ui__result a", timeout=10_000)
    results = walker.page.locator(".pagefind-ui__result-link").all_inner_texts()
    assert any("hôpitaux" in title for title in results), results

    walker.context.close()
    report = [f"{visit.url}: {problem}" for visit in walker.visits for problem in visit.problems]
    assert report == [], "\n".join(report)
    assert len(walker.visits) >= 9
