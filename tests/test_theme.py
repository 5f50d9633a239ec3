"""The default theme, read from the built pages and stylesheets: accessible structure on every
page, colours that keep their contrast in both schemes, fingerprinted same-origin assets, a
light post page, and the archives' chart."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from builder.output.chart import month_range, posts_per_month
from support import PUBLISHED, REPO, build, file_for, html_files, read_page, text_of

STYLESHEET = REPO / "static" / "css" / "style.css"
MINIMUM_CONTRAST = 4.5  # WCAG 2.1 AA, body text
MINIMUM_NON_TEXT_CONTRAST = 3.0  # WCAG 2.1 AA, focus rings and other marks
PAGE_WEIGHT_LIMIT = 60 * 1024  # a post page, its stylesheets and scripts, images aside
FINGERPRINTED = re.compile(r"^/(?:css|js)/[\w-]+\.(?P<digest>[0-9a-f]{10})\.(?:css|js)$")
VAGUE_LINK_TEXTS = {"ici", "cliquez ici", "lire la suite", "en savoir plus", "lien", "plus"}


def pages_of(output: Path) -> list[tuple[str, object]]:
    """Give (url, parsed page) for every HTML page of a build."""
    urls = ["/" + path.relative_to(output).as_posix().removesuffix("index.html") for path in html_files(output)]
    return [(url, read_page(output, url)) for url in urls]


@pytest.fixture(scope="module", params=["fixture", "real"])
def output(request, built: Path, real_site: Path) -> Path:
    """Each built site in turn: the fixture site and the real one."""
    return built if request.param == "fixture" else real_site


# Colours

def custom_properties(block: str) -> dict[str, str]:
    """Give the `--name: #colour` declarations of a CSS block."""
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", block))


def schemes(css: str) -> dict[str, dict[str, str]]:
    """Give the colours of each scheme: light (the first `:root`), dark and print (over light)."""
    blocks = {"light": css}
    for scheme, media in (("dark", "prefers-color-scheme: dark"), ("print", "@media print")):
        start = css.index(media)
        blocks[scheme] = css[start:]
    light = custom_properties(re.search(r":root\s*\{([^}]*)\}", css)[1])
    found = {"light": light}
    for scheme in ("dark", "print"):
        found[scheme] = {**light, **custom_properties(re.search(r":root\s*\{([^}]*)\}", blocks[scheme])[1])}
    return found


def luminance(colour: str) -> float:
    """Give the relative luminance of a #rgb or #rrggbb colour (WCAG 2.1)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """Give the contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_of_black_on_white_is_21() -> None:
    assert contrast("#000", "#ffffff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


TEXT_ON = [(text, ground) for text in ("text", "muted", "accent", "accent-visited") for ground in ("background", "surface")]


@pytest.mark.parametrize("scheme", ["light", "dark", "print"])
@pytest.mark.parametrize("text, ground", TEXT_ON, ids=[f"{t}-on-{g}" for t, g in TEXT_ON])
def test_text_colours_keep_a_contrast_of_4_5_to_1(scheme: str, text: str, ground: str) -> None:
    colours = schemes(STYLESHEET.read_text("utf-8"))[scheme]
    ratio = contrast(colours[text], colours[ground])
    assert ratio >= MINIMUM_CONTRAST, f"{scheme}: --{text} {colours[text]} on --{ground} {colours[ground]}: {ratio:.2f}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_ring_and_chart_bars_stand_out_from_the_background(scheme: str) -> None:
    colours = schemes(STYLESHEET.read_text("utf-8"))[scheme]
    for mark in ("focus", "accent"):
        assert contrast(colours[mark], colours["background"]) >= MINIMUM_NON_TEXT_CONTRAST, mark


def test_highlighted_code_keeps_a_contrast_of_4_5_to_1_in_both_schemes(built: Path) -> None:
    css = next((built / "css").glob("code.*.css")).read_text("utf-8")
    light, dark = css.split("@media (prefers-color-scheme: dark)")
    text = {"light": schemes(STYLESHEET.read_text("utf-8"))["light"]["text"]}
    for scheme, part in (("light", light), ("dark", dark)):
        ground = re.search(r"\.highlight \{ background: (#[0-9a-fA-F]+)", part)[1]
        own_text = re.search(r"\.highlight \{ background: #[0-9a-fA-F]+; color: (#[0-9a-fA-F]+)", part)
        rules = re.findall(r"\.highlight \.(\w+) \{([^}]*)\}", part)
        colours = {"(text)": own_text[1] if own_text else text[scheme]}
        for token, body in rules:
            colour = re.search(r"(?<![-\w])color: (#[0-9a-fA-F]+)", body)
            # Whitespace has no glyph to read, and .err marks source the lexer could not read.
            if colour and token not in ("w", "err"):
                colours[token] = colour[1]
        low = {token: round(contrast(colour, ground), 2) for token, colour in colours.items()
               if contrast(colour, ground) < MINIMUM_CONTRAST}
        assert low == {}, f"{scheme} code on {ground}"


# Structure of every page

def test_every_page_has_landmarks_a_skip_link_and_one_h1(output: Path) -> None:
    for url, page in pages_of(output):
        body = page.body
        first_link = body.find("a")
        assert first_link["href"] == "#contenu" and "skip-link" in first_link["class"], url
        assert [main.get("id") for main in body.find_all("main")] == ["contenu"], url
        assert len(body.find_all("header", class_="site-header")) == 1, url
        assert len(body.find_all("footer", class_="site-footer")) == 1, url
        for nav in body.find_all("nav"):
            assert nav.get("aria-label"), f"{url}: a <nav> without a name"
        assert len(page.find_all("h1")) == 1 and page.main.find("h1"), url


def test_heading_levels_never_skip(output: Path) -> None:
    for url, page in pages_of(output):
        levels = [int(heading.name[1]) for heading in page.main.find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1, url
        skips = [(before, after) for before, after in zip(levels, levels[1:]) if after > before + 1]
        assert skips == [], f"{url}: {levels}"


def test_every_image_has_a_text_alternative(output: Path) -> None:
    for url, page in pages_of(output):
        for image in page.find_all("img"):
            assert image.has_attr("alt"), f"{url}: {image}"
        for svg in page.find_all("svg"):
            assert svg.get("role") == "img" and svg.title and svg.desc, f"{url}: a chart without a title"


def test_every_label_names_an_element_of_its_page(output: Path) -> None:
    # In the HTML as served, before any script runs (what the Nu HTML checker reads).
    for url, page in pages_of(output):
        for label in page.find_all("label", attrs={"for": True}):
            assert page.find(id=label["for"]) is not None, f"{url}: {label} names no element of the page"


def link_name(link) -> str:
    """Give what a screen reader announces for a link: its aria-label, or its text less
    what is hidden from assistive technologies."""
    if link.get("aria-label"):
        return link["aria-label"]
    def hidden(text) -> bool:
        """Tell whether a text of the link sits in an aria-hidden element inside it."""
        element = text.parent
        while element is not link:
            if element.get("aria-hidden") == "true":
                return True
            element = element.parent
        return link.get("aria-hidden") == "true"

    return " ".join("".join(text for text in link.find_all(string=True) if not hidden(text)).split())


def test_every_link_says_where_it_goes(output: Path) -> None:
    for url, page in pages_of(output):
        for link in page.body.find_all("a"):
            name = link_name(link)
            assert name and name.lower() not in VAGUE_LINK_TEXTS, f"{url}: link to {link.get('href')} named {name!r}"


def test_navigation_marks_the_current_page(built: Path) -> None:
    topic = read_page(built, "/topics/securite/")
    assert topic.find("nav", attrs={"aria-label": "Rubriques"}).find("a", attrs={"aria-current": "page"})["href"] == "/topics/securite/"
    post = read_page(built, PUBLISHED[0])  # its topic is `securite`: the reader is in that section
    assert post.find("nav", attrs={"aria-label": "Rubriques"}).find("a", attrs={"aria-current": "true"})["href"] == "/topics/securite/"
    second = read_page(built, "/page/2/")
    current = second.find("nav", class_="pagination").find_all("a", attrs={"aria-current": "page"})
    assert [a["href"] for a in current] == ["/page/2/"]
    assert read_page(built, "/archives/").find("footer").find("a", attrs={"aria-current": "page"})["href"] == "/archives/"
    assert read_page(built, "/tags/rgpd/").main.find("a", rel="tag", attrs={"aria-current": "page"})["href"] == "/tags/rgpd/"


def crumbs(page) -> list[tuple[str, str | None]]:
    """Give the breadcrumb trail: (text, link or None for the current page)."""
    trail = page.find("nav", class_="breadcrumbs")
    return [(text_of(item), item.a["href"] if item.a else None) for item in trail.find_all("li")] if trail else []


def test_breadcrumbs_lead_from_home_to_posts_and_listings(built: Path) -> None:
    assert crumbs(read_page(built, PUBLISHED[0])) == [
        ("Accueil", "/"), ("Sécurité", "/topics/securite/"), ("Cyberattaques en série dans les hôpitaux", None)]
    assert crumbs(read_page(built, "/tags/rgpd/")) == [("Accueil", "/"), ("Mots-clés", "/tags/"), ("RGPD", None)]
    assert crumbs(read_page(built, "/tags/rgpd/page/2/")) == [
        ("Accueil", "/"), ("Mots-clés", "/tags/"), ("RGPD", "/tags/rgpd/"), ("Page 2", None)]
    assert crumbs(read_page(built, "/2021/02/")) == [
        ("Accueil", "/"), ("Archives", "/archives/"), ("2021", "/2021/"), ("février 2021", None)]
    assert crumbs(read_page(built, "/")) == []
    assert crumbs(read_page(built, "/page/2/")) == [("Accueil", "/"), ("Page 2", None)]


def test_pagination_has_previous_next_and_page_numbers(built: Path) -> None:
    nav = read_page(built, "/page/2/").find("nav", class_="pagination")
    links = [(link_name(a), a["href"]) for a in nav.find_all("a")]
    assert links == [("Articles plus récents", "/"), ("Page 1", "/"), ("Page 2, page actuelle", "/page/2/"),
                     ("Page 3", "/page/3/"), ("Articles plus anciens", "/page/3/")]


def test_pages_have_no_inline_style_or_script_for_a_strict_content_security_policy(output: Path) -> None:
    for url, page in pages_of(output):
        assert page.find(style=True) is None, f"{url}: a style attribute"
        assert page.find("style") is None, url
        # Scripts load from files; a JSON-LD block is data, which browsers never run.
        inline = [s for s in page.find_all("script", src=False) if s.get("type") != "application/ld+json"]
        assert inline == [], url
        assert not [tag for tag in page.find_all(True) if any(name.startswith("on") for name in tag.attrs)], url


# Assets

def loaded_urls(page) -> list[str]:
    """Give what a browser loads for a page by itself: stylesheets, icons, scripts, images."""
    found = [link["href"] for link in page.find_all("link", href=True)
             if {"stylesheet", "icon"} & set(link.get("rel", []))]
    found += [tag["src"] for tag in page.find_all(["script", "img", "source", "iframe"], src=True)]
    return found


def test_pages_load_nothing_from_another_origin(output: Path) -> None:
    for url, page in pages_of(output):
        for loaded in loaded_urls(page):
            assert loaded.startswith("/") and not loaded.startswith("//"), f"{url} loads {loaded}"


def test_stylesheets_are_published_under_their_digest_and_nowhere_else(output: Path) -> None:
    sheets = {link["href"] for _, page in pages_of(output)
              for link in page.find_all("link", rel="stylesheet")
              if not link["href"].startswith("/pagefind/")}  # the search tool names its own files
    assert len(sheets) == 2, sheets  # the theme's and the code's
    for href in sheets:
        match = FINGERPRINTED.match(href)
        assert match, href
        data = file_for(output, href).read_bytes()
        assert hashlib.sha256(data).hexdigest().startswith(match["digest"]), href
    scripts = {script["src"] for _, page in pages_of(output) for script in page.find_all("script", src=True)
               if not script["src"].startswith("/pagefind/")}
    for src in scripts:
        match = FINGERPRINTED.match(src)
        assert match and hashlib.sha256(file_for(output, src).read_bytes()).hexdigest().startswith(match["digest"]), src
    # The theme's own folders; a tool's output elsewhere (a search index) has its own scheme.
    published = {"/" + path.relative_to(output).as_posix() for folder in ("css", "js")
                 for path in (output / folder).rglob("*") if path.suffix in (".css", ".js")}
    assert sheets | scripts <= published
    for url in published:  # published only under their digest (search.js is loaded by /recherche/ when indexed)
        match = FINGERPRINTED.match(url)
        assert match and hashlib.sha256(file_for(output, url).read_bytes()).hexdigest().startswith(match["digest"]), url


def test_templates_name_stylesheets_and_scripts_through_the_asset_filter() -> None:
    for template in sorted((REPO / "templates").rglob("*.html")):
        text = template.read_text("utf-8")
        assert not re.search(r"""(?:href|src)=["']/(?:css|js)/[^"'{]*["']""", text), template.name


def test_a_template_naming_a_missing_stylesheet_fails_the_build(site: Path, tmp_path: Path) -> None:
    (site / "templates").mkdir()
    base = (REPO / "templates" / "base.html").read_text("utf-8")
    (site / "templates" / "base.html").write_text(base.replace("'/css/code.css'", "'/css/absent.css'"), "utf-8")
    run = build(site, tmp_path / "out")
    assert run.code == 1
    assert "no stylesheet or script '/css/absent.css'" in run.stderr


def page_weight(output: Path, url: str) -> int:
    """Give the bytes of a page with the stylesheets and scripts it loads."""
    page = read_page(output, url)
    scripts = [tag["src"] for tag in page.find_all("script", src=True)]
    sheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    return file_for(output, url).stat().st_size + sum(file_for(output, href).stat().st_size for href in sheets + scripts)


def test_every_post_page_weighs_under_60_kb_before_images(real_site: Path) -> None:
    posts = [url for url, page in pages_of(real_site) if page.find("article", class_="post")]
    weights = {url: page_weight(real_site, url) for url in posts}
    assert len(weights) == 10
    heaviest = max(weights, key=weights.get)
    assert weights[heaviest] < PAGE_WEIGHT_LIMIT, f"{heaviest}: {weights[heaviest]} bytes"


# The archives' chart

def test_archives_page_shows_a_chart_of_posts_per_month_with_a_text_equivalent(built: Path) -> None:
    page = read_page(built, "/archives/")
    svg = page.main.find("svg")
    assert svg["role"] == "img"
    assert svg["aria-labelledby"].split() == [svg.title["id"], svg.desc["id"]]
    assert text_of(svg.title) == "Articles publiés par mois"
    assert text_of(svg.desc) == ("novembre 2020 : 1 article, décembre 2020 : 2 articles, janvier 2021 : 0 article, "
                                 "février 2021 : 2 articles, mars 2021 : 1 article.")
    assert [rect["height"] for rect in svg.find_all("rect", class_="chart-bar")] == ["48", "96", "96", "48"]
    # Then the years and months, as links.
    assert page.main.find("figure").find_next("h2").a["href"] == "/2021/"


def test_chart_covers_every_month_across_years_and_draws_only_months_with_posts() -> None:
    assert month_range((2020, 11), (2021, 2)) == [(2020, 11), (2020, 12), (2021, 1), (2021, 2)]
    svg = posts_per_month([(2021, 2, 4), (2020, 11, 2)])
    assert svg.count('class="chart-bar"') == 2
    assert svg.count('class="chart-label"') == 4 + 2  # four initials, two years
    assert ">N<" in svg and ">D<" in svg and ">J<" in svg and ">F<" in svg


def test_chart_is_the_same_for_the_same_counts_whatever_their_order() -> None:
    counts = [(2020, 11, 2), (2021, 2, 4), (2020, 12, 1)]
    assert posts_per_month(counts) == posts_per_month(list(reversed(counts)))


def test_chart_is_empty_without_posts() -> None:
    assert posts_per_month([]) == ""
    assert posts_per_month([(2021, 1, 0)]) == ""


def test_chart_has_no_style_attribute_and_no_script() -> None:
    svg = posts_per_month([(2019, 1, 1), (2022, 1, 5)])
    assert "style=" not in svg and "<script" not in svg
    assert svg.count('class="chart-label"') == 3  # 37 months: years only; 2022's one month has no room
