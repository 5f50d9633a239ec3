"""The search page in a real browser (headless Chromium, driven over the DevTools protocol): the
results come back from the site's own files alone, under a strict Content-Security-Policy."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from support import CYBERATTAQUES, FIXTURE_SITE, build

# What the site can be served with (issue 7): same-origin only, plus WebAssembly for Pagefind and
# the data: icon of Pagefind's stylesheet.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--remote-debugging-port=0"]
RESULTS = "JSON.stringify([...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.getAttribute('href')))"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built with its index and served on localhost with the CSP; give its origin."""
    output = tmp_path_factory.mktemp("browser") / "public"
    assert build(FIXTURE_SITE, output, search=True).code == 0

    class Handler(SimpleHTTPRequestHandler):
        """Serve the output like a static host, with the Content-Security-Policy on every file."""

        def end_headers(self) -> None:
            """Add the policy to every response."""
            self.send_header("Content-Security-Policy", CSP)
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


def open_in_chromium(url: str, profile: Path) -> tuple[list[str], list[str]]:
    """Open `url` in headless Chromium and wait for search results; give them and the errors it logged."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed")
    process = subprocess.Popen([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stderr:
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found:
                return asyncio.run(_drive(int(found.group(1)), url))
        pytest.fail("Chromium did not start its DevTools endpoint")
    finally:
        process.kill()
        process.wait()


async def _drive(port: int, url: str) -> tuple[list[str], list[str]]:
    """Navigate the browser's page to `url` over the DevTools protocol and poll for results."""
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
    await call("Page.navigate", url=url)
    results: list[str] = []
    for _ in range(80):
        await asyncio.sleep(0.25)
        results = json.loads((await call("Runtime.evaluate", expression=RESULTS, returnByValue=True))["result"]["value"])
        if results:
            break
    socket.close()
    return results, errors


def test_search_page_finds_posts_in_a_browser_with_a_strict_csp(served: str, tmp_path: Path) -> None:
    results, errors = open_in_chromium(f"{served}/recherche/?q=hopital", tmp_path / "profile")
    assert results and results[0] == CYBERATTAQUES
    # The only error allowed: the site has no favicon yet.
    assert [error for error in errors if "favicon" not in error and "404" not in error] == []
