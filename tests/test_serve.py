"""`blog serve` previews the site, drafts and future posts marked, rebuilds what an edit
affects, tells browsers to reload, keeps serving the last good site with an error banner
while the sources are broken, and stops cleanly. Each test drives the real command."""

from __future__ import annotations

import base64
import http.client
import os
import re
import signal
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor_support import (DRAFT, POSTS, PREMIER, SCHEDULED, SECOND, LiveReloadClient, Served, blog, children_of,
                            copy_editor_site, pid_alive, port_closed, soup_of, tree_bytes, wait_until)

BANNER = {"role": "alert", "id": "blog-build-error"}
BUILT = re.compile(r"^built: (\d+) of (\d+) pages rendered, (\d+) written")


def banner_text(page: str) -> str | None:
    """Give the text of a page's build-error banner, or None when it has none."""
    banner = soup_of(page).find("div", attrs=BANNER)
    return None if banner is None else banner.get_text()


def main_text(page: str) -> str:
    """Give the text of a page's main content."""
    return soup_of(page).main.get_text(" ")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the editor fixture site that the test may change."""
    return copy_editor_site(tmp_path / "site")


def test_serve_previews_drafts_and_future_posts_marked_and_leaves_public_alone(site: Path) -> None:
    (site / "public").mkdir()
    (site / "public" / "index.html").write_text("le site publié\n", "utf-8")
    with Served(site) as served:
        assert served.port not in (0, 8000)
        pages = {url: served.get(url) for url in ("/", PREMIER, DRAFT, SCHEDULED)}
        assert {url: status for url, (status, _) in pages.items()} == dict.fromkeys(pages, 200)
        assert "Brouillon" in main_text(pages[DRAFT][1])
        assert "Programmé" in main_text(pages[SCHEDULED][1])
        assert "Brouillon" not in main_text(pages[PREMIER][1]) and "Programmé" not in main_text(pages[PREMIER][1])
        home_links = {a["href"] for a in soup_of(pages["/"][1]).find_all("a", href=True)}
        assert {DRAFT, SCHEDULED, PREMIER, SECOND} <= home_links
        assert served.get("/nulle-part/")[0] == 404
        assert served.stop(signal.SIGTERM) == 0
    assert served.lines[-1] == "stopped"
    assert (site / ".cache" / "serve" / "index.html").is_file()  # serve's default output
    assert tree_bytes(site / "public") == {"index.html": "le site publié\n".encode()}


@pytest.mark.slow
def test_serve_reloads_an_edit_and_shows_a_broken_post_as_a_banner_until_fixed(site: Path) -> None:
    post = site / POSTS / "premier-article.md"
    original = post.read_text("utf-8")
    with Served(site) as served:
        status, page = served.get(PREMIER)
        assert status == 200 and "Texte d’origine" in main_text(page)
        browser = LiveReloadClient(served.port, f"http://127.0.0.1:{served.port}{PREMIER}")

        # An edit: the new text is served, browsers reload, and only what it affects is redone.
        mark = len(served.lines)
        edited = original.replace("Texte d’origine", "Texte revu")
        post.write_text(edited, "utf-8")
        assert wait_until(lambda: "Texte revu" in served.get(PREMIER)[1] and browser.reloads() == 1), served.output
        built = BUILT.match(served.wait_for_line(BUILT.pattern, after=mark) or "")
        assert built, served.output
        rendered, total, written = map(int, built.groups())
        assert 0 < rendered < total and 0 < written < total

        # Broken YAML: the last good page stays, with a banner that holds the printed problem line.
        mark = len(served.lines)
        post.write_text(edited.replace("tags: [CNIL, RGPD]", "tags: CNIL: RGPD"), "utf-8")
        problem = served.wait_for_line(r"content/posts/premier-article\.md:5:\d+: error: invalid YAML", after=mark)
        assert problem, served.output
        assert wait_until(lambda: browser.reloads() == 2), browser.messages
        for url in (PREMIER, "/", SECOND):
            status, page = served.get(url)
            assert status == 200
            assert problem in (banner_text(page) or ""), url
        assert "Texte revu" in main_text(served.get(PREMIER)[1])
        assert served.get("/nulle-part/")[0] == 404 and banner_text(served.get("/nulle-part/")[1])

        # Fixed: the banner goes, the fixed page is served.
        post.write_text(edited.replace("Texte revu", "Texte corrigé"), "utf-8")
        assert wait_until(lambda: "Texte corrigé" in served.get(PREMIER)[1] and browser.reloads() == 3)
        assert banner_text(served.get(PREMIER)[1]) is None and banner_text(served.get("/")[1]) is None

        # Ctrl-C, with a browser still connected: exit code 0, `stopped`, nothing left running.
        children = children_of(served.process.pid)
        try:
            assert served.stop(signal.SIGINT) == 0
        finally:
            browser.close()
    assert served.lines[-1] == "stopped"
    assert not pid_alive(served.process.pid)
    assert not any(pid_alive(child) for child in children)
    assert port_closed(served.port)


def request(port: int, path: str, host: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    """Send one GET with exactly this path and `Host` (default: the server's address) over raw
    HTTP; give the status and the headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def websocket_upgrade(port: int, host: str | None = None, origin: str | None = None) -> int:
    """Ask for the live-reload websocket as a browser would; give the status (101: accepted)."""
    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    return request(port, "/livereload", host, {**headers, **({"Origin": origin} if origin else {})})[0]


# A location on the server's own site: one slash, not followed by another (`//evil.com` and
# `/\evil.com` lead browsers away), no backslash, space or control character.
OWN_LOCATION = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")
# Paths whose folder redirect once echoed the request (`/\evil.com/../`), which browsers follow
# to another site: backslashes, doubled slashes, tabs and newlines, encoded once or twice.
HOSTILE_PATHS = ["/%5Cevil.com%2F..", "/%5C%5Cevil.com%2F..", "/%2F%2Fevil.com%2F..", "//evil.com/..",
                 "/\\evil.com/..", "/%5Cevil.com/..", "/%09/evil.com/..", "/%0A/evil.com%2F..", "/%0D%0A//evil.com/..",
                 "/%255Cevil.com%252F..", "/.%2F%5Cevil.com%2F..", "/%E2%80%AE/evil.com/.."]


def test_serve_redirects_only_to_its_own_pages(site: Path) -> None:
    with Served(site) as served:
        status, headers = request(served.port, PREMIER.rstrip("/"))
        assert (status, headers.get("location")) == (301, PREMIER)
        for path in HOSTILE_PATHS:
            status, headers = request(served.port, path)
            location = headers.get("location")
            if location is not None:
                assert OWN_LOCATION.fullmatch(location), (path, status, location)
            assert status in (200, 301, 400, 404), (path, status)
        assert served.stop() == 0


# Pieces of paths, raw and encoded once or twice, to mix with the site's own folders.
PATH_PIECES = st.sampled_from(["/", "//", "\\", "%5C", "%5c", "%2F", "%2f", "..", ".", "%2E%2E", "%2e", "evil.com",
                               "@evil.com", "%09", "%0A", "%0D", "%00", "%20", "%25", "%255C", "%252F", "%E2%80%AE",
                               "2021", "02", "premier-article", "tags", "%C3%A9", "?x=/evil.com", ";", ":"])

# Ends that lead back up to a folder, which the server redirects to (with its slash).
PATH_ENDS = st.sampled_from(["", "/..", "%2F..", "/%2E%2E", "%5C..", "/../.."])


@pytest.mark.slow
def test_serve_never_redirects_to_another_site_whatever_the_path(site: Path) -> None:
    with Served(site) as served:
        @settings(max_examples=400, deadline=None, database=None)
        @given(st.lists(PATH_PIECES, min_size=1, max_size=6).map("".join), PATH_ENDS)
        def answers(middle: str, end: str) -> None:
            tail = middle + end
            status, headers = request(served.port, "/" + tail)
            location = headers.get("location")
            assert location is None or OWN_LOCATION.fullmatch(location), (tail, location)
            assert status in (200, 301, 400, 404, 503), (tail, status)  # 503: a NUL, refused before the file is sought

        answers()
        assert served.get(PREMIER)[0] == 200
        assert served.stop() == 0


ALLOWED_HOSTS = ["localhost", "localhost:{port}", "LocalHost:{port}", "127.0.0.1", "127.0.0.1:{port}", "[::1]",
                 "[::1]:{port}", "localhost:8080"]
# DNS rebinding: a page of another site whose name is made to lead to 127.0.0.1 sends its own name.
REFUSED_HOSTS = ["evil.com", "evil.com:{port}", "127.0.0.1.evil.com:{port}", "localhost.evil.com", "localhost.",
                 "[::2]:{port}", "0.0.0.0:{port}", "localhost:{port}@evil.com", "evil.com#localhost"]


def test_serve_on_a_loopback_address_answers_only_to_its_own_names(site: Path) -> None:
    with Served(site) as served:
        for host in (template.format(port=served.port) for template in ALLOWED_HOSTS):
            for path in ("/", PREMIER, "/livereload.js", "/nulle-part/"):
                assert request(served.port, path, host)[0] in (200, 404), (host, path)
            assert websocket_upgrade(served.port, host) == 101, host
        for host in (template.format(port=served.port) for template in REFUSED_HOSTS):
            for path in ("/", PREMIER, "/livereload.js", "/nulle-part/", PREMIER.rstrip("/")):
                assert request(served.port, path, host)[0] in (400, 421), (host, path)
            assert websocket_upgrade(served.port, host) in (400, 421), host
        assert served.get(PREMIER)[0] == 200
        assert served.stop() == 0


def test_the_live_reload_socket_accepts_only_pages_of_the_preview(site: Path) -> None:
    with Served(site) as served:
        for origin in (f"http://127.0.0.1:{served.port}", f"http://localhost:{served.port}", "http://[::1]:8000"):
            assert websocket_upgrade(served.port, origin=origin) == 101, origin
        for origin in ("http://evil.com", f"http://evil.com:{served.port}", "null", "https://localhost.evil.com"):
            assert websocket_upgrade(served.port, origin=origin) == 403, origin
        assert served.stop() == 0


def test_ten_files_saved_at_once_rebuild_once(site: Path) -> None:
    with Served(site) as served:
        mark = len(served.lines)
        for number in range(10):
            (site / POSTS / f"lot-{number}.md").write_text(
                f"---\ntitle: Article du lot {number}\ndate: 2021-04-{number + 1:02d}T09:00:00+02:00\n"
                f"topic: securite\n---\n\nLe texte {number}.\n", "utf-8")
        assert served.wait_for_line(r"^built: ", after=mark), served.output
        # One more save, once the burst is built: its own rebuild proves the burst's is over.
        post = site / POSTS / "premier-article.md"
        post.write_text(post.read_text("utf-8") + "\nUne ligne de plus.\n", "utf-8")
        assert wait_until(lambda: "Une ligne de plus" in served.get(PREMIER)[1]), served.output
        assert served.get("/2021/04/article-du-lot-3/")[0] == 200
        rebuilding = [line for line in served.lines[mark:] if "rebuilding" in line]
        assert rebuilding == ["10 files changed, rebuilding", "1 file changed, rebuilding"], served.output
        assert served.stop() == 0


def test_broken_template_keeps_serving_with_the_banner_until_fixed(site: Path, tmp_path: Path) -> None:
    template = site / "templates" / "post.html"
    preview = tmp_path / "apercu"
    with Served(site, "--output", str(preview)) as served:
        mark = len(served.lines)
        template.parent.mkdir()
        template.write_text("{% if %}\n", "utf-8")
        problem = served.wait_for_line(r"templates/post\.html:1:\d+: error: template syntax", after=mark)
        assert problem, served.output
        assert wait_until(lambda: banner_text(served.get(PREMIER)[1]))
        for url in (PREMIER, "/"):
            status, page = served.get(url)
            assert status == 200 and problem in banner_text(page)
        assert "Texte d’origine" in main_text(served.get(PREMIER)[1])
        template.unlink()
        assert wait_until(lambda: banner_text(served.get(PREMIER)[1]) is None), served.output
        assert served.stop() == 0
    assert (preview / "index.html").is_file()  # --output is where the preview is built
    assert not (site / ".cache" / "serve").exists() and not (site / "public").exists()


def test_serve_started_on_a_broken_site_shows_the_error_then_the_fixed_site(site: Path) -> None:
    post = site / POSTS / "premier-article.md"
    original = post.read_text("utf-8")
    post.write_text(original.replace("topic: sante-numerique", "topic: astronomie"), "utf-8")
    with Served(site) as served:
        problem = next(line for line in served.lines if ": error: unknown topic 'astronomie'" in line)
        assert re.match(r"^site/content/posts/premier-article\.md:4:1: error: ", problem)
        status, page = served.get(PREMIER)
        assert status >= 500 and problem in banner_text(page)
        post.write_text(original, "utf-8")
        assert wait_until(lambda: served.get(PREMIER)[0] == 200), served.output
        assert banner_text(served.get(PREMIER)[1]) is None
        assert served.stop() == 0


def test_deleting_the_image_of_a_post_reports_it_missing(site: Path) -> None:
    (site / POSTS / "cas.md").write_text("---\ntitle: Un cas\ndate: 2021-04-01T09:00:00+02:00\ntopic: securite\n"
                                         "---\n\n![Le schéma](schema.svg)\n", "utf-8")
    image = site / POSTS / "schema.svg"
    image.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n", "utf-8")
    with Served(site) as served:
        assert served.get("/2021/04/un-cas/schema.svg")[0] == 200
        mark = len(served.lines)
        image.unlink()
        assert served.wait_for_line(r"^built: |build failed|internal error", after=mark), served.output
        assert served.stop() == 0
    assert any(re.match(r"^site/content/posts/cas\.md:7:14: error: image 'schema\.svg' not found", line)
               for line in served.lines[mark:]), served.output


@pytest.mark.slow
def test_serve_keeps_answering_through_a_storm_of_changes_then_equals_a_clean_build(site: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    with Served(site, "--output", str(preview)) as served:
        def storm() -> None:
            for number in range(300):  # written as fast as the disk allows, edits and new posts mixed
                (site / POSTS / f"orage-{number % 150}.md").write_text(
                    f"---\ntitle: Orage {number % 150}\ndate: 2021-0{number % 9 + 1}-{number % 28 + 1:02d}T09:00:00+01:00\n"
                    f"topic: securite\ntags: [CNIL, orage-{number % 7}]\n---\n\nVersion {number}.\n", "utf-8")

        writer = threading.Thread(target=storm)
        writer.start()
        statuses = []
        while writer.is_alive() or len(statuses) < 20:
            statuses.append(served.get("/")[0])
        writer.join()
        assert set(statuses) == {200}
        clean = tmp_path / "clean"
        assert build_site(site, clean) == 0

        def settled() -> bool:
            return tree_bytes(preview) == tree_bytes(clean)

        assert wait_until(settled, timeout=30), served.output
        assert served.stop() == 0


def build_site(site: Path, output: Path) -> int:
    """Build `site` as the preview does (drafts and future posts included) and give the exit code."""
    return blog("build", "--source", site, "--output", output, "--drafts", "--future", "--no-search").code
