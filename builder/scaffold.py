"""Files an editor starts from: a new post (`blog new`) and a new site (`blog init`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from builder.content.config import CONFIG_NAME
from builder.content.folders import POSTS_DIR
from builder.content.load import existing_names
from builder.core.errors import quoted
from builder.core.model import Config
from builder.core.urls import long_slug, slugify


class ScaffoldError(Exception):
    """A file that must not be written: it exists, or its name is taken."""


def _quoted(text: str) -> str:
    """Give `text` as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def new_post(site_root: Path, config: Config, title: str, topic: str | None,
             tags: list[str], now: datetime) -> Path:
    """Write a draft post with its front-matter filled in; give its path. Never overwrites."""
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"the title {quoted(title)} gives an empty slug: use words")
    if long_slug(slug):
        raise ScaffoldError(f"the title {quoted(title)} {long_slug(slug)}: shorten it")
    chosen = config.topic(slugify(topic)) if topic else config.topics[0]
    if chosen is None:
        known = ", ".join(t.slug for t in config.topics)
        raise ScaffoldError(f"unknown topic {quoted(topic)} (declared topics: {known})")
    names = existing_names(site_root)
    if slug in names.slugs:
        raise ScaffoldError(f"the slug {slug!r} is already used by {names.slugs[slug]}")
    path = site_root / POSTS_DIR / f"{slug}.md"
    spelled: dict[str, str] = {}  # slug -> spelling; a tag given twice (Foo, foo) is written once
    for tag in tags:
        if slugify(tag):  # a spelling the site already uses wins
            spelled.setdefault(slugify(tag), names.tags.get(slugify(tag), " ".join(tag.split())))
    others = ", ".join(t.slug for t in config.topics if t is not chosen)
    text = (
        "---\n"
        f"title: {_quoted(title)}\n"
        f"date: {now.isoformat(timespec='seconds')}\n"
        f"topic: {chosen.slug}{f'  # or: {others}' if others else ''}\n"
        f"tags: [{', '.join(_quoted(tag) for tag in spelled.values())}]\n"
        "# summary: \"Une ou deux phrases : le chapeau de l’article.\"\n"
        "draft: true  # remove this line to publish\n"
        "---\n\n"
        "Le chapeau de l’article : l’essentiel en deux ou trois phrases.\n\n"
        "## Premier intertitre\n\n"
        "Le texte de l’article.\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": fail rather than overwrite
            file.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists") from None
    return path


SITE_YAML = """\
# The site's configuration; every key is checked by `blog build`.
title: {title}
description: Un blog construit avec blog.
base_url: https://example.org
language: fr
timezone: Europe/Paris
default_author: La rédaction
posts_per_page: 10
feed_length: 20
allow_raw_html: false
topics:
  general:
    title: Général
    description: Tous les sujets du blog.
"""

WELCOME_POST = """\
---
title: "Bienvenue sur votre blog"
date: {date}
topic: general
tags: [blog, bienvenue]
summary: "Le premier article : comment écrire les suivants."
---

Ce blog est construit par `blog build` à partir de fichiers Markdown.

## Écrire un article

Lancez `blog new "Titre de l’article"`, écrivez le texte sous l’en-tête, puis retirez la ligne
`draft: true` pour le publier. `blog serve` montre le résultat pendant l’écriture.
"""


def init_site(folder: Path, now: datetime) -> list[Path]:
    """Create a new site in `folder` (absent, or with hidden entries only, like `.git`):
    config and one example post."""
    if folder.exists() and (not folder.is_dir() or any(not p.name.startswith(".") for p in folder.iterdir())):
        raise ScaffoldError(f"{folder} already exists and is not an empty folder")
    posts = folder / POSTS_DIR
    posts.mkdir(parents=True, exist_ok=True)
    files = {
        folder / CONFIG_NAME: SITE_YAML.format(title=_quoted(folder.resolve().name.replace("-", " ").title() or "Mon blog")),
        posts / "bienvenue.md": WELCOME_POST.format(date=now.isoformat(timespec="seconds")),
        folder / ".gitignore": "/public/\n/.cache/\n",
    }
    written = []
    for path, text in files.items():
        if path.name.startswith(".") and path.exists():  # an existing .gitignore is the user's
            continue
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
        written.append(path)
    return written
