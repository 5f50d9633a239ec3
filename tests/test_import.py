"""`blog import`: another blog's posts moved in, each with its dates, author, topic, tags and
images, its old address redirected, and nothing ever overwritten."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from editor_support import write_files
from support import blog, build, read_page, text_of

SITE_YAML = """\
# A site that moves in.
title: Buzz Médecin
description: L’e-santé au quotidien.
base_url: https://example.org
timezone: Europe/Paris
topics:
  securite:
    title: Sécurité
    description: Attaques, failles et bonnes pratiques.
# The feed's length, below the topics: kept where it is.
feed_length: 20
"""

WXR = """\
<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Ancien blog</title>
  <link>https://ancien-blog.fr</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://ancien-blog.fr</wp:base_site_url>
  <wp:base_blog_url>https://ancien-blog.fr</wp:base_blog_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[cmartin]]></wp:author_login><wp:author_display_name><![CDATA[Claire Martin]]></wp:author_display_name></wp:author>
  <item>
    <title><![CDATA[Cyberattaques : les hôpitaux en première ligne]]></title>
    <link>https://ancien-blog.fr/2021/03/14/cyberattaques-hopitaux/</link>
    <dc:creator><![CDATA[cmartin]]></dc:creator>
    <guid isPermaLink="false">https://ancien-blog.fr/?p=12</guid>
    <content:encoded><![CDATA[<!-- wp:paragraph -->
<p>Les <strong>hôpitaux</strong> français subissent des attaques&nbsp;: l’<a href="https://www.cert.ssi.gouv.fr/">ANSSI</a> en compte des dizaines.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>Ce que disent les chiffres</h2>
<!-- /wp:heading -->

<!-- wp:list -->
<ul><li>Rançongiciels dans les services d’urgence</li><li>Fuites de dossiers médicaux</li></ul>
<!-- /wp:list -->

<!-- wp:table -->
<table><thead><tr><th>Année</th><th>Incidents</th></tr></thead><tbody><tr><td>2020</td><td>27</td></tr><tr><td>2021</td><td>400</td></tr></tbody></table>
<!-- /wp:table -->

<blockquote><p>Nous avons tout repassé sur papier pendant trois semaines.</p></blockquote>

<p>[caption id="attachment_40" align="aligncenter" width="600"]<img class="size-full wp-image-40" src="https://ancien-blog.fr/wp-content/uploads/2021/03/salle-serveurs.jpg" alt="Une salle de serveurs" width="600" height="400" /> La salle des serveurs, après l’attaque[/caption]</p>

<p>Relire <a href="https://ancien-blog.fr/?p=15">notre article sur le DMP</a> et <em>la note du ministère</em>.</p>

[gallery ids="40,41"]

[contact-form-7 id="3" title="Contact"]
]]></content:encoded>
    <excerpt:encoded><![CDATA[<p>Les hôpitaux face aux <em>rançongiciels</em>.</p>]]></excerpt:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_date><![CDATA[2021-03-14 09:30:00]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[2021-03-14 08:30:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[cyberattaques-hopitaux]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="cybersecurite"><![CDATA[Cybersécurité]]></category>
    <category domain="category" nicename="actualites"><![CDATA[Actualités]]></category>
    <category domain="post_tag" nicename="anssi"><![CDATA[ANSSI]]></category>
    <category domain="post_tag" nicename="hopital"><![CDATA[hôpital]]></category>
    <category domain="post_tag" nicename="rancongiciel"><![CDATA[rançongiciel]]></category>
  </item>
  <item>
    <title><![CDATA[Le dossier médical partagé, enfin ?]]></title>
    <link>https://ancien-blog.fr/2020/12/01/dossier-m%c3%a9dical-partag%c3%a9/</link>
    <dc:creator><![CDATA[cmartin]]></dc:creator>
    <content:encoded><![CDATA[<p>Le <abbr title="dossier médical partagé">DMP</abbr> revient, sous le nom de Mon espace santé.</p>

<p>Son été sera chargé : voir <a href="/2021/03/14/cyberattaques-hopitaux/">les attaques</a> et <a href="http://www.ancien-blog.fr/2021/03/14/cyberattaques-hopitaux/#ce-que-disent-les-chiffres">les chiffres</a>.</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>15</wp:post_id>
    <wp:post_date><![CDATA[2020-12-01 18:00:00]]></wp:post_date>
    <wp:post_name><![CDATA[dossier-m%c3%a9dical-partag%c3%a9]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="securite"><![CDATA[Sécurité]]></category>
    <category domain="post_tag" nicename="dmp"><![CDATA[DMP]]></category>
    <category domain="post_tag" nicename="cnam"><![CDATA[CNAM]]></category>
  </item>
  <item>
    <title><![CDATA[Télémédecine : un brouillon]]></title>
    <link>https://ancien-blog.fr/?p=20</link>
    <dc:creator><![CDATA[inconnu]]></dc:creator>
    <content:encoded><![CDATA[<p>Un texte à finir sur la téléconsultation.</p>]]></content:encoded>
    <wp:post_id>20</wp:post_id>
    <wp:post_date><![CDATA[2021-06-01 10:00:00]]></wp:post_date>
    <wp:post_name><![CDATA[]]></wp:post_name>
    <wp:status><![CDATA[draft]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="cybersecurite"><![CDATA[Cybersécurité]]></category>
    <category domain="post_tag" nicename="hopital"><![CDATA[Hôpital]]></category>
  </item>
  <item>
    <title><![CDATA[En relecture]]></title>
    <link>https://ancien-blog.fr/?p=21</link>
    <content:encoded><![CDATA[<p>Un texte que relit la rédaction.</p>]]></content:encoded>
    <wp:post_id>21</wp:post_id>
    <wp:post_date><![CDATA[2021-07-01 10:00:00]]></wp:post_date>
    <wp:status><![CDATA[pending]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title><![CDATA[Notes personnelles]]></title>
    <link>https://ancien-blog.fr/notes/</link>
    <content:encoded><![CDATA[<p>Privé.</p>]]></content:encoded>
    <wp:post_id>22</wp:post_id>
    <wp:post_date><![CDATA[2021-01-01 10:00:00]]></wp:post_date>
    <wp:status><![CDATA[private]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title><![CDATA[À propos]]></title>
    <link>https://ancien-blog.fr/a-propos/</link>
    <content:encoded><![CDATA[<p>Qui sommes-nous ?</p>]]></content:encoded>
    <wp:post_id>2</wp:post_id>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[page]]></wp:post_type>
  </item>
  <item>
    <title><![CDATA[salle-serveurs]]></title>
    <wp:post_id>40</wp:post_id>
    <wp:status><![CDATA[inherit]]></wp:status>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
    <wp:attachment_url><![CDATA[https://ancien-blog.fr/wp-content/uploads/2021/03/salle-serveurs.jpg]]></wp:attachment_url>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[Une salle de serveurs]]></wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title><![CDATA[Baie de stockage]]></title>
    <wp:post_id>41</wp:post_id>
    <wp:status><![CDATA[inherit]]></wp:status>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
    <wp:attachment_url><![CDATA[https://ancien-blog.fr/wp-content/uploads/2021/03/baie.jpg]]></wp:attachment_url>
  </item>
</channel>
</rss>
"""

CYBER = "/2021/03/cyberattaques-hopitaux/"
DMP = "/2020/12/dossier-medical-partage/"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Give a site with one topic and no post yet."""
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, "utf-8")
    return root


@pytest.fixture
def wxr(tmp_path: Path) -> Path:
    """Give a WordPress export holding posts of each status, a page and attachments."""
    path = tmp_path / "export.xml"
    path.write_text(WXR, "utf-8")
    return path


def front_matter(path: Path) -> dict:
    """Give the front-matter of a post file, parsed."""
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def redirects(output: Path) -> dict[str, tuple[str, str]]:
    """Give `_redirects` as old path -> (target, status)."""
    rules = [line.split() for line in (output / "_redirects").read_text("utf-8").splitlines()]
    return {old: (new, status) for old, new, status in rules}


def test_wordpress_posts_keep_their_dates_author_topic_tags_and_summary(site: Path, wxr: Path) -> None:
    run = blog("import", "wordpress", wxr, "--into", site)
    assert run.code == 0, run.stderr
    meta = front_matter(site / "content/posts/cyberattaques-hopitaux.md")
    assert meta == {
        "title": "Cyberattaques : les hôpitaux en première ligne",
        "date": "2021-03-14T09:30:00+01:00",  # the blog's local time, in the site's timezone
        "topic": "cybersecurite",  # the first category only
        "tags": ["ANSSI", "hôpital", "rançongiciel"],
        "summary": "Les hôpitaux face aux rançongiciels.",
        "author": "Claire Martin",  # the login's display name
        "slug": "cyberattaques-hopitaux",
        "aliases": ["/2021/03/14/cyberattaques-hopitaux/"],
    }
    dmp = front_matter(site / "content/posts/dossier-medical-partage.md")
    assert dmp["slug"] == "dossier-medical-partage"  # WordPress's percent-encoded accented name
    assert dmp["topic"] == "securite" and "summary" not in dmp  # a declared topic, by its title
    assert dmp["aliases"] == ["/2020/12/01/dossier-m%c3%a9dical-partag%c3%a9/"]


def test_wordpress_drafts_stay_drafts_and_private_posts_pages_and_media_are_left(site: Path, wxr: Path) -> None:
    run = blog("import", "wordpress", wxr, "--into", site)
    posts = sorted(path.name for path in (site / "content/posts").glob("*.md"))
    assert posts == ["cyberattaques-hopitaux.md", "dossier-medical-partage.md", "en-relecture.md",
                     "telemedecine-un-brouillon.md"]
    assert front_matter(site / "content/posts/telemedecine-un-brouillon.md")["draft"] is True
    assert front_matter(site / "content/posts/en-relecture.md")["draft"] is True  # pending
    assert "aliases" not in front_matter(site / "content/posts/telemedecine-un-brouillon.md")  # ?p=20 is no path
    skipped = re.findall(r":\d+:1: skipped: (.+)", run.stdout)
    assert sorted(skipped) == ["not a post: a WordPress attachment", "not a post: a WordPress attachment",
                               "not a post: a WordPress page", "private on WordPress"]
    table = dict(re.findall(r"^\s*(\S.*?)\s{2,}(\d+)$", run.stdout, re.M))
    assert (table["imported"], table["of which drafts"], table["skipped"]) == ("4", "2", "4")


def test_wordpress_tags_keep_one_spelling_across_posts(site: Path, wxr: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    # "Hôpital" in the draft, "hôpital" in the earlier post: the first spelling wins, as check asks
    assert front_matter(site / "content/posts/telemedecine-un-brouillon.md")["tags"] == ["hôpital"]


def test_wordpress_missing_category_is_declared_in_site_yaml_keeping_the_rest(site: Path, wxr: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    text = (site / "site.yaml").read_text("utf-8")
    config = yaml.safe_load(text)
    assert config["topics"]["cybersecurite"]["title"] == "Cybersécurité"
    assert list(config["topics"]) == ["securite", "cybersecurite"]
    assert config["feed_length"] == 20
    assert text.startswith(SITE_YAML.split("feed_length")[0].rstrip("\n").rsplit("\n", 1)[0])
    lines = text.splitlines()
    assert lines.index("  cybersecurite:") < lines.index("# The feed's length, below the topics: kept where it is.")


def test_wordpress_html_becomes_markdown_that_builds(site: Path, wxr: Path, tmp_path: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    run = build(site, tmp_path / "out")
    assert run.code == 0, run.stderr
    page = read_page(tmp_path / "out", CYBER)
    body = page.find("div", class_="post-body") or page.main
    assert [text_of(h) for h in body.find_all("h2")] == ["Ce que disent les chiffres"]
    assert [text_of(li) for li in body.find_all("li")][:2] == ["Rançongiciels dans les services d’urgence",
                                                            "Fuites de dossiers médicaux"]
    assert [text_of(cell) for cell in body.table.find_all(["th", "td"])] == ["Année", "Incidents", "2020", "27", "2021", "400"]
    assert "trois semaines" in text_of(body.blockquote)
    images = [img["src"] for img in body.find_all("img")]
    assert images == ["https://ancien-blog.fr/wp-content/uploads/2021/03/salle-serveurs.jpg",  # the caption's
                      "https://ancien-blog.fr/wp-content/uploads/2021/03/salle-serveurs.jpg",  # the gallery's
                      "https://ancien-blog.fr/wp-content/uploads/2021/03/baie.jpg"]
    assert [img["alt"] for img in body.find_all("img")] == ["Une salle de serveurs", "Une salle de serveurs",
                                                            "Baie de stockage"]  # alt text, else title
    assert "La salle des serveurs, après l’attaque" in text_of(body.find("em"))
    links = {text_of(a): a["href"] for a in body.find_all("a")}
    assert links["notre article sur le DMP"] == DMP  # `?p=15`, now the post's URL
    assert text_of(body.strong) == "hôpitaux"
    assert "<!--" not in str(body) and "wp:paragraph" not in text_of(body)


def test_wordpress_old_links_between_posts_point_to_the_new_urls(site: Path, wxr: Path, tmp_path: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    build(site, tmp_path / "out")
    links = {text_of(a): a["href"] for a in read_page(tmp_path / "out", DMP).find_all("a")}
    assert links["les attaques"] == CYBER
    assert links["les chiffres"] == CYBER + "#ce-que-disent-les-chiffres"  # with www. and http: the same site


def test_wordpress_old_urls_redirect_to_the_new_ones(site: Path, wxr: Path, tmp_path: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    build(site, tmp_path / "out")
    assert redirects(tmp_path / "out") == {
        "/2020/12/01/dossier-m%c3%a9dical-partag%c3%a9/": (DMP, "301"),
        "/2021/03/14/cyberattaques-hopitaux/": (CYBER, "301"),
    }


def test_wordpress_what_could_not_be_converted_is_reported(site: Path, wxr: Path) -> None:
    run = blog("import", "wordpress", wxr, "--into", site)
    warnings = [problem.message for problem in run.problems()]
    assert "shortcodes left as text: [contact-form-7]" in warnings
    assert "HTML markup lost, its text kept: <abbr>" in warnings
    assert "1 tag: `blog check` asks for 2 to 6" in warnings  # the draft
    assert "0 tags: `blog check` asks for 2 to 6" in warnings  # the pending post
    assert "no category: filed under the site's first topic, 'securite'" in warnings
    assert (site / "content/posts/cyberattaques-hopitaux.md").read_text("utf-8").count("[contact-form-7") == 1


def test_wordpress_import_twice_adds_nothing_and_says_what_it_skipped(site: Path, wxr: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    again = blog("import", "wordpress", wxr, "--into", site)
    assert again.code == 0, again.stderr
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == before
    assert again.stdout.count("skipped: already imported (the file exists)") == 4
    table = dict(re.findall(r"^\s*(\S.*?)\s{2,}(\d+)$", again.stdout, re.M))
    assert table["imported"] == "0"


def test_wordpress_import_leaves_no_error_for_check(site: Path, wxr: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    run = blog("check", "--source", site)
    assert run.code == 0, run.stdout
    assert not [line for line in run.stdout.splitlines() if ": error: " in line]


def test_wordpress_export_with_an_entity_declaration_is_refused(site: Path, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.xml"
    hostile.write_text('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                       "<rss><channel><title>&x;</title></channel></rss>\n", "utf-8")
    run = blog("import", "wordpress", hostile, "--into", site)
    assert run.code == 1
    assert "not a WordPress export" in run.stderr
    assert list((site / "content/posts").iterdir()) == []


def test_wordpress_round_trip_keeps_the_text_of_every_paragraph(site: Path, wxr: Path, tmp_path: Path) -> None:
    blog("import", "wordpress", wxr, "--into", site)
    build(site, tmp_path / "out", "--drafts")
    pages = {"12": CYBER, "15": DMP, "20": "/2021/06/telemedecine-un-brouillon/", "21": "/2021/07/en-relecture/"}
    for item in re.findall(r"<item>(.*?)</item>", WXR, re.S):
        post_id = re.search(r"<wp:post_id>(\d+)</wp:post_id>", item)[1]
        if post_id not in pages:
            continue
        html = re.search(r"<content:encoded><!\[CDATA\[(.*?)\]\]></content:encoded>", item, re.S)[1]
        built = _words(text_of(read_page(tmp_path / "out", pages[post_id]).main))
        paragraphs = BeautifulSoup(html, "html.parser").find_all(["p", "li", "td", "th", "h2"])
        assert paragraphs
        for paragraph in paragraphs:
            text = re.sub(r"\[/?caption[^\]]*\]", "", text_of(paragraph))
            assert _words(text) in built, text


def test_import_of_a_missing_source_or_into_a_folder_without_a_site_fails(site: Path, tmp_path: Path) -> None:
    missing = blog("import", "wordpress", tmp_path / "absent.xml", "--into", site)
    assert missing.code == 1 and "no such file or folder" in missing.stderr
    not_a_site = blog("import", "hugo", tmp_path, "--into", tmp_path)
    assert not_a_site.code == 2 and "--into" in not_a_site.stderr
    not_hugo = blog("import", "hugo", tmp_path, "--into", site)
    assert not_hugo.code == 1 and "not a Hugo site" in not_hugo.stderr
    assert list((site / "content/posts").iterdir()) == []


def _words(text: str) -> str:
    """Give `text` without its spaces and with typographic quotes, as French typography sets them."""
    return re.sub(r"\s+", "", text.replace("'", "’"))


HUGO = {
    "hugo.toml": """\
baseURL = "https://ancien-hugo.fr/"
title = "Ancien site Hugo"
[permalinks]
  notes = "/:section/:year/:slug/"
""",
    "content/_index.md": "---\ntitle: Accueil\n---\n",
    "content/a-propos.md": "---\ntitle: À propos\n---\n\nQui sommes-nous ?\n",
    "content/posts/_index.md": "---\ntitle: Articles\n---\n",
    "content/posts/messagerie-securisee.md": """\
---
title: "Messagerie sécurisée : le point"
date: 2021-02-10T08:00:00+01:00
categories: [Logiciels]
tags: [MSSanté, messagerie, RGPD]
description: "Où en est la messagerie sécurisée de santé ?"
author: Paul Durand
aliases:
  - /2021/ancienne-messagerie/
  - vieille-adresse/
---

La messagerie sécurisée de santé relie les professionnels depuis 2014.

Elle remplace le fax, qui reste pourtant très présent dans les cabinets.

Voir aussi [l’article sur le dossier patient]({{< ref "posts/dossier-patient/index.md" >}}).

{{< youtube dQw4w9WgXcQ >}}
""",
    "content/posts/dossier-patient/index.md": """\
+++
title = "Le dossier patient informatisé"
date = 2021-01-05T10:00:00Z
slug = "dossier-patient-informatise"
categories = ["Sécurité"]
tags = ["DPI", "hôpital"]
summary = "Le dossier patient, du papier à l’écran."
+++

Le dossier patient informatisé a remplacé les classeurs des services.

![Un écran de dossier patient](ecran.png)

{{< figure src="/images/schema.png" alt="Schéma du dossier" caption="Le schéma du dossier" >}}
""",
    "content/posts/dossier-patient/ecran.png": "PNG-ecran",
    "static/images/schema.png": "PNG-schema",
    "content/notes/brouillon-teleconsultation.md": """\
---
title: Téléconsultation, premières notes
date: "2021-04-01"
draft: true
url: /vieilles-notes/teleconsultation/
tags: [téléconsultation, CNAM]
categories: [Logiciels]
---

Des notes sur la téléconsultation, à reprendre.
""",
    "content/notes/compte-rendu.md": """\
---
title: Compte rendu du congrès
date: 2021-05-20T18:30:00+02:00
slug: congres-2021
tags: [congrès, e-santé]
categories: [Logiciels]
---

Le congrès a réuni trois cents participants à Lyon.

<div class="encadre">
<p>Un encadré <strong>important</strong> sur la <a href="https://esante.gouv.fr/">feuille de route</a>.</p>
</div>

<iframe src="https://www.youtube.com/embed/abc"></iframe>
""",
}


@pytest.fixture
def hugo(tmp_path: Path) -> Path:
    """Give a Hugo site with posts in two sections, TOML and YAML front-matter, a bundle with an image."""
    root = tmp_path / "hugo"
    write_files(root, HUGO)
    return root


def test_hugo_posts_keep_their_front_matter_from_yaml_and_toml(site: Path, hugo: Path) -> None:
    run = blog("import", "hugo", hugo, "--into", site)
    assert run.code == 0, run.stderr
    assert front_matter(site / "content/posts/messagerie-securisee.md") == {
        "title": "Messagerie sécurisée : le point", "date": "2021-02-10T08:00:00+01:00", "topic": "logiciels",
        "tags": ["MSSanté", "messagerie", "RGPD"], "summary": "Où en est la messagerie sécurisée de santé ?",
        "author": "Paul Durand", "slug": "messagerie-securisee",
        "aliases": ["/posts/messagerie-securisee/", "/2021/ancienne-messagerie/", "/posts/vieille-adresse/"],
    }
    toml = front_matter(site / "content/posts/dossier-patient-informatise.md")
    assert (toml["date"], toml["topic"], toml["summary"]) == (
        "2021-01-05T11:00:00+01:00", "securite", "Le dossier patient, du papier à l’écran.")
    assert toml["aliases"] == ["/posts/dossier-patient-informatise/"]  # its `slug` in Hugo's URL too
    draft = front_matter(site / "content/posts/brouillon-teleconsultation.md")
    assert draft["draft"] is True and draft["aliases"] == ["/vieilles-notes/teleconsultation/"]  # its `url`
    assert draft["date"] == "2021-04-01T00:00:00+02:00"
    assert front_matter(site / "content/posts/congres-2021.md")["aliases"] == ["/notes/2021/congres-2021/"]  # permalinks
    skipped = sorted(re.findall(r":\d+:1: skipped: (.+)", run.stdout))
    assert skipped == ["a section's list page (_index)", "a section's list page (_index)",
                       "not in a section: a page, not a post"]


def test_hugo_bundle_images_are_copied_beside_the_post_and_built(site: Path, hugo: Path, tmp_path: Path) -> None:
    blog("import", "hugo", hugo, "--into", site)
    assert (site / "content/posts/dossier-patient-informatise/ecran.png").read_text() == "PNG-ecran"
    assert (site / "content/posts/dossier-patient-informatise/schema.png").read_text() == "PNG-schema"  # from static/
    run = build(site, tmp_path / "out")
    assert run.code == 0, run.stderr
    url = "/2021/01/dossier-patient-informatise/"
    body = read_page(tmp_path / "out", url).main
    assert [(img["src"], img["alt"]) for img in body.find_all("img")] == [
        ("dossier-patient-informatise/ecran.png", "Un écran de dossier patient"),
        ("dossier-patient-informatise/schema.png", "Schéma du dossier")]
    assert (tmp_path / "out" / url.lstrip("/") / "dossier-patient-informatise/ecran.png").read_text() == "PNG-ecran"
    assert "Le schéma du dossier" in text_of(body.find("em"))


def test_hugo_ref_links_become_post_links_and_other_shortcodes_are_reported(site: Path, hugo: Path, tmp_path: Path) -> None:
    run = blog("import", "hugo", hugo, "--into", site)
    assert "Hugo shortcodes left as text: youtube" in [problem.message for problem in run.problems()]
    build(site, tmp_path / "out")
    links = {text_of(a): a["href"] for a in read_page(tmp_path / "out", "/2021/02/messagerie-securisee/").main.find_all("a")}
    assert links["l’article sur le dossier patient"] == "/2021/01/dossier-patient-informatise/"


def test_hugo_old_urls_redirect_to_the_new_ones(site: Path, hugo: Path, tmp_path: Path) -> None:
    blog("import", "hugo", hugo, "--into", site)
    build(site, tmp_path / "out")
    assert redirects(tmp_path / "out") == {
        "/2021/ancienne-messagerie/": ("/2021/02/messagerie-securisee/", "301"),
        "/posts/messagerie-securisee/": ("/2021/02/messagerie-securisee/", "301"),
        "/posts/vieille-adresse/": ("/2021/02/messagerie-securisee/", "301"),
        "/posts/dossier-patient-informatise/": ("/2021/01/dossier-patient-informatise/", "301"),
        "/notes/2021/congres-2021/": ("/2021/05/congres-2021/", "301"),
    }


def test_hugo_import_leaves_no_error_for_check_and_adds_nothing_twice(site: Path, hugo: Path) -> None:
    blog("import", "hugo", hugo, "--into", site)
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    assert blog("import", "hugo", hugo, "--into", site).code == 0
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == before
    run = blog("check", "--source", site)
    assert run.code == 0, run.stdout


def test_hugo_round_trip_keeps_the_text_of_every_paragraph(site: Path, hugo: Path, tmp_path: Path) -> None:
    blog("import", "hugo", hugo, "--into", site)
    build(site, tmp_path / "out", "--drafts")
    pages = {"messagerie-securisee.md": "/2021/02/messagerie-securisee/",
             "dossier-patient/index.md": "/2021/01/dossier-patient-informatise/",
             "brouillon-teleconsultation.md": "/2021/04/brouillon-teleconsultation/",
             "compte-rendu.md": "/2021/05/congres-2021/"}
    for name, text in HUGO.items():
        suffix = next((key for key in pages if name.endswith(key)), None)
        if suffix is None:
            continue
        built = _words(text_of(read_page(tmp_path / "out", pages[suffix]).main))
        for paragraph in text.split("---\n" if text.startswith("---") else "+++\n")[2].split("\n\n"):
            paragraph = BeautifulSoup(paragraph, "html.parser").get_text()  # an HTML block's text
            if paragraph.strip() and not paragraph.lstrip().startswith(("{{", "!", "Voir")):
                assert _words(paragraph) in built, paragraph


JEKYLL = {
    "_config.yml": "title: Ancien site Jekyll\npermalink: pretty\n",
    "_posts/2021-03-02-ransomware-a-l-hopital.md": """\
---
layout: post
title: "Rançongiciel à l’hôpital : récit d’une crise"
categories: [Sécurité, actualités]
tags: ANSSI hôpital rançongiciel
excerpt: "Trois semaines sans informatique."
author: Sophie Leroy
---

Le lundi matin, plus aucun écran ne s’allumait dans le service.

![Le tableau des urgences]({{ site.baseurl }}/assets/images/tableau.png)

{% highlight python %}
def restaurer(sauvegarde):
    return sauvegarde.copie()
{% endhighlight %}

Lire ensuite [le guide]({% post_url 2020-11-20-guide-des-sauvegardes %}).

{% include note.html texte="à vérifier" %}
""",
    "_posts/2020-11-20-guide-des-sauvegardes.markdown": """\
---
title: Le guide des sauvegardes
date: 2020-11-20 18:45:00 +0100
category: Logiciels
tags: [sauvegarde, RGPD]
permalink: /guides/sauvegardes.html
---

Une sauvegarde que personne n’a jamais restaurée n’est pas une sauvegarde.
""",
    "_posts/2019-05-01-sans-categorie.md": """\
---
title: Un article sans catégorie
tags: [divers, archives]
---

Un ancien article, publié au printemps.
""",
    "_posts/notes-en-vrac.md": "---\ntitle: Notes\n---\n\nSans date dans le nom.\n",
    "_drafts/telesante-en-ehpad.md": """\
---
title: La télésanté en Ehpad
date: 2021-09-01
categories: Logiciels
tags: [télésanté, Ehpad]
---

Les Ehpad s’équipent pour la téléconsultation.
""",
    "assets/images/tableau.png": "PNG-tableau",
}


@pytest.fixture
def jekyll(tmp_path: Path) -> Path:
    """Give a Jekyll site with dated posts, a draft, Liquid tags and a local image."""
    root = tmp_path / "jekyll"
    write_files(root, JEKYLL)
    return root


def test_jekyll_posts_take_their_date_from_the_file_name_or_the_front_matter(site: Path, jekyll: Path) -> None:
    run = blog("import", "jekyll", jekyll, "--into", site)
    assert run.code == 0, run.stderr
    assert front_matter(site / "content/posts/ransomware-a-l-hopital.md") == {
        "title": "Rançongiciel à l’hôpital : récit d’une crise", "date": "2021-03-02T00:00:00+01:00",
        "topic": "securite", "tags": ["ANSSI", "hôpital", "rançongiciel"],  # a space-separated string
        "summary": "Trois semaines sans informatique.", "author": "Sophie Leroy", "slug": "ransomware-a-l-hopital",
        "aliases": ["/s%C3%A9curit%C3%A9/actualit%C3%A9s/2021/03/02/ransomware-a-l-hopital/"],  # pretty
    }
    guide = front_matter(site / "content/posts/guide-des-sauvegardes.md")
    assert (guide["date"], guide["topic"], guide["aliases"]) == (
        "2020-11-20T18:45:00+01:00", "logiciels", ["/guides/sauvegardes.html"])  # `category`, `permalink`
    assert front_matter(site / "content/posts/sans-categorie.md")["aliases"] == ["/2019/05/01/sans-categorie/"]
    draft = front_matter(site / "content/posts/telesante-en-ehpad.md")
    assert draft["draft"] is True and "aliases" not in draft and draft["topic"] == "logiciels"
    assert re.findall(r":\d+:1: skipped: (.+)", run.stdout) == ["not named YYYY-MM-DD-title: Jekyll does not publish it"]


def test_jekyll_default_permalink_style_is_date(site: Path, jekyll: Path) -> None:
    (jekyll / "_config.yml").write_text("title: Ancien site Jekyll\n", "utf-8")
    blog("import", "jekyll", jekyll, "--into", site)
    assert front_matter(site / "content/posts/sans-categorie.md")["aliases"] == ["/2019/05/01/sans-categorie.html"]


def test_jekyll_liquid_becomes_markdown_and_the_rest_is_reported(site: Path, jekyll: Path, tmp_path: Path) -> None:
    run = blog("import", "jekyll", jekyll, "--into", site)
    assert "Liquid left as text: include" in [problem.message for problem in run.problems()]
    assert (site / "content/posts/ransomware-a-l-hopital/tableau.png").read_text() == "PNG-tableau"
    assert build(site, tmp_path / "out").code == 0
    body = read_page(tmp_path / "out", "/2021/03/ransomware-a-l-hopital/").main
    code = body.find("pre")
    assert "def restaurer(sauvegarde):" in code.get_text()
    assert code["data-lang"] == "python" and code.find("span", class_="k")  # highlighted by Pygments
    assert {text_of(a): a["href"] for a in body.find_all("a")}["le guide"] == "/2020/11/guide-des-sauvegardes/"
    assert body.find("img")["src"] == "ransomware-a-l-hopital/tableau.png"


def test_jekyll_old_urls_redirect_and_check_finds_no_error(site: Path, jekyll: Path, tmp_path: Path) -> None:
    blog("import", "jekyll", jekyll, "--into", site)
    build(site, tmp_path / "out")
    assert redirects(tmp_path / "out") == {
        "/guides/sauvegardes.html": ("/2020/11/guide-des-sauvegardes/", "301"),
        "/2019/05/01/sans-categorie/": ("/2019/05/sans-categorie/", "301"),
        "/s%C3%A9curit%C3%A9/actualit%C3%A9s/2021/03/02/ransomware-a-l-hopital/": ("/2021/03/ransomware-a-l-hopital/", "301"),
    }
    run = blog("check", "--source", site)
    assert run.code == 0, run.stdout


def test_jekyll_round_trip_keeps_the_text_of_every_paragraph(site: Path, jekyll: Path, tmp_path: Path) -> None:
    blog("import", "jekyll", jekyll, "--into", site)
    build(site, tmp_path / "out", "--drafts")
    for name, text in JEKYLL.items():
        if not name.endswith((".md", ".markdown")) or "notes" in name:
            continue
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", Path(name).stem)
        page = next((tmp_path / "out").glob(f"*/*/{slug}/index.html"))
        built = _words(text_of(BeautifulSoup(page.read_text("utf-8"), "html.parser").main))
        for paragraph in text.split("---\n")[2].split("\n\n"):
            if paragraph.strip() and not paragraph.lstrip().startswith(("{", "!", "Lire")):
                assert _words(paragraph) in built, paragraph


def test_jekyll_images_outside_the_source_keep_their_address(site: Path, jekyll: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_text("SECRET", "utf-8")
    (jekyll / "assets/images/lien.png").symlink_to(tmp_path / "secret.png")
    post = jekyll / "_posts/2021-03-02-ransomware-a-l-hopital.md"
    post.write_text(post.read_text("utf-8") + "\n![Dehors](../../secret.png) ![Lien](/assets/images/lien.png)\n", "utf-8")
    blog("import", "jekyll", jekyll, "--into", site)
    copied = sorted(path.name for path in (site / "content/posts/ransomware-a-l-hopital").iterdir())
    assert copied == ["tableau.png"]
    body = (site / "content/posts/ransomware-a-l-hopital.md").read_text("utf-8")
    assert "![Dehors](../../secret.png)" in body and "![Lien](/assets/images/lien.png)" in body



def test_hugo_html_blocks_become_markdown_and_what_cannot_is_reported(site: Path, hugo: Path, tmp_path: Path) -> None:
    run = blog("import", "hugo", hugo, "--into", site)
    assert "HTML dropped: <iframe> (no Markdown for it)" in [problem.message for problem in run.problems()]
    build_run = build(site, tmp_path / "out")
    assert build_run.code == 0 and "raw HTML" not in build_run.stderr, build_run.stderr
    body = read_page(tmp_path / "out", "/2021/05/congres-2021/").main
    assert text_of(body.find("strong")) == "important"
    assert body.find("a", href="https://esante.gouv.fr/") is not None
    assert "<div" not in text_of(body) and body.find("iframe") is None
