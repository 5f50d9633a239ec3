"""`blog serve`: build, serve with live reload, rebuild only what changed, show errors in the page."""

from __future__ import annotations

import html
import ipaddress
import mimetypes
import os
import re
import signal
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO
from urllib.parse import quote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import httpserver, ioloop, netutil, web

from builder.build import BuildOptions, Memo, build
from builder.content.config import CONFIG_NAME
from builder.core.errors import BuildFailed, counted
from builder.core.parallel import default_jobs

POLL_SECONDS = 0.25
QUIET_SECONDS = 0.3  # wait for this long without a change, so a burst of saves rebuilds once
WATCHED = (CONFIG_NAME, "content", "templates", "static")
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)
_SKIPPED_NAME = re.compile(r"^\.|~$|\.sw[px]$|^#.*#$")  # hidden files and editors' temporaries
# The names of this machine that a preview bound to a loopback address answers to, besides its own.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
# A `Host` header: a name or an address, IPv6 in brackets, then maybe a port.
_HOST = re.compile(r"^(?P<name>\[[0-9a-f:.]+\]|[^:\[\]]+)(?::\d{1,5})?$")
# A location on this site: one slash, not followed by another (`//host` and `/\host` lead
# browsers to another site), and no backslash, space or control character anywhere.
_OWN_LOCATION = re.compile(r"^/(?![/\\])[^\x00-\x20\x7f\\]*$")
REFUSED_HOST = 421  # Misdirected Request: this server does not answer for that name


@dataclass
class Preview:
    """A site being previewed: rebuilt into a folder, with the problems of the last build."""

    site_root: Path
    output: Path
    log: Callable[[str], None]
    memo: Memo = field(default_factory=Memo)
    errors: tuple[str, ...] = ()
    built_once: bool = False

    def rebuild(self) -> bool:
        """Build drafts and future posts too; on failure keep the last good site and its
        files, and remember the problems to show. Give whether it succeeded."""
        started = time.perf_counter()
        try:
            # Never indexed for search: no edit waits for Pagefind.
            options = BuildOptions(drafts=True, future=True, jobs=default_jobs(), cache=True, search=False)
            report = build(self.site_root, self.output, options, self.memo)
        except BuildFailed as failure:
            self.errors = tuple(problem.format() for problem in failure.problems)
            for line in self.errors:
                self.log(line)
            self.log(f"build failed: {counted(len(self.errors), 'problem')}; still serving the last good site")
            return False
        except Exception as error:  # a bug must not stop the preview: say it, keep serving
            self.errors = (f"{self.site_root}: internal error: {type(error).__name__}: {error}",)
            self.log(self.errors[0])
            return False
        self.errors, self.built_once = (), True
        for warning in report.warnings:
            self.log(warning.format())
        way = "the quick way" if report.fast_path else f"the whole way: {report.fast_path_not_because}"
        self.log(f"built: {report.rendered} of {report.pages} pages rendered, {report.written} written "
                 f"in {time.perf_counter() - started:.2f} s ({way})")
        return True


def snapshot(site_root: Path) -> dict[str, tuple[int, int]]:
    """Give (mtime, size) of every watched file; editors' temporary files are left out."""
    found = {}
    for name in WATCHED:
        top = site_root / name
        if top.is_file():
            info = top.stat()
            found[str(top)] = (info.st_mtime_ns, info.st_size)
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in files:
                if not _SKIPPED_NAME.search(file):
                    path = os.path.join(folder, file)
                    try:
                        info = os.stat(path)
                    except FileNotFoundError:  # deleted while we looked
                        continue
                    found[path] = (info.st_mtime_ns, info.st_size)
    return found


class Rebuilder:
    """Poll the sources; after a quiet spell, rebuild in a worker thread, then tell browsers."""

    def __init__(self, preview: Preview, loop: ioloop.IOLoop) -> None:
        self.preview = preview
        self.loop = loop
        self.seen = snapshot(preview.site_root)
        self.pending: set[str] = set()
        self.last_change = 0.0
        self.running: Future | None = None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild")
        self.timer = ioloop.PeriodicCallback(self.poll, POLL_SECONDS * 1000)

    def start(self) -> None:
        """Start polling."""
        self.timer.start()

    def poll(self) -> None:
        """Note what changed; start a rebuild once changes have settled and none is running."""
        now = snapshot(self.preview.site_root)
        changed = {path for path in now.keys() | self.seen.keys() if now.get(path) != self.seen.get(path)}
        self.seen = now
        if changed:
            self.pending |= changed
            self.last_change = time.monotonic()
        settled = time.monotonic() - self.last_change >= QUIET_SECONDS
        if self.pending and settled and self.running is None:
            self.preview.log(f"{counted(len(self.pending), 'file')} changed, rebuilding")
            self.pending = set()
            self.running = self.worker.submit(self.preview.rebuild)
            self.running.add_done_callback(lambda _: self.loop.add_callback(self.done))

    def done(self) -> None:
        """Reload the browsers: they show the new pages, or the error banner."""
        self.running = None
        LiveReloadHandler.reload_waiters("*")

    def stop(self) -> None:
        """Stop polling and wait for a running build, so no output is left half-written."""
        self.timer.stop()
        self.worker.shutdown(wait=True)


def allowed_hosts(bound: str) -> frozenset[str] | None:
    """Give the names (`Host` headers, port aside) a preview bound to the address `bound`
    answers to: bound to a loopback address, the loopback names and its own, so that a web page
    elsewhere cannot reach it by rebinding its own name to 127.0.0.1; None (any) otherwise."""
    name = bound.lower().strip("[]")
    try:
        loopback = ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = name == "localhost"
    if not loopback:
        return None
    return LOOPBACK_NAMES | {f"[{name}]" if ":" in name else name}


def host_allowed(host: str, allowed: frozenset[str] | None) -> bool:
    """Tell whether a `Host` header (or an origin's host and port) names this server."""
    if allowed is None:
        return True
    match = _HOST.match(host.lower())
    return match is not None and match["name"] in allowed


def folder_location(root: Path, folder: Path) -> str:
    """Give the URL of a folder of the output (resolved, inside `root`), with its slash: the
    location to redirect to, made of the folder's own path, never of the request's bytes."""
    relative = folder.relative_to(root).as_posix()
    return "/" if relative == "." else f"/{quote(relative)}/"


class LocalOnly(web.RequestHandler):
    """A handler that answers only requests naming this server (see `allowed_hosts`)."""

    def prepare(self) -> None:
        """Refuse a request whose `Host` names another server."""
        if not host_allowed(self.request.host, self.settings["allowed_hosts"]):
            self.set_status(REFUSED_HOST)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish("Hôte refusé : cet aperçu ne répond qu’à son propre nom (localhost).\n".encode())


class ReloadHandler(LocalOnly, LiveReloadHandler):
    """The live-reload websocket, for pages of this server alone."""

    def check_origin(self, origin: str) -> bool:
        """Accept a connection from a page of this server (by name, on a loopback address)."""
        allowed = self.settings["allowed_hosts"]
        if allowed is None:
            return super(LiveReloadHandler, self).check_origin(origin)  # the same host, as Tornado checks it
        return host_allowed(urlsplit(origin).netloc, allowed)


class ReloadScriptHandler(LocalOnly, LiveReloadJSHandler):
    """The live-reload script, for pages of this server alone."""


class PageHandler(LocalOnly):
    """Serve the built files like a static host would, with the live-reload script and,
    after a failed build, the error banner in every HTML page."""

    def initialize(self, preview: Preview) -> None:
        """Keep the preview whose files this serves."""
        self.preview = preview

    def get(self, relative: str) -> None:
        """Answer a GET with the file for `relative` (the path, decoded), its folder's
        index.html, or 404.html."""
        root = self.preview.output.resolve()
        if "\0" in relative or not self.preview.built_once:
            return self._send(500 if self.preview.errors else 503, b"<!DOCTYPE html><html><head></head><body></body></html>", "text/html")
        target = (root / relative).resolve()
        if not target.is_relative_to(root):
            return self._not_found(root)
        if target.is_dir():
            if relative and not relative.endswith("/"):
                location = folder_location(root, target)
                if not _OWN_LOCATION.match(location):  # never a location that leads elsewhere
                    return self._not_found(root)
                return self.redirect(location, permanent=True)
            target = target / "index.html"
        if not target.is_file():
            return self._not_found(root)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, target.read_bytes(), kind)

    def _not_found(self, root: Path) -> None:
        """Answer with the site's 404 page."""
        page = root / "404.html"
        self._send(404, page.read_bytes() if page.is_file() else b"<html><head></head><body>404</body></html>", "text/html")

    def _send(self, status: int, data: bytes, kind: str) -> None:
        """Send a response that is never cached; HTML gets the reload script and the banner."""
        if kind == "text/html":
            data = decorate(data, self.preview.errors, self.request.host.rsplit(":", 1)[-1])
            kind = "text/html; charset=utf-8"
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.write(data)


def decorate(page: bytes, errors: tuple[str, ...], port: str) -> bytes:
    """Add the live-reload client to a page and, when the last build failed, a banner that
    lists its problems at the top of the body."""
    script = (f'<script src="/livereload.js?port={html.escape(port)}"></script>').encode()
    page = page.replace(b"</head>", script + b"</head>", 1) if b"</head>" in page else script + page
    if not errors:
        return page
    lines = "\n".join(html.escape(line) for line in errors)
    banner = (
        '<div role="alert" id="blog-build-error" style="position:sticky;top:0;z-index:1000;margin:0;'
        "padding:0.75rem 1rem;background:#8b0000;color:#fff;font:14px/1.4 ui-monospace,monospace;"
        'white-space:pre-wrap">'
        f"<strong>La construction a échoué ; la page montre la dernière version réussie.</strong>\n{lines}</div>"
    ).encode()
    match = _BODY.search(page)
    return page[: match.end()] + banner + page[match.end():] if match else banner + page


def serve(site_root: Path, output: Path, host: str, port: int, out: TextIO) -> None:
    """Build, serve on host:port (0 picks a free port) until Ctrl-C or SIGTERM, rebuilding on changes."""
    def log(line: str) -> None:
        print(line, file=out, flush=True)

    preview = Preview(site_root, output, log)  # its first build goes on from the last preview's ledger
    preview.rebuild()
    loop = ioloop.IOLoop.current()
    LiveReloadHandler.watcher = Watcher()  # the library logs its `filepath`; we poll ourselves
    LiveReloadHandler.live_css = False
    app = web.Application([
        (r"/livereload", ReloadHandler),
        (r"/livereload.js", ReloadScriptHandler),
        (r"/(.*)", PageHandler, {"preview": preview}),
    ], log_function=lambda handler: None, allowed_hosts=allowed_hosts(host))
    sockets = netutil.bind_sockets(port, host)
    server = httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    rebuilder = Rebuilder(preview, loop)
    rebuilder.start()
    for number in (signal.SIGINT, signal.SIGTERM):  # set both: a background job ignores SIGINT
        loop.asyncio_loop.add_signal_handler(number, loop.stop)
    bound = sockets[0].getsockname()[1]
    log(f"Serving http://{host}:{bound}/ with drafts and future posts; Ctrl-C to stop")
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        rebuilder.stop()
        log("stopped")
