"""Helpers for the editors' workflow tests (`blog new`, `init`, `check`, `serve`): the
editor fixture site, `blog` run in-process, problem lines parsed, and a `blog serve`
subprocess with a livereload client to drive it."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from builder.cli import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
EDITOR_SITE = TESTS / "fixtures" / "editor_site"
POSTS = Path("content") / "posts"

# The editor site's posts: two published, a draft and one dated in 2099.
PREMIER = "/2021/02/premier-article/"
SECOND = "/2021/03/second-article/"
DRAFT = "/2021/03/un-brouillon-en-cours/"
SCHEDULED = "/2099/01/un-article-programme/"

# A moment after the published posts and before the scheduled one, for reproducible builds.
NOW = "2026-11-28T12:00:00+01:00"
# 2021-03-01T12:00:00Z, i.e. 13:00 in Paris (winter time).
EPOCH_WINTER = "1614600000"
# 2021-07-01T12:00:00Z, i.e. 14:00 in Paris (summer time).
EPOCH_SUMMER = "1625140800"

PROBLEM_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.+)$")


@dataclass(frozen=True)
class Run:
    """What one in-process run of `blog` gave: its exit code and what it printed."""

    code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Reported:
    """One `path:line:col: severity: message` line, its path resolved."""

    path: Path
    line: int
    col: int
    severity: str
    message: str


def blog(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    """Run `blog` in-process with its own streams and environment (empty unless given)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], env=env if env is not None else {}, stdout=stdout, stderr=stderr)
    return Run(int(code), stdout.getvalue(), stderr.getvalue())


def copy_editor_site(target: Path) -> Path:
    """Copy the editor fixture site to `target` (which must not exist) and give it."""
    shutil.copytree(EDITOR_SITE, target)
    return target


def write_files(site: Path, files: dict[str, str]) -> None:
    """Write each `relative path: text` into the site, folders made as needed."""
    for relative, text in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def parse_problems(text: str, cwd: Path | None = None) -> list[Reported]:
    """Give the problem lines of `text`, paths resolved from `cwd` (default: the working folder)."""
    base = cwd or Path.cwd()
    found = []
    for line in text.splitlines():
        match = PROBLEM_LINE.match(line)
        if match:
            found.append(Reported((base / match["path"]).resolve(), int(match["line"]), int(match["col"]),
                                  match["severity"], match["message"]))
    return found


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Give every file under `folder` with its bytes, to compare a tree before and after."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def file_for(output: Path, url: str) -> Path:
    """Give the file of a built site that serves `url` (pretty URLs: folder/index.html)."""
    relative = url.lstrip("/")
    return output / (relative + "index.html" if url.endswith("/") else relative)


def soup_of(html: str) -> BeautifulSoup:
    """Parse a page with the standard library's parser."""
    return BeautifulSoup(html, "html.parser")


def wait_until(predicate: Callable[[], object], timeout: float = 5.0, interval: float = 0.05) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds have passed; give its last verdict."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return bool(predicate())
        time.sleep(interval)


def children_of(pid: int) -> set[int]:
    """Give the ids of the live processes whose parent is `pid` (Linux /proc; empty elsewhere)."""
    found = set()
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone while we looked
            continue
        # `pid (comm) state ppid ...`: comm may hold spaces, so split after its last ")".
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def pid_alive(pid: int) -> bool:
    """Tell whether a process with this id still exists (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Served:
    """A `blog serve --port 0` subprocess; its output lines are gathered by reader threads."""

    def __init__(self, site: Path, *extra: str, startup: float = 10.0) -> None:
        self.site = site
        self.lines: list[str] = []
        self.errors: list[str] = []
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("SOURCE_DATE_EPOCH", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--source", str(site), "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            cwd=site.parent, env=env)
        self._readers = [threading.Thread(target=self._read, args=(stream, into), daemon=True)
                         for stream, into in ((self.process.stdout, self.lines), (self.process.stderr, self.errors))]
        for reader in self._readers:
            reader.start()
        serving = self.wait_for_line(r"^Serving http://127\.0\.0\.1:(\d+)/ ", startup)
        if not serving:
            self.__exit__()
            raise AssertionError(f"`blog serve` did not start:\n{self.output}\n{self.stderr}")
        self.port = int(re.match(r"^Serving http://127\.0\.0\.1:(\d+)/ ", serving)[1])

    @staticmethod
    def _read(stream, into: list[str]) -> None:
        """Append each line of `stream` to `into` until it closes."""
        for line in stream:
            into.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        """Give stdout so far."""
        return "\n".join(self.lines)

    @property
    def stderr(self) -> str:
        """Give stderr so far."""
        return "\n".join(self.errors)

    def wait_for_line(self, pattern: str, timeout: float = 5.0, after: int = 0) -> str | None:
        """Give the first stdout line from index `after` on that matches `pattern`, waiting for it."""
        found: list[str] = []

        def seen() -> bool:
            found[:] = [line for line in self.lines[after:] if re.search(pattern, line)]
            return bool(found)

        return found[0] if wait_until(seen, timeout) else None

    def count(self, pattern: str, after: int = 0) -> int:
        """Give how many stdout lines from index `after` on match `pattern`."""
        return sum(1 for line in self.lines[after:] if re.search(pattern, line))

    def get(self, path: str) -> tuple[int, str]:
        """Fetch `path` from the server; give the status and the body as text."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def stop(self, number: signal.Signals = signal.SIGINT, timeout: float = 10.0) -> int:
        """Send `number` and give the exit code once the process and its output have ended."""
        self.process.send_signal(number)
        code = self.process.wait(timeout)
        for reader in self._readers:
            reader.join(timeout)
        return code

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process.poll() is None:  # a failed test must not leave a server behind
            self.process.kill()
            self.process.wait(10)


def port_closed(port: int) -> bool:
    """Tell whether nothing accepts connections on 127.0.0.1:port any more."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


class LiveReloadClient:
    """A browser's livereload side over a websocket: hello, info, then collect messages.
    Tornado's client runs on its own event loop in a thread, so tests stay synchronous."""

    PROTOCOL = "http://livereload.com/protocols/official-7"

    def __init__(self, port: int, page_url: str) -> None:
        from tornado.websocket import websocket_connect  # installed with livereload

        self.messages: list[dict] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

        async def connect():
            return await websocket_connect(f"ws://127.0.0.1:{port}/livereload")

        self._connection = self._call(connect())
        self._send({"command": "hello", "protocols": [self.PROTOCOL]})
        self._reader = asyncio.run_coroutine_threadsafe(self._read(), self._loop)
        assert wait_until(lambda: any(m.get("command") == "hello" for m in self.messages)), \
            f"no hello from the livereload server: {self.messages}"
        self._send({"command": "info", "url": page_url})

    def _call(self, coroutine, timeout: float = 5.0):
        """Run a coroutine on the client's loop and give its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def _send(self, message: dict) -> None:
        """Send one JSON message."""
        async def send():
            await self._connection.write_message(json.dumps(message))

        self._call(send())

    async def _read(self) -> None:
        """Collect every message until the connection closes."""
        while True:
            text = await self._connection.read_message()
            if text is None:
                return
            self.messages.append(json.loads(text))

    def reloads(self) -> int:
        """Give how many reload commands have arrived."""
        return sum(1 for message in self.messages if message.get("command") == "reload")

    def close(self) -> None:
        """Close the connection and stop the client's loop."""
        async def close():
            self._connection.close()

        try:
            self._call(close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
