"""The search page in a real browser (headless Chromium, driven over the DevTools protocol): the
results come back from the site's own files alone, served with the headers netlify.toml and the
build's `_headers` give each path (its Content-Security-Policy and content types): what Netlify
will send."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from tornado.websocket import websocket_connect

from hosting import headers_for, site_rules
from support import AMENDE, CYBERATTAQUES, FIXTURE_SITE, build, copy_site

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0"]
RESULTS = "JSON.stringify([...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.getAttribute('href')))"
LOADED = "JSON.stringify(document.readyState === 'complete' && document.styleSheets.length ? ['loaded'] : [])"

pytestmark = pytest.mark.slow

# A post of another quarter than CYBERATTAQUES's (so in another search bundle) that says
# "hôpital" in its body alone.
URGENCES = "/2020/10/les-urgences-s-equipent/"
URGENCES_POST = """---
title: Les urgences s’équipent
date: 2020-10-05T09:00:00+02:00
topic: sante-numerique
tags: [CNIL, RGPD]
---

Chaque hôpital du territoire équipe ses urgences de nouveaux écrans pour suivre les patients.
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built with its index and served on localhost with netlify.toml's
    and its `_headers`' headers; give its origin."""
    root = tmp_path_factory.mktemp("browser")
    output = root / "public"
    site = copy_site(FIXTURE_SITE, root / "site")
    (site / "content" / "posts" / "urgences.md").write_text(URGENCES_POST, "utf-8")
    assert build(site, output, "--no-cache", search=True).code == 0
    rules = site_rules(output)

    class Handler(SimpleHTTPRequestHandler):
        """Serve the output like Netlify: each file with the headers its rules give its path."""

        def netlify_headers(self) -> dict[str, str]:
            """Give the headers of the requested path (its query aside)."""
            return headers_for(unquote(urlsplit(self.path).path), rules)

        def guess_type(self, path) -> str:
            """Give the rules' content type for the path, else the usual guess."""
            return self.netlify_headers().get("content-type") or super().guess_type(path)

        def end_headers(self) -> None:
            """Add the path's other headers to every response."""
            for name, value in self.netlify_headers().items():
                if name != "content-type":  # sent already, from guess_type
                    self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args) -> None:
            """Keep the test's output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def open_in_chromium(visits: list[tuple[str, str]], profile: Path) -> list[tuple[list[str], list[str]]]:
    """Open each `(url, expression)` in turn in one headless Chromium, polling `expression` (a
    JSON list) until it is not empty; give, for each, that list and the errors logged."""
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed")
    process = subprocess.Popen([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stderr:
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found:
                return asyncio.run(_drive(int(found.group(1)), visits))
        pytest.fail("Chromium did not start its DevTools endpoint")
    finally:
        process.kill()
        process.wait()


async def _drive(port: int, visits: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    """Navigate the browser's page to each URL over the DevTools protocol and poll its expression."""
    targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=10).read())
    page = next(target for target in targets if target["type"] == "page")
    socket = await websocket_connect(page["webSocketDebuggerUrl"], max_message_size=1 << 26)
    errors: list[str] = []
    counter = 0

    async def call(method: str, **params) -> dict:
        """Send one command and give its result, noting the errors logged meanwhile."""
        nonlocal counter
        counter += 1
        await socket.write_message(json.dumps({"id": counter, "method": method, "params": params}))
        while True:
            message = json.loads(await socket.read_message())
            if message.get("id") == counter:
                return message.get("result", {})
            entry = message.get("params", {}).get("entry", {})
            if message.get("method") == "Log.entryAdded" and entry.get("level") == "error":
                errors.append(entry.get("text", ""))
            if message.get("method") == "Runtime.exceptionThrown":
                errors.append(json.dumps(message["params"]["exceptionDetails"])[:300])

    await call("Log.enable")
    await call("Runtime.enable")
    outcomes = []
    for url, expression in visits:
        errors = []
        await call("Page.navigate", url=url)
        results: list[str] = []
        for _ in range(80):
            await asyncio.sleep(0.25)
            results = json.loads((await call("Runtime.evaluate", expression=expression, returnByValue=True))["result"]["value"])
            if results:
                break
        await asyncio.sleep(0.25)
        await call("Runtime.evaluate", expression="1")  # read what was logged meanwhile
        outcomes.append((results, errors))
    socket.close()
    return outcomes


def test_search_page_finds_posts_in_a_browser_with_a_strict_csp(served: str, tmp_path: Path) -> None:
    [(results, errors)] = open_in_chromium([(f"{served}/recherche/?q=hopital", RESULTS)], tmp_path / "profile")
    assert results and results[0] == CYBERATTAQUES
    assert errors == []  # a refused load or script is logged as an error


# Once the UI is drawn: the label's `for`, the field's id, and whether the label names the field.
LABEL = ("JSON.stringify((() => { const label = document.querySelector('.search-label'), "
         "field = document.querySelector('#recherche input'); "
         "return field && label && !label.hidden ? [label.htmlFor, field.id, String(label.control === field)] : []; })())")


def test_the_search_label_names_the_field_once_the_script_draws_it(served: str, tmp_path: Path) -> None:
    [(label, errors)] = open_in_chromium([(f"{served}/recherche/", LABEL)], tmp_path / "profile")
    assert label == ["recherche-champ", "recherche-champ", "true"]
    assert errors == []


def test_pages_load_without_a_refusal_under_netlifys_headers(served: str, tmp_path: Path) -> None:
    # One page of each kind: stylesheets, the favicon, JSON-LD, the archives' inline chart.
    urls = ["/", CYBERATTAQUES, "/archives/", "/tags/", "/404.html"]
    outcomes = open_in_chromium([(served + url, LOADED) for url in urls], tmp_path / "profile")
    assert [(url, errors) for url, (_loaded, errors) in zip(urls, outcomes) if errors] == []
    assert all(loaded == ["loaded"] for loaded, _errors in outcomes)


def test_a_query_finds_the_posts_of_every_bundle_title_matches_first(served: str, tmp_path: Path) -> None:
    visits = [(f"{served}/recherche/?q={query}", RESULTS) for query in ("hopitaux", "CNIL")]
    [(hopitaux, errors), (cnil, more_errors)] = open_in_chromium(visits, tmp_path / "profile")
    # Accents folded and French stemming, across the 2021-q1 and 2020-q4 bundles: "hôpitaux"
    # in CYBERATTAQUES's title, "hôpital" in the other's body alone.
    assert hopitaux[:2] == [CYBERATTAQUES, URGENCES]
    assert cnil[0] == AMENDE  # "CNIL" in its title, in the 2020-q4 bundle, not the newest one
    assert errors == [] and more_errors == []
